#pragma once

// Aircall's webhook deliveries: the envelope every body shares, what the dialer takes from
// each event, and the key a redelivery is recognised by. Pure: no I/O, no actors.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "actors/telephony.hpp"
#include "events/result.hpp"

namespace dialer::http {

struct WebhookDelivery {
  std::string event;     // call.created, user.opened, ... (a ".v2" suffix is kept)
  std::string resource;  // call, user, number, ...
  std::int64_t sent_at_seconds = 0;
  std::string token;
  nlohmann::json data;
};

// The body's envelope; malformed JSON or a body that is not an Aircall envelope is an
// invalid_argument error naming the field.
Result<WebhookDelivery> parse_webhook(std::string_view body);

// What the actors need from a delivery, or nothing when the event does not concern calls
// or agents' availability (contacts, numbers, tags, ...).
std::optional<actors::TelephonyEvent> telephony_event_of(const WebhookDelivery& delivery);

// An ended call as Aircall's Call object describes it (webhook `data`, or the call list).
events::CallEnded call_ended_of(const nlohmann::json& call);

// The same body delivered twice has the same key; two different bodies never do.
std::string webhook_idempotency_key(std::string_view body);

}  // namespace dialer::http
