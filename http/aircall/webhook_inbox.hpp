#pragma once

// Aircall's deliveries in the log: the intake's rule for each (who may deliver, kept before
// anything acts on it, a redelivery recognised by its bytes and asking nothing more), and, at
// a start, the telephony news among those kept since a point in the log.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/telephony.hpp"
#include "http/aircall/webhook.hpp"
#include "storage/event_store.hpp"

namespace dialer::http {

inline constexpr const char* kWebhookStream = "webhooks";

// Who may deliver: whether any webhook token is configured, and whether one presented is it.
class WebhookTokens {
 public:
  virtual ~WebhookTokens() = default;
  virtual bool webhooks_accepted() const = 0;
  virtual bool accepts_webhook_token(std::string_view presented) const = 0;
};

// A delivery as the intake took it: kept (now, or before: a redelivery), and what a first
// delivery asks of the dialer (telephony news, or a call's tags and comments), if anything.
struct TakenDelivery {
  std::string event;
  std::uint64_t seq = 0;
  bool duplicate = false;
  std::optional<actors::TelephonyEvent> telephony;
  std::optional<CallNotes> notes;
};

// The intake's rule, in order: the body parses, within its bounds; a token is configured and
// the delivery carries it; it is durable in the log before it is answered or acted on; a
// redelivery (the same bytes) is acknowledged and asks nothing more.
Result<TakenDelivery> take_delivery(storage::EventStore& store, const WebhookTokens& tokens,
                                    std::string_view body);

// The append that keeps a delivery, keyed by `body` as received (its token cut before it is
// kept), with what its envelope says.
storage::AppendRequest stored_delivery(const WebhookDelivery& delivery, std::string_view body);

// The telephony news among the deliveries stored from `from_seq` on, in their order.
Result<std::vector<actors::TelephonyEvent>> stored_telephony_since(const storage::EventStore& store,
                                                                   std::uint64_t from_seq);

}  // namespace dialer::http
