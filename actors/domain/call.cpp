#include "actors/domain/call.hpp"

#include <algorithm>

#include "events/names.hpp"

namespace dialer::domain {
namespace {

using Events = std::vector<events::Event>;

bool awaiting_creation(CallPhase phase) {
  return phase == CallPhase::requested || phase == CallPhase::accepted;
}

struct CallDecider {
  const CallState& s;

  // An event for a call Aircall has not yet told us about implies its creation.
  void created_first(Events& out, std::int64_t aircall_call_id, std::int64_t at) const {
    if (awaiting_creation(s.phase)) out.push_back(events::CallCreated{aircall_call_id, at});
  }
  bool other_call(std::int64_t aircall_call_id) const {
    return s.aircall_call_id != 0 && aircall_call_id != s.aircall_call_id;
  }

  Result<Events> operator()(const call::Request& c) const {
    if (s.phase != CallPhase::none) {
      if (s.request == c.request) return Events{};
      return Error{ErrorCode::conflict, "call " + c.request.call_id + " was requested already"};
    }
    if (c.request.call_id.empty() || c.request.phone_number.empty() ||
        c.request.aircall_user_id <= 0 || c.request.number_id <= 0) {
      return Error{ErrorCode::invalid_argument,
                   "a call needs an id, a user, a number and a callee"};
    }
    return Events{c.request};
  }

  Result<Events> operator()(const call::StartAccepted&) const {
    if (s.phase != CallPhase::requested) return Events{};
    return Events{events::CallStartAccepted{}};
  }

  Result<Events> operator()(const call::StartFailed& c) const {
    if (s.phase != CallPhase::requested) return Events{};
    return Events{events::CallStartFailed{c.code, c.message}};
  }

  Result<Events> operator()(const call::Created& c) const {
    if (!awaiting_creation(s.phase)) return Events{};
    return Events{events::CallCreated{c.aircall_call_id, c.started_at_ms}};
  }

  Result<Events> operator()(const call::Answered& c) const {
    if (other_call(c.aircall_call_id) || s.answered_at_ms) return Events{};
    if (s.phase == CallPhase::none || s.phase == CallPhase::start_failed ||
        s.phase == CallPhase::lost) {
      return Events{};
    }
    Events out;
    created_first(out, c.aircall_call_id, c.answered_at_ms);
    out.push_back(events::CallAnswered{c.answered_at_ms});
    return out;
  }

  Result<Events> operator()(const call::HungUp& c) const {
    if (other_call(c.aircall_call_id)) return Events{};
    if (!awaiting_creation(s.phase) && s.phase != CallPhase::created &&
        s.phase != CallPhase::answered) {
      return Events{};
    }
    Events out;
    created_first(out, c.aircall_call_id, c.hungup_at_ms);
    out.push_back(events::CallHungUp{c.hungup_at_ms});
    return out;
  }

  Result<Events> operator()(const call::Ended& c) const {
    if (other_call(c.details.aircall_call_id) || finished(s) || s.phase == CallPhase::none) {
      return Events{};
    }
    Events out;
    created_first(out, c.details.aircall_call_id, c.details.started_at_ms);
    out.push_back(c.details);
    return out;
  }

  Result<Events> operator()(const call::Lost& c) const {
    if (!awaiting_creation(s.phase)) return Events{};
    return Events{events::CallLost{c.reason}};
  }

  Result<Events> operator()(const call::Vanished& c) const {
    if (awaiting_creation(s.phase)) return Events{events::CallLost{c.reason}};
    if (finished(s) || s.phase == CallPhase::none) return Events{};
    events::CallEnded ended;
    ended.aircall_call_id = s.aircall_call_id;
    ended.started_at_ms = s.started_at_ms;
    ended.answered_at_ms = s.answered_at_ms;
    ended.ended_at_ms = s.hungup_at_ms != 0 ? s.hungup_at_ms : c.at_ms;
    ended.duration_seconds =
        std::max<std::int64_t>(0, (ended.ended_at_ms - s.started_at_ms) / 1000);
    ended.outcome = s.answered_at_ms ? events::CallOutcome::connected : events::CallOutcome::error;
    ended.hangup_cause = "vanished";
    return Events{std::move(ended)};
  }
};

struct CallEvolver {
  CallState& s;
  std::int64_t at;

  void operator()(const events::CallRequested& e) const {
    s.phase = CallPhase::requested;
    s.request = e;
    s.requested_at_ms = at;
  }
  void operator()(const events::CallStartAccepted&) const {
    if (s.phase == CallPhase::requested) s.phase = CallPhase::accepted;
  }
  void operator()(const events::CallStartFailed& e) const {
    s.phase = CallPhase::start_failed;
    s.failure = e.code;
    s.failure_message = e.message;
  }
  void operator()(const events::CallCreated& e) const {
    s.aircall_call_id = e.aircall_call_id;
    s.started_at_ms = e.started_at_ms;
    if (awaiting_creation(s.phase)) s.phase = CallPhase::created;
  }
  void operator()(const events::CallAnswered& e) const {
    s.answered_at_ms = e.answered_at_ms;
    if (s.phase == CallPhase::created) s.phase = CallPhase::answered;
  }
  void operator()(const events::CallHungUp& e) const {
    s.hungup_at_ms = e.hungup_at_ms;
    if (s.phase == CallPhase::created || s.phase == CallPhase::answered)
      s.phase = CallPhase::hung_up;
  }
  void operator()(const events::CallEnded& e) const {
    s.ended = e;
    if (e.answered_at_ms && !s.answered_at_ms) s.answered_at_ms = e.answered_at_ms;
    s.phase = CallPhase::ended;
  }
  void operator()(const events::CallLost& e) const {
    s.phase = CallPhase::lost;
    s.failure = events::CallFailure::lost;
    s.failure_message = e.reason;
  }
  void operator()(const auto&) const {}
};

}  // namespace

Result<Events> decide(const CallState& state, const call::Command& command) {
  return std::visit(CallDecider{state}, command);
}

CallState evolve(CallState state, const events::Event& event, std::int64_t recorded_at_ms) {
  std::visit(CallEvolver{state, recorded_at_ms}, event);
  return state;
}

bool finished(const CallState& s) {
  return s.phase == CallPhase::ended || s.phase == CallPhase::start_failed ||
         s.phase == CallPhase::lost;
}

bool start_unresolved(const CallState& s) {
  return s.phase == CallPhase::requested;
}

}  // namespace dialer::domain
