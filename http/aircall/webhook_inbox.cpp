#include "http/aircall/webhook_inbox.hpp"

#include <optional>

#include "events/secrets.hpp"

namespace dialer::http {

storage::AppendRequest stored_delivery(const WebhookDelivery& delivery, std::string_view body) {
  // The key is of the bytes as they came; the log keeps them without the token.
  auto key = webhook_idempotency_key(body);
  events::WebhookReceived received{delivery.event, delivery.resource, delivery.sent_at_seconds,
                                   delivery.kept_body};
  return storage::AppendRequest{kWebhookStream,
                                storage::ExpectedVersion::any(),
                                {storage::NewEvent::from(events::Event{std::move(received)})},
                                std::move(key)};
}

Result<TakenDelivery> take_delivery(storage::EventStore& store, const WebhookTokens& tokens,
                                    std::string_view body) {
  auto delivery = parse_webhook(body);
  if (!delivery) return delivery.error();
  if (!tokens.webhooks_accepted()) {
    return Error{ErrorCode::unauthenticated,
                 "no webhook token is configured (AIRCALL_WEBHOOK_TOKEN or aircall.webhookToken)",
                 "token"};
  }
  if (!tokens.accepts_webhook_token(delivery->token)) {
    return Error{ErrorCode::unauthenticated, "wrong webhook token", "token"};
  }
  auto stored = store.append(stored_delivery(*delivery, body));
  if (!stored) return stored.error();
  TakenDelivery taken{delivery->event,
                      stored->last_seq,
                      stored->status == storage::AppendStatus::duplicate,
                      {},
                      {}};
  if (taken.duplicate) return taken;
  taken.telephony = telephony_event_of(*delivery);
  if (!taken.telephony) taken.notes = call_notes_of(*delivery);
  return taken;
}

Result<std::vector<actors::TelephonyEvent>> stored_telephony_since(const storage::EventStore& store,
                                                                   std::uint64_t from_seq) {
  std::vector<actors::TelephonyEvent> found;
  std::optional<Error> failure;
  auto scanned = store.scan_log_views(from_seq, [&](const events::EnvelopeView& envelope) {
    if (envelope.type != events::WebhookReceived::type) return true;
    auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
    if (!event) {
      failure = event.error();
      return false;
    }
    auto delivery = parse_webhook(std::get<events::WebhookReceived>(*event).body);
    if (!delivery) return true;  // stored only once it parsed; nothing to apply otherwise
    if (auto telephony = telephony_event_of(*delivery)) found.push_back(std::move(*telephony));
    return true;
  });
  if (!scanned) return scanned.error();
  if (failure) return *failure;
  return found;
}

}  // namespace dialer::http
