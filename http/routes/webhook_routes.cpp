// POST /api/dialer/webhook: Aircall's deliveries, checked, stored, then applied.

#include "http/aircall/webhook_inbox.hpp"
#include "http/mapping/exchange.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

// Tags and comments on one of the dialer's calls become its disposition and notes; those on
// any other call (inbound, or made outside the dialer) are only kept.
void apply_call_notes(Context& context, const CallNotes& notes) {
  auto call_id = context.dialer.call_of_aircall(notes.aircall_call_id);
  if (!call_id) return;
  actors::AircallCallNotes taken{notes.tags, {}};
  for (const auto& comment : notes.comments)
    taken.comments.emplace_back(comment.id, comment.content);
  (void)context.dialer.take_aircall_notes(*call_id, taken);
}

// Taken by the inbox's rule (stored first, answered once durable), then applied.
void receive(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto taken = take_delivery(context.store, context.credentials, req.body);
  if (!taken) return reply_error(res, taken.error());
  ++context.webhooks_received;
  context.metrics.count_webhook(taken->event);
  if (taken->duplicate) {
    ++context.webhooks_duplicate;
  } else if (taken->telephony) {
    context.dialer.telephony_event(std::move(*taken->telephony));
    ++context.webhooks_applied;
  } else if (taken->notes) {
    apply_call_notes(context, *taken->notes);
    ++context.webhooks_applied;
  }
  reply_ok(res, {{"received", taken->event},
                 {"seq", std::to_string(taken->seq)},
                 {"duplicate", taken->duplicate}});
}

}  // namespace

void add_webhook_routes(Router& router, Context& context) {
  router.post("/api/dialer/webhook",
              [&context](const httplib::Request& req, httplib::Response& res) {
                receive(context, req, res);
              });
}

}  // namespace dialer::http
