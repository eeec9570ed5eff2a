// Dispositions and the end of wrap-up: what an agent decides of a call, and "ready".

#include "actors/projections/report_json.hpp"
#include "http/exchange.hpp"
#include "http/requests.hpp"
#include "http/routes.hpp"
#include "http/views.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

Result<std::string> id_of(const PathParams& params, const char* name) {
  return plain_id(std::string{params[name]}, name);
}

void answer(Context& context, Result<actors::Disposed> disposed, httplib::Response& res) {
  if (!disposed) return reply_error(res, disposed.error());
  reply_ok(res,
           {{"disposition", disposition_json(disposed->disposition)},
            {"item", queue_item_json(disposed->item, context.now_ms())},
            {"dialsAt", disposed->dials_at_ms ? json(projections::iso_time(*disposed->dials_at_ms))
                                              : json(nullptr)}});
}

// Reads the body, then asks `dispose` (by call, or by agent) for the disposition.
template <class Dispose>
void dispose_with(Context& context, const httplib::Request& req, httplib::Response& res,
                  Dispose&& dispose) {
  auto body = json_object(req);
  if (!body) return reply_error(res, body.error());
  auto request = read_disposition(*body);
  if (!request) return reply_error(res, request.error());
  answer(context, dispose(*request), res);
}

}  // namespace

void add_disposition_routes(Router& router, Context& context) {
  router.post(
      "/api/dialer/calls/:callId/disposition",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        auto call_id = id_of(params, "callId");
        if (!call_id) return reply_error(res, call_id.error());
        dispose_with(context, req, res, [&](const domain::DispositionRequest& request) {
          return context.dialer.dispose(*call_id, request);
        });
      });
  router.post(
      "/api/dialer/disposition/:userId",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        auto user = id_of(params, "userId");
        if (!user) return reply_error(res, user.error());
        dispose_with(context, req, res, [&](const domain::DispositionRequest& request) {
          return context.dialer.dispose_last(*user, request);
        });
      });
  router.post(
      "/api/dialer/ready/:userId",
      [&context](const httplib::Request&, httplib::Response& res, const PathParams& params) {
        auto user = id_of(params, "userId");
        if (!user) return reply_error(res, user.error());
        auto known = context.dialer.agent(*user);
        if (!known) return reply_error(res, known.error());
        if (!known->ever_started) {
          return reply_error(res, Error{ErrorCode::not_found,
                                        "the dialer never ran for agent " + *user, "userId"});
        }
        auto agent = context.dialer.agent(*user, domain::agent::Ready{context.now_ms()});
        if (!agent) return reply_error(res, agent.error());
        reply_ok(res, {{"userStatus", agent_json(*agent, context.now_ms())}});
      });
}

}  // namespace dialer::http
