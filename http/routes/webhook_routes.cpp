// POST /api/dialer/webhook: Aircall's deliveries, checked, stored, then applied.

#include "actors/projections/reporting.hpp"
#include "http/aircall/webhook_inbox.hpp"
#include "http/mapping/exchange.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

// Tags and comments on one of the dialer's calls become its disposition and notes; those on
// any other call (inbound, or made outside the dialer) are only kept.
void apply_call_notes(Context& context, const CallNotes& notes) {
  context.caught_up();
  auto call_id = projections::call_of_aircall(context.projections.view(), notes.aircall_call_id);
  if (!call_id) return;
  actors::AircallCallNotes taken{notes.tags, {}};
  for (const auto& comment : notes.comments)
    taken.comments.emplace_back(comment.id, comment.content);
  (void)context.dialer.take_aircall_notes(*call_id, taken);
}

// Stored first, applied after: Aircall is answered 2xx only once the delivery is durable,
// and a redelivery finds its key and is acknowledged without being applied again.
void receive(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto delivery = parse_webhook(req.body);
  if (!delivery) return reply_error(res, delivery.error());
  if (!context.credentials.webhooks_accepted()) {
    return reply_error(res, Error{ErrorCode::unauthenticated,
                                  "no webhook token is configured (AIRCALL_WEBHOOK_TOKEN or "
                                  "aircall.webhookToken)",
                                  "token"});
  }
  if (!context.credentials.accepts_webhook_token(delivery->token)) {
    return reply_error(res, Error{ErrorCode::unauthenticated, "wrong webhook token", "token"});
  }
  auto stored = context.store.append(stored_delivery(*delivery, req.body));
  if (!stored) return reply_error(res, stored.error());
  ++context.webhooks_received;
  context.metrics.count_webhook(delivery->event);
  bool duplicate = stored->status == storage::AppendStatus::duplicate;
  if (duplicate) {
    ++context.webhooks_duplicate;
  } else if (auto event = telephony_event_of(*delivery)) {
    context.dialer.telephony_event(std::move(*event));
    ++context.webhooks_applied;
  } else if (auto notes = call_notes_of(*delivery)) {
    apply_call_notes(context, *notes);
    ++context.webhooks_applied;
  }
  reply_ok(res, {{"received", delivery->event},
                 {"seq", std::to_string(stored->last_seq)},
                 {"duplicate", duplicate}});
}

}  // namespace

void add_webhook_routes(Router& router, Context& context) {
  router.post("/api/dialer/webhook",
              [&context](const httplib::Request& req, httplib::Response& res) {
                receive(context, req, res);
              });
}

}  // namespace dialer::http
