#pragma once

// Aircall's webhook deliveries: the envelope every body shares, what the dialer takes from
// each event, and the key a redelivery is recognised by. Pure: no I/O, no actors.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/domain/agent.hpp"
#include "actors/telephony.hpp"
#include "events/result.hpp"

namespace dialer::http {

struct WebhookDelivery {
  std::string event;     // call.created, user.opened, ... (a ".v2" suffix is kept)
  std::string resource;  // call, user, number, ...
  std::int64_t sent_at_seconds = 0;
  std::string token;
  nlohmann::json data;
  std::string kept_body;  // the body as the log keeps it: without its token
};

// The body's envelope; malformed JSON or a body that is not an Aircall envelope is an
// invalid_argument error naming the field.
Result<WebhookDelivery> parse_webhook(std::string_view body);

// What the actors need from a delivery, or nothing when the event does not concern calls
// or agents' availability (contacts, numbers, tags, ...).
std::optional<actors::TelephonyEvent> telephony_event_of(const WebhookDelivery& delivery);

// What call.tagged, call.untagged and call.commented say of a call: its tags as they now
// stand, in the order they were set, and its comments.
struct CallNotes {
  struct Comment {
    std::int64_t id = 0;
    std::string content;
  };
  std::int64_t aircall_call_id = 0;
  std::vector<std::string> tags;
  std::vector<Comment> comments;
};
std::optional<CallNotes> call_notes_of(const WebhookDelivery& delivery);

// An ended call as Aircall's Call object describes it (webhook `data`, or the call list).
events::CallEnded call_ended_of(const nlohmann::json& call);

// A user's live availability (`GET /v1/users/:id/availability`: available, in_call,
// after_call_work, do_not_disturb, offline) as the agent's view of Aircall; nothing for a
// word Aircall may add later.
std::optional<domain::agent::AircallStatus> aircall_status_of(std::string_view availability);
// Whether a user with that availability can be given calls at all (offline and do not
// disturb cannot; on a call or wrapping up, soon).
bool can_take_calls(std::string_view availability);

// The events the dialer subscribes to: those `telephony_event_of` and `call_notes_of`
// understand.
const std::vector<std::string>& subscribed_webhook_events();

// The same body delivered twice has the same key; two different bodies never do.
std::string webhook_idempotency_key(std::string_view body);

}  // namespace dialer::http
