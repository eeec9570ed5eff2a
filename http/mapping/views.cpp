#include "http/mapping/views.hpp"

#include "actors/projections/queue_view.hpp"
#include "actors/projections/report_json.hpp"
#include "actors/projections/reporting.hpp"

namespace dialer::http {
using nlohmann::json;
using projections::iso_time;

json time_or_null(std::int64_t ms) {
  return ms > 0 ? json(iso_time(ms)) : json(nullptr);
}
json time_or_null(const std::optional<std::int64_t>& ms) {
  return ms ? time_or_null(*ms) : json(nullptr);
}

namespace {

// The last call's outcome, unless a rule has since set the item aside: then that rule.
json last_result_json(const domain::QueueItemState& item) {
  if (item.status == domain::ItemStatus::skipped && item.status_reason == "do-not-call") {
    return "do-not-call";
  }
  return item.last_result ? json(std::string{to_string(*item.last_result)}) : json(nullptr);
}

}  // namespace

json session_stats_json(const domain::AgentState& agent, std::int64_t now_ms) {
  auto end = agent.mode == domain::AgentMode::offline ? agent.session_ended_ms : now_ms;
  auto duration = agent.session_started_ms > 0 ? (end - agent.session_started_ms) / 1000 : 0;
  return {
      {"userId", agent.user_id},
      {"startTime", time_or_null(agent.session_started_ms)},
      {"endTime", agent.mode == domain::AgentMode::offline ? time_or_null(agent.session_ended_ms)
                                                           : json(nullptr)},
      {"duration", duration},
      {"callsCompleted", agent.calls_completed},
      {"totalCallDuration", agent.talk_seconds}};
}

json agent_json(const domain::AgentState& agent, std::int64_t now_ms) {
  return {
      {"userId", agent.user_id},
      {"status", domain::status_label(agent, now_ms)},
      {"statusSince", time_or_null(domain::status_since(agent, now_ms))},
      {"online", agent.mode != domain::AgentMode::offline},
      {"connected", agent.aircall_connected},
      {"available", domain::takes_calls(agent)},
      {"aircallUserId",
       agent.aircall_user_id == 0 ? json(nullptr) : json(std::to_string(agent.aircall_user_id))},
      {"numberId", agent.number_id == 0 ? json(nullptr) : json(std::to_string(agent.number_id))},
      {"mockMode", agent.mock_mode},
      {"pauseReason",
       agent.mode == domain::AgentMode::paused ? json(agent.pause_reason) : json(nullptr)},
      {"currentCallId", agent.call_id.empty() ? json(nullptr) : json(agent.call_id)},
      {"currentQueueItemId",
       agent.queue_item_id.empty() ? json(nullptr) : json(agent.queue_item_id)},
      {"wrapUpUntil",
       agent.wrap_up_until_ms > now_ms ? time_or_null(agent.wrap_up_until_ms) : json(nullptr)},
      {"lastCallId", agent.last_call_id.empty() ? json(nullptr) : json(agent.last_call_id)},
      {"awaitingDisposition", agent.awaiting_disposition},
      {"sessionStats", session_stats_json(agent, now_ms)}};
}

json active_call_json(const domain::CallState& call, const domain::QueueItemState* item) {
  json out{{"callId", call.request.call_id},
           {"aircallCallId",
            call.aircall_call_id == 0 ? json(nullptr) : json(std::to_string(call.aircall_call_id))},
           {"client", item ? item->details.client_id : std::string{}},
           {"queueItemId", call.request.queue_item_id},
           {"phoneNumber", call.request.phone_number},
           {"startTime",
            time_or_null(call.started_at_ms > 0 ? call.started_at_ms : call.requested_at_ms)},
           {"answeredAt", time_or_null(call.answered_at_ms)},
           {"endTime", call.ended ? time_or_null(call.ended->ended_at_ms) : json(nullptr)},
           {"outcome", call.ended ? json(to_string(call.ended->outcome)) : json(nullptr)},
           {"status", to_string(call.phase)},
           {"name", nullptr},
           {"notes", nullptr},
           {"metadata", nullptr},
           {"attempt", nullptr},
           {"disposition", nullptr}};
  if (!item) return out;
  const auto& d = item->details;
  out["name"] = d.name;
  out["notes"] = d.notes;
  out["metadata"] = json::parse(d.metadata_json.empty() ? "null" : d.metadata_json, nullptr, false);
  if (out["metadata"].is_discarded()) out["metadata"] = nullptr;
  out["attempt"] = item->call_id == call.request.call_id ? item->current_attempt : item->attempts;
  if (item->disposition && item->disposition->call_id == call.request.call_id) {
    out["disposition"] = item->disposition->disposition;
  }
  return out;
}

namespace {
std::string phase_of(const dispatch::WaitInfo& waiting) {
  using dispatch::WaitReason;
  switch (waiting.reason) {
    case WaitReason::schedule:
      return "scheduled";
    case WaitReason::retry_backoff:
      return "retry-wait";
    case WaitReason::business_hours:
    case WaitReason::callee_window:
    case WaitReason::holiday:
      return "waiting-window";
    case WaitReason::pinned_agent:
      return "assigned";
    case WaitReason::attempt_limit:
    case WaitReason::do_not_call:
      return "waiting";
    case WaitReason::agent:
    case WaitReason::company_budget:
    case WaitReason::agent_pace:
      return "";
  }
  return "";
}
}  // namespace

json queue_item_json(const domain::QueueItemState& item, std::int64_t now_ms,
                     const std::optional<dispatch::WaitInfo>& waiting) {
  const auto& d = item.details;
  auto metadata = json::parse(d.metadata_json.empty() ? "null" : d.metadata_json, nullptr, false);
  auto owner = projections::owner_of(item);
  auto phase = waiting ? phase_of(*waiting) : domain::phase_label(item, now_ms);
  return {
      {"id", d.item_id},
      {"clientId", d.client_id},
      {"name", d.name},
      {"phoneNumber", d.phone_number},
      {"status", to_string(item.status)},
      {"phase", phase.empty() ? json(nullptr) : json(phase)},
      {"priority", d.priority},
      {"assignedTo", owner.empty() ? json(nullptr) : json(owner)},
      {"scheduledFor", time_or_null(d.scheduled_for_ms)},
      {"nextAttemptAt",
       time_or_null(item.callback_due_ms ? item.callback_due_ms : item.retry_due_ms)},
      {"callback", item.callback_due_ms
                       ? json{{"at", time_or_null(item.callback_due_ms)},
                              {"agentId", item.callback_agent.empty() ? json(nullptr)
                                                                      : json(item.callback_agent)},
                              {"pinnedUntil", time_or_null(item.pinned_until_ms)}}
                       : json(nullptr)},
      {"waitingFor", waiting ? json(std::string{to_string(waiting->reason)}) : json(nullptr)},
      {"eligibleAt", waiting ? time_or_null(waiting->eligible_at_ms) : json(nullptr)},
      {"lastCallId", item.last_call_id.empty() ? json(nullptr) : json(item.last_call_id)},
      {"disposition", item.disposition ? disposition_json(*item.disposition) : json(nullptr)},
      {"attempts", item.attempts},
      {"lastAttempt", time_or_null(item.last_attempt_ms)},
      {"lastResult", last_result_json(item)},
      {"notes", d.notes},
      {"metadata", metadata.is_discarded() ? json(nullptr) : metadata},
      {"timeZone", d.time_zone.empty() ? json(nullptr) : json(d.time_zone)},
      {"createdAt", time_or_null(item.created_at_ms)},
      {"updatedAt", time_or_null(item.updated_at_ms)}};
}

json disposition_json(const events::QueueItemDispositioned& d) {
  return {{"callId", d.call_id},
          {"agentId", d.agent_id.empty() ? json(nullptr) : json(d.agent_id)},
          {"disposition", d.disposition},
          {"action", std::string{to_string(d.action)}},
          {"notes", d.notes},
          {"callbackAt", time_or_null(d.callback_at_ms)},
          {"callbackDialsAt", time_or_null(d.callback_dials_at_ms)},
          {"callbackAgent", d.callback_agent.empty() ? json(nullptr) : json(d.callback_agent)},
          {"source", d.source}};
}

std::map<std::string, std::int64_t> live_agents_by_status(Context& context) {
  std::map<std::string, std::int64_t> counts;
  auto now = context.now_ms();
  for (const auto& [id, folded] : projections::known_agents(context.projections.view())) {
    auto agent = context.dialer.agent(id);
    if (agent && agent->ever_started) ++counts[domain::status_label(*agent, now)];
  }
  return counts;
}

}  // namespace dialer::http
