// Dispositions and the end of wrap-up: what an agent decides of a call, and "ready".

#include "actors/projections/report_json.hpp"
#include "http/mapping/exchange.hpp"
#include "http/mapping/requests.hpp"
#include "http/mapping/views.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

Result<std::string> id_of(const PathParams& params, const char* name) {
  return plain_id(std::string{params[name]}, name);
}

json disposed_json(Context& context, const actors::Disposed& disposed) {
  return {{"disposition", disposition_json(disposed.disposition)},
          {"item", queue_item_json(disposed.item, context.now_ms())},
          {"dialsAt", disposed.dials_at_ms ? json(projections::iso_time(*disposed.dials_at_ms))
                                           : json(nullptr)}};
}

// Reads the path's id and the body, then asks `dispose` (by call, or by agent) for the
// disposition.
template <class Dispose>
Answer dispose_with(Context& context, const PathParams& params, const char* id_name,
                    const httplib::Request& req, Dispose&& dispose) {
  auto id = id_of(params, id_name);
  if (!id) return id.error();
  auto body = json_object(req);
  if (!body) return body.error();
  auto request = read_disposition(*body);
  if (!request) return request.error();
  auto disposed = dispose(*id, *request);
  if (!disposed) return disposed.error();
  return disposed_json(context, *disposed);
}

Answer ready(Context& context, const PathParams& params) {
  auto user = id_of(params, "userId");
  if (!user) return user.error();
  auto known = context.dialer.agent(*user);
  if (!known) return known.error();
  if (!known->ever_started) {
    return Error{ErrorCode::not_found, "the dialer never ran for agent " + *user, "userId"};
  }
  auto agent = context.dialer.agent(*user, domain::agent::Ready{context.now_ms()});
  if (!agent) return agent.error();
  return json{{"userStatus", agent_json(*agent, context.now_ms())}};
}

}  // namespace

void add_disposition_routes(Router& router, Context& context) {
  using domain::DispositionRequest;
  router.post(
      "/api/dialer/calls/:callId/disposition",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        reply_with(res,
                   dispose_with(context, params, "callId", req,
                                [&](const std::string& call_id, const DispositionRequest& request) {
                                  return context.dialer.dispose(call_id, request);
                                }));
      });
  router.post(
      "/api/dialer/disposition/:userId",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        reply_with(res,
                   dispose_with(context, params, "userId", req,
                                [&](const std::string& user_id, const DispositionRequest& request) {
                                  return context.dialer.dispose_last(user_id, request);
                                }));
      });
  router.post("/api/dialer/ready/:userId",
              [&context](const httplib::Request&, httplib::Response& res,
                         const PathParams& params) { reply_with(res, ready(context, params)); });
}

}  // namespace dialer::http
