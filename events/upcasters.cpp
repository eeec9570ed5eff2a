// The catalogue's upcasters: each reads one schema version's payload and writes the next.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "events/catalogue.hpp"
#include "events/fields.hpp"
#include "events/legacy_layouts.hpp"
#include "events/secrets.hpp"
#include "events/upcast.hpp"

namespace dialer::events {
namespace {

using namespace legacy;

Error undecodable(std::string_view what) {
  return Error{ErrorCode::corrupt_data, std::string{what} + " payload does not decode"};
}

Result<std::string> queue_item_added_v1_to_v2(std::string_view payload) {
  QueueItemAddedV1 old;
  if (!decode_fields(payload, old)) return undecodable("queue.item_added v1");
  QueueItemAdded current;
  current.item_id = std::move(old.item_id);
  current.client_id = std::move(old.client_id);
  current.name = std::move(old.name);
  current.phone_number = std::move(old.phone_number);
  current.priority = old.priority;
  if (old.scheduled_for_seconds) {
    // Seconds whose milliseconds do not fit are damage, not a time.
    constexpr auto kMaxSeconds = std::numeric_limits<std::int64_t>::max() / 1000;
    if (*old.scheduled_for_seconds > kMaxSeconds || *old.scheduled_for_seconds < -kMaxSeconds)
      return undecodable("queue.item_added v1");
    current.scheduled_for_ms = *old.scheduled_for_seconds * 1000;
  }
  current.notes = std::move(old.notes);
  current.metadata_json = std::move(old.metadata_json);
  current.assigned_to = std::move(old.assigned_to);
  return encode_fields(current);
}

Result<std::string> call_requested_v1_to_v2(std::string_view payload) {
  CallRequestedV1 old;
  if (!decode_fields(payload, old)) return undecodable("call.requested v1");
  return encode_fields(CallRequested{std::move(old.call_id), std::move(old.queue_item_id),
                                     std::move(old.agent_id), old.aircall_user_id, old.number_id,
                                     std::move(old.phone_number), old.attempt, false});
}

// A v1 release reason: a start failure's code, or one of the two sentences written when no
// call took place.
std::optional<CallFailure> failure_of_text(std::string_view text) {
  if (text == kNoCallTookPlace) return CallFailure::not_requested;
  if (text == kNoTraceAtAircall) return CallFailure::lost;
  CallFailure failure{};
  if (from_string(text, failure)) return failure;
  return std::nullopt;
}

Result<std::string> queue_item_released_v1_to_v2(std::string_view payload) {
  QueueItemReleasedV1 old;
  if (!decode_fields(payload, old)) return undecodable("queue.item_released v1");
  auto reason = failure_of_text(old.reason);
  if (!reason) return undecodable("queue.item_released v1 reason '" + old.reason + "'");
  return encode_fields(QueueItemReleased{std::move(old.call_id), *reason});
}

Result<std::string> agent_released_v1_to_v2(std::string_view payload) {
  AgentReleasedV1 old;
  if (!decode_fields(payload, old)) return undecodable("agent.released v1");
  auto reason = failure_of_text(old.reason);
  if (!reason) return undecodable("agent.released v1 reason '" + old.reason + "'");
  return encode_fields(AgentReleased{std::move(old.call_id), *reason, old.hold_until_ms});
}

// v1 logged secrets as they were set: the ones only compared become their (unsalted)
// digests, and the ones that would be sent, never used from config, are dropped. So no read
// of an old event, by the feed, the CLI or an export, shows a secret again.
Result<std::string> config_changed_v1_to_v2(std::string_view payload) {
  ConfigChanged changed;
  if (!decode_fields(payload, changed)) return undecodable("config.changed v1");
  for (auto it = changed.settings.begin(); it != changed.settings.end();) {
    if (is_sent_secret(it->first)) {
      it = changed.settings.erase(it);
      continue;
    }
    if (is_compared_secret(it->first)) {
      auto value = nlohmann::json::parse(it->second, nullptr, false);
      auto digest = [](nlohmann::json& text) {
        if (text.is_string() && !text.get_ref<const std::string&>().empty())
          text = secret_digest(text.get_ref<const std::string&>(), "");
      };
      if (value.is_array()) {
        for (auto& each : value) digest(each);
      } else {
        digest(value);
      }
      it->second = value.is_discarded() ? "null" : value.dump();
    }
    ++it;
  }
  return encode_fields(changed);
}

// v1 kept a delivery's body as it came, Aircall's token in it.
Result<std::string> webhook_received_v1_to_v2(std::string_view payload) {
  WebhookReceived received;
  if (!decode_fields(payload, received)) return undecodable("webhook.received v1");
  received.body = without_webhook_token(received.body);
  return encode_fields(received);
}

Upcasters make_catalogue_upcasters() {
  Upcasters upcasters;
  upcasters.add(QueueItemAdded::type, 1, queue_item_added_v1_to_v2);
  upcasters.add(CallRequested::type, 1, call_requested_v1_to_v2);
  upcasters.add(QueueItemReleased::type, 1, queue_item_released_v1_to_v2);
  upcasters.add(AgentReleased::type, 1, agent_released_v1_to_v2);
  upcasters.add(ConfigChanged::type, 1, config_changed_v1_to_v2);
  upcasters.add(WebhookReceived::type, 1, webhook_received_v1_to_v2);
  return upcasters;
}

}  // namespace

const Upcasters& catalogue_upcasters() {
  static const Upcasters upcasters = make_catalogue_upcasters();
  return upcasters;
}

}  // namespace dialer::events
