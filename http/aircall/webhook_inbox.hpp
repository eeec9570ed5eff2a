#pragma once

// Aircall's deliveries in the log: each one kept exactly as received, in the `webhooks`
// stream, under a key its bytes give (so that a redelivery is recognised), before anything
// acts on it; and, at a start, the telephony news among those kept since a point in the log.

#include <cstdint>
#include <string>
#include <vector>

#include "actors/telephony.hpp"
#include "http/aircall/webhook.hpp"
#include "storage/event_store.hpp"

namespace dialer::http {

inline constexpr const char* kWebhookStream = "webhooks";

// The append that keeps a delivery, keyed by `body` as received (its token cut before it is
// kept), with what its envelope says.
storage::AppendRequest stored_delivery(const WebhookDelivery& delivery, std::string_view body);

// The telephony news among the deliveries stored from `from_seq` on, in their order.
Result<std::vector<actors::TelephonyEvent>> stored_telephony_since(const storage::EventStore& store,
                                                                   std::uint64_t from_seq);

}  // namespace dialer::http
