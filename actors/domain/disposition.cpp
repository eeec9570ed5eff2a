#include "actors/domain/disposition.hpp"

#include "actors/rules/calling_window.hpp"

namespace dialer::domain {

Result<events::QueueItemDispositioned> check_disposition(const DialerSettings& settings,
                                                         const std::string& call_id,
                                                         const CallState& call,
                                                         const DispositionRequest& request,
                                                         std::int64_t now_ms) {
  if (call.phase == CallPhase::none) {
    return Error{ErrorCode::not_found, "no such call " + call_id, "callId"};
  }
  if (call.phase == CallPhase::start_failed || call.phase == CallPhase::lost) {
    return Error{ErrorCode::conflict,
                 "call " + call_id + " never took place: there is nothing to disposition"};
  }
  const auto* found = settings.find_disposition(request.disposition);
  if (!found) {
    std::string codes;
    for (const auto& d : settings.dispositions) codes += (codes.empty() ? "" : ", ") + d.code;
    return Error{ErrorCode::invalid_argument,
                 "disposition must be one of the team's codes: " + codes, "disposition"};
  }
  bool callback = found->action == events::DispositionAction::callback;
  if (callback && !request.callback_at_ms) {
    return Error{ErrorCode::invalid_argument,
                 "disposition " + found->code + " is a callback: callbackAt is required",
                 "callbackAt"};
  }
  if (!callback && request.callback_at_ms) {
    return Error{ErrorCode::invalid_argument,
                 "callbackAt goes only with a callback disposition, not " + found->code,
                 "callbackAt"};
  }
  if (callback && *request.callback_at_ms <= now_ms) {
    return Error{ErrorCode::invalid_argument, "callbackAt must be in the future", "callbackAt"};
  }
  if (callback && *request.callback_at_ms - now_ms > kMaxCallbackAheadMs) {
    return Error{ErrorCode::invalid_argument, "callbackAt may be at most a year ahead",
                 "callbackAt"};
  }
  events::QueueItemDispositioned out;
  out.call_id = call_id;
  out.agent_id = call.request.agent_id;
  out.disposition = found->code;
  out.action = found->action;
  out.notes = request.notes;
  if (callback) {
    out.callback_at_ms = request.callback_at_ms;
    if (request.callback_scope == CallbackScope::agent) out.callback_agent = call.request.agent_id;
  }
  out.source = request.source;
  return out;
}

std::optional<std::int64_t> first_dialable(const DialerSettings& settings,
                                           const events::QueueItemAdded& item, std::int64_t at_ms) {
  auto zone = rules::find_zone(settings.time_zone);
  if (!zone) zone = rules::find_zone("UTC");
  rules::BusinessHours business{*zone,
                                {settings.business_start_minute, settings.business_end_minute},
                                settings.business_days,
                                settings.holidays};
  return rules::next_dialable(at_ms, business,
                              rules::callee_zones(item.time_zone, item.phone_number),
                              {settings.callee_start_minute, settings.callee_end_minute});
}

}  // namespace dialer::domain
