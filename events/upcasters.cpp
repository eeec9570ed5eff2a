#include <cstdint>
#include <optional>
#include <string>

#include "events/catalogue.hpp"
#include "events/fields.hpp"
#include "events/upcast.hpp"

namespace dialer::events {
namespace {

// queue.item_added as first written: no time zone, schedule in whole seconds.
struct QueueItemAddedV1 {
  std::string item_id;
  std::string client_id;
  std::string name;
  std::string phone_number;
  std::int32_t priority = 10;
  std::optional<std::int64_t> scheduled_for_seconds;
  std::string notes;
  std::string metadata_json;
  std::string assigned_to;
  static void describe(auto& self, auto&& field) {
    field("itemId", self.item_id);
    field("clientId", self.client_id);
    field("name", self.name);
    field("phoneNumber", self.phone_number);
    field("priority", self.priority);
    field("scheduledFor", self.scheduled_for_seconds);
    field("notes", self.notes);
    field("metadata", self.metadata_json);
    field("assignedTo", self.assigned_to);
  }
};

Result<std::string> queue_item_added_v1_to_v2(std::string_view payload) {
  QueueItemAddedV1 old;
  if (!decode_fields(payload, old)) {
    return Error{ErrorCode::corrupt_data, "queue.item_added v1 payload does not decode"};
  }
  QueueItemAdded current;
  current.item_id = std::move(old.item_id);
  current.client_id = std::move(old.client_id);
  current.name = std::move(old.name);
  current.phone_number = std::move(old.phone_number);
  current.priority = old.priority;
  if (old.scheduled_for_seconds) current.scheduled_for_ms = *old.scheduled_for_seconds * 1000;
  current.notes = std::move(old.notes);
  current.metadata_json = std::move(old.metadata_json);
  current.assigned_to = std::move(old.assigned_to);
  return encode_fields(current);
}

// call.requested before agents could be started in mock mode.
struct CallRequestedV1 {
  std::string call_id;
  std::string queue_item_id;
  std::string agent_id;
  std::int64_t aircall_user_id = 0;
  std::int64_t number_id = 0;
  std::string phone_number;
  std::uint32_t attempt = 0;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("queueItemId", self.queue_item_id);
    field("agentId", self.agent_id);
    field("aircallUserId", self.aircall_user_id);
    field("numberId", self.number_id);
    field("phoneNumber", self.phone_number);
    field("attempt", self.attempt);
  }
};

Result<std::string> call_requested_v1_to_v2(std::string_view payload) {
  CallRequestedV1 old;
  if (!decode_fields(payload, old)) {
    return Error{ErrorCode::corrupt_data, "call.requested v1 payload does not decode"};
  }
  return encode_fields(CallRequested{std::move(old.call_id), std::move(old.queue_item_id),
                                     std::move(old.agent_id), old.aircall_user_id, old.number_id,
                                     std::move(old.phone_number), old.attempt, false});
}

Upcasters make_catalogue_upcasters() {
  Upcasters upcasters;
  upcasters.add(QueueItemAdded::type, 1, queue_item_added_v1_to_v2);
  upcasters.add(CallRequested::type, 1, call_requested_v1_to_v2);
  return upcasters;
}

}  // namespace

const Upcasters& catalogue_upcasters() {
  static const Upcasters upcasters = make_catalogue_upcasters();
  return upcasters;
}

}  // namespace dialer::events
