#pragma once

// Event layouts as earlier schema versions wrote them. The log keeps them for ever; the
// upcasters (upcasters.cpp) read them into today's layouts, and their tests write them.

#include <cstdint>
#include <optional>
#include <string>

namespace dialer::events::legacy {

// queue.item_added v1: no time zone, schedule in whole seconds.
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

// call.requested v1: before agents could be started in mock mode.
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

// queue.item_released v1: the reason in free text.
struct QueueItemReleasedV1 {
  std::string call_id;
  std::string reason;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("reason", self.reason);
  }
};

// agent.released v1: the reason in free text.
struct AgentReleasedV1 {
  std::string call_id;
  std::string reason;
  std::int64_t hold_until_ms = 0;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("reason", self.reason);
    field("holdUntil", self.hold_until_ms);
  }
};

// The texts v1 release reasons were written with, besides the start failures' own codes.
inline constexpr std::string_view kNoCallTookPlace = "no call took place";
inline constexpr std::string_view kNoTraceAtAircall = "Aircall has no trace of the call";

}  // namespace dialer::events::legacy
