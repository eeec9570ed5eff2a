#include <algorithm>

#include "actors/projections/queue_view.hpp"
#include "actors/projections/report_json.hpp"
#include "actors/projections/reporting.hpp"
#include "http/mapping/exchange.hpp"
#include "http/mapping/requests.hpp"
#include "http/mapping/views.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

Result<std::string> user_id_of(const PathParams& params) {
  return plain_id(std::string{params["userId"]}, "userId");
}

// The agent as it is now, or 404 when the dialer never ran for it.
Result<domain::AgentState> known_agent(Context& context, const std::string& user_id) {
  auto agent = context.dialer.agent(user_id);
  if (!agent) return agent.error();
  if (!agent->ever_started) {
    return Error{ErrorCode::not_found, "the dialer never ran for agent " + user_id, "userId"};
  }
  return agent;
}

json unavailable_json(const domain::StartRefusal& refusal) {
  auto answer = error_json(refusal.error);
  answer["status"] = refusal.aircall_status;
  answer["available"] = false;
  answer["connected"] = refusal.connected;
  return answer;
}

Result<std::pair<std::string, domain::agent::Start>> start_request(Context& context,
                                                                   const PathParams& params,
                                                                   const httplib::Request& req) {
  auto user_id = user_id_of(params);
  if (!user_id) return user_id.error();
  auto body = json_object(req);
  if (!body) return body.error();
  auto request = read_start(*body, context.mock_mode);
  if (!request) return request.error();
  return std::pair{std::move(*user_id), std::move(*request)};
}

// A start Aircall refuses is answered with Aircall's word on the user, beside the error.
void start(Context& context, const PathParams& params, const httplib::Request& req,
           httplib::Response& res) {
  auto request = start_request(context, params, req);
  if (!request) return reply_error(res, request.error());
  auto started = context.dialer.start_agent(request->first, request->second);
  if (started.refusal && !started.refusal->aircall_status.empty()) {
    return reply(res, status_of(started.refusal->error.code), unavailable_json(*started.refusal));
  }
  if (!started.agent) return reply_error(res, started.agent.error());
  reply_ok(res, {{"userStatus", agent_json(*started.agent, context.now_ms())}});
}

// The path's agent, if the dialer ever ran for it.
Result<std::string> known_user_id(Context& context, const PathParams& params) {
  auto user_id = user_id_of(params);
  if (!user_id) return user_id.error();
  if (auto known = known_agent(context, *user_id); !known) return known.error();
  return user_id;
}

// The agent's command, once the agent is known; answered with the agent after it.
Result<domain::AgentState> command(Context& context, const PathParams& params,
                                   domain::agent::Command command) {
  auto user_id = known_user_id(context, params);
  if (!user_id) return user_id.error();
  return context.dialer.agent(*user_id, std::move(command));
}

Answer pause(Context& context, const PathParams& params, const httplib::Request& req) {
  auto body = json_object(req);
  if (!body) return body.error();
  auto reason = read_pause_reason(*body);
  if (!reason) return reason.error();
  auto agent = command(context, params, domain::agent::Pause{*reason});
  if (!agent) return agent.error();
  return json{{"userStatus", agent_json(*agent, context.now_ms())}};
}

Answer resume(Context& context, const PathParams& params) {
  auto agent = command(context, params, domain::agent::Resume{});
  if (!agent) return agent.error();
  return json{{"userStatus", agent_json(*agent, context.now_ms())}};
}

Answer stop(Context& context, const PathParams& params) {
  auto user_id = known_user_id(context, params);
  if (!user_id) return user_id.error();
  auto agent = context.dialer.stop_agent(*user_id);
  if (!agent) return agent.error();
  return json{{"sessionStats", session_stats_json(*agent, context.now_ms())},
              {"userStatus", agent_json(*agent, context.now_ms())}};
}

json call_view(Context& context, const std::string& call_id) {
  if (call_id.empty()) return nullptr;
  auto call = context.dialer.call(call_id);
  if (!call || call->request.call_id.empty()) return nullptr;
  auto item = context.dialer.item(call->request.queue_item_id);
  return active_call_json(*call, item ? &*item : nullptr);
}

// The callback pinned to the agent that comes due first: the console shows it coming.
json next_callback(Context& context, const std::string& user_id) {
  auto next = context.dialer.next_callback(user_id);
  if (!next) return nullptr;
  return {{"queueItemId", next->item_id}, {"at", projections::iso_time(next->due_ms)}};
}

Answer status(Context& context, const PathParams& params) {
  auto user_id = user_id_of(params);
  if (!user_id) return user_id.error();
  auto agent = known_agent(context, *user_id);
  if (!agent) return agent.error();
  auto now = context.now_ms();
  auto pending = projections::query_queue(
      context.projections.view(), {.owner = *user_id, .status = "pending", .page = {.limit = 0}});
  return json{{"status", domain::status_label(*agent, now)},
              {"online", agent->mode != domain::AgentMode::offline},
              {"connected", agent->aircall_connected},
              {"available", domain::takes_calls(*agent)},
              {"pauseReason", agent->mode == domain::AgentMode::paused ? json(agent->pause_reason)
                                                                       : json(nullptr)},
              {"statusSince", time_or_null(domain::status_since(*agent, now))},
              {"activeCall", call_view(context, agent->call_id)},
              // The call the agent is wrapping up or may still give a disposition for.
              {"lastCall",
               agent->call_id.empty() ? call_view(context, agent->last_call_id) : json(nullptr)},
              {"wrapUpUntil", agent->wrap_up_until_ms > now ? time_or_null(agent->wrap_up_until_ms)
                                                            : json(nullptr)},
              {"awaitingDisposition", agent->awaiting_disposition},
              {"nextCallback", next_callback(context, *user_id)},
              {"sessionStats", session_stats_json(*agent, now)},
              {"pendingCallsCount", pending.total}};
}

// Available agents first, then those with the fewest calls.
Answer agents(Context& context, const httplib::Request& req) {
  auto wanted = text_param(req, "status");
  const auto& words = domain::agent_status_words();
  if (!wanted.empty() && std::find(words.begin(), words.end(), wanted) == words.end()) {
    std::string allowed;
    for (auto word : words) allowed += (allowed.empty() ? "" : ", ") + std::string{word};
    return Error{ErrorCode::invalid_argument, "status must be one of " + allowed, "status"};
  }
  auto now = context.now_ms();
  if (auto current = context.current_views(); !current) return current.error();
  std::vector<domain::AgentState> found;
  for (const auto& [id, last_status] : projections::known_agents(context.projections.view())) {
    auto agent = context.dialer.agent(id);
    if (!agent || !agent->ever_started) continue;
    if (!wanted.empty() && domain::status_label(*agent, now) != wanted) continue;
    found.push_back(std::move(*agent));
  }
  std::stable_sort(found.begin(), found.end(), [now](const auto& a, const auto& b) {
    bool a_free = domain::status_label(a, now) == "available";
    bool b_free = domain::status_label(b, now) == "available";
    if (a_free != b_free) return a_free;
    return a.calls_completed < b.calls_completed;
  });
  json list = json::array();
  for (const auto& agent : found) list.push_back(agent_json(agent, now));
  return json{{"totalCount", list.size()}, {"agents", std::move(list)}};
}

}  // namespace

void add_control_routes(Router& router, Context& context) {
  router.post("/api/dialer/start/:userId",
              [&context](const httplib::Request& req, httplib::Response& res,
                         const PathParams& params) { start(context, params, req, res); });
  router.post(
      "/api/dialer/pause/:userId",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        reply_with(res, pause(context, params, req));
      });
  router.post("/api/dialer/resume/:userId",
              [&context](const httplib::Request&, httplib::Response& res,
                         const PathParams& params) { reply_with(res, resume(context, params)); });
  router.post("/api/dialer/stop/:userId",
              [&context](const httplib::Request&, httplib::Response& res,
                         const PathParams& params) { reply_with(res, stop(context, params)); });
  router.get("/api/dialer/status/:userId",
             [&context](const httplib::Request&, httplib::Response& res, const PathParams& params) {
               reply_with(res, status(context, params));
             });
  router.get("/api/dialer/agents", [&context](const httplib::Request& req, httplib::Response& res) {
    reply_with(res, agents(context, req));
  });
}

}  // namespace dialer::http
