#include "actors/domain/agent.hpp"

#include <algorithm>
#include <array>

#include "events/names.hpp"

namespace dialer::domain {
namespace {

using Events = std::vector<events::Event>;

// The status words of the API (api.md), besides a pause's own reason.
constexpr std::string_view kOffline = "offline";
constexpr std::string_view kAvailable = "available";
constexpr std::string_view kBusy = "busy";
constexpr std::string_view kDialing = "dialing";
constexpr std::string_view kInCall = "in-call";
constexpr std::string_view kWrapUp = "wrap-up";

// A pause's reason is its status when it is one of these; any other reads as busy.
constexpr std::array<std::string_view, 4> kPauseWords{"busy", "break", "meeting", "training"};

std::string pause_status(const std::string& reason) {
  bool documented = std::find(kPauseWords.begin(), kPauseWords.end(), reason) != kPauseWords.end();
  return documented ? reason : std::string{kBusy};
}

Error conflict(const std::string& why) {
  return Error{ErrorCode::conflict, why};
}

struct AgentDecider {
  const AgentState& s;

  Result<Events> operator()(const agent::Start& c) const {
    if (c.aircall_user_id <= 0) {
      return Error{ErrorCode::invalid_argument, "aircallUserId is required", "aircallUserId"};
    }
    if (c.number_id <= 0) {
      return Error{ErrorCode::invalid_argument, "numberId is required", "numberId"};
    }
    if (s.mode == AgentMode::active && s.aircall_user_id == c.aircall_user_id &&
        s.number_id == c.number_id && s.mock_mode == c.mock_mode) {
      return Events{};  // already dialling with these settings
    }
    if (!s.call_id.empty() && s.mode == AgentMode::active &&
        (s.aircall_user_id != c.aircall_user_id || s.number_id != c.number_id)) {
      return conflict("the agent is on a call; start again with other settings after it");
    }
    return Events{events::AgentStarted{s.user_id, c.aircall_user_id, c.number_id, c.mock_mode}};
  }

  Result<Events> operator()(const agent::Pause& c) const {
    if (s.mode == AgentMode::offline) return conflict("the dialer is not running for this agent");
    auto reason = c.reason.empty() ? std::string{"busy"} : c.reason;
    if (s.mode == AgentMode::paused && s.pause_reason == reason) return Events{};
    return Events{events::AgentPaused{reason}};
  }

  Result<Events> operator()(const agent::Stop&) const {
    if (!s.ever_started) {
      return Error{ErrorCode::not_found, "the dialer was never started for " + s.user_id};
    }
    if (s.mode == AgentMode::offline) return Events{};
    return Events{events::AgentStopped{"stopped"}};
  }

  Result<Events> operator()(const agent::Resume&) const {
    if (s.mode == AgentMode::offline) {
      return conflict("the dialer is not running for this agent: start it instead");
    }
    if (s.mode == AgentMode::active) return Events{};
    return Events{events::AgentStarted{s.user_id, s.aircall_user_id, s.number_id, s.mock_mode}};
  }

  Result<Events> operator()(const agent::Reserve& c) const {
    if (!can_take_call(s, c.now_ms)) {
      if (s.call_id == c.call_id) return Events{};  // the same reservation again
      return conflict("the agent cannot take a call now (" + status_label(s, c.now_ms) + ")");
    }
    return Events{events::AgentReserved{c.call_id, c.queue_item_id}};
  }

  Result<Events> operator()(const agent::CallAnswered& c) const {
    if (s.call_id != c.call_id || s.call_answered) return Events{};  // late or repeated news
    return Events{events::AgentCallAnswered{c.call_id}};
  }

  Result<Events> operator()(const agent::CallEnded& c) const {
    if (s.call_id != c.call_id) return Events{};
    bool disposed = s.dispositioned_call_id == c.call_id;
    auto wrap_up_until =
        disposed && s.disposition_ends_wrap_up ? c.now_ms : c.now_ms + c.wrap_up_ms;
    Events out{events::AgentCallEnded{c.call_id, c.talk_seconds, wrap_up_until}};
    if (c.require_disposition && !disposed) {
      out.push_back(events::AgentAwaitingDisposition{c.call_id});
    }
    return out;
  }

  Result<Events> operator()(const agent::Dispose& c) const {
    // A call before the agent's last: the item keeps the decision, the agent has moved on.
    if (c.call_id != s.call_id && c.call_id != s.last_call_id) return Events{};
    return Events{events::AgentDispositioned{c.call_id, c.ends_wrap_up}};
  }

  Result<Events> operator()(const agent::Ready& c) const {
    if (s.mode == AgentMode::offline) return conflict("the dialer is not running for this agent");
    if (!s.call_id.empty()) return conflict("the agent is on a call");
    if (s.awaiting_disposition) {
      return conflict("call " + s.last_call_id +
                      " needs a disposition first (dialer.requireDisposition is on)");
    }
    if (c.now_ms >= s.wrap_up_until_ms) return Events{};  // not in wrap-up
    return Events{events::AgentReady{s.last_call_id}};
  }

  Result<Events> operator()(const agent::Release& c) const {
    if (s.call_id != c.call_id) return Events{};
    if (s.call_answered) return conflict("the call was answered; it ends, it is not released");
    return Events{events::AgentReleased{c.call_id, c.reason, c.hold_until_ms}};
  }

  Result<Events> operator()(const agent::AircallStatus& c) const {
    bool changes = (c.connected && *c.connected != s.aircall_connected) ||
                   (c.opened && *c.opened != s.aircall_opened) ||
                   (c.wrapping_up && *c.wrapping_up != s.aircall_wrapping_up);
    if (!changes) return Events{};
    return Events{
        events::AgentAircallStatusChanged{c.connected, c.opened, c.wrapping_up, c.source_event}};
  }
};

struct AgentEvolver {
  AgentState& s;
  std::int64_t at;

  void operator()(const events::AgentStarted& e) const {
    bool new_session = s.mode == AgentMode::offline;
    s.awaiting_disposition = false;
    s.mode = AgentMode::active;
    s.ever_started = true;
    s.aircall_user_id = e.aircall_user_id;
    s.number_id = e.number_id;
    s.mock_mode = e.mock_mode;
    s.pause_reason.clear();
    if (new_session) {
      s.session_started_ms = at;
      s.session_ended_ms = 0;
      s.calls_completed = 0;
      s.talk_seconds = 0;
    }
  }
  void operator()(const events::AgentPaused& e) const {
    s.mode = AgentMode::paused;
    s.pause_reason = e.reason;
  }
  void operator()(const events::AgentStopped&) const {
    s.mode = AgentMode::offline;
    s.pause_reason.clear();
    s.session_ended_ms = at;
    s.awaiting_disposition = false;
  }
  void operator()(const events::AgentAircallStatusChanged& e) const {
    if (e.connected) s.aircall_connected = *e.connected;
    if (e.opened) s.aircall_opened = *e.opened;
    if (e.wrapping_up) s.aircall_wrapping_up = *e.wrapping_up;
  }
  void operator()(const events::AgentReserved& e) const {
    s.call_id = e.call_id;
    s.queue_item_id = e.queue_item_id;
    s.call_answered = false;
    s.last_call_id = e.call_id;
  }
  void operator()(const events::AgentCallAnswered&) const { s.call_answered = true; }
  void operator()(const events::AgentCallEnded& e) const {
    if (s.call_answered) ++s.calls_completed;
    s.talk_seconds += e.talk_seconds;
    s.call_id.clear();
    s.queue_item_id.clear();
    s.call_answered = false;
    s.wrap_up_until_ms = e.wrap_up_until_ms;
  }
  void operator()(const events::AgentReleased& e) const {
    s.call_id.clear();
    s.queue_item_id.clear();
    s.call_answered = false;
    s.wrap_up_until_ms = std::max(s.wrap_up_until_ms, e.hold_until_ms);
  }
  void operator()(const events::AgentDispositioned& e) const {
    s.dispositioned_call_id = e.call_id;
    s.disposition_ends_wrap_up = e.ends_wrap_up;
    if (e.call_id == s.call_id) return;  // during the call: its end applies it
    s.awaiting_disposition = false;
    if (e.ends_wrap_up) s.wrap_up_until_ms = std::min(s.wrap_up_until_ms, at);
  }
  void operator()(const events::AgentAwaitingDisposition&) const { s.awaiting_disposition = true; }
  void operator()(const events::AgentReady&) const {
    s.wrap_up_until_ms = std::min(s.wrap_up_until_ms, at);
  }
  void operator()(const auto&) const {}
};

}  // namespace

Result<Events> decide(const AgentState& state, const agent::Command& command) {
  return std::visit(AgentDecider{state}, command);
}

AgentState evolve(AgentState state, const events::Event& event, std::int64_t recorded_at_ms) {
  auto was = status_label(state, recorded_at_ms);
  std::visit(AgentEvolver{state, recorded_at_ms}, event);
  if (status_label(state, recorded_at_ms) != was) state.status_since_ms = recorded_at_ms;
  return state;
}

std::int64_t status_since(const AgentState& s, std::int64_t now_ms) {
  if (s.wrap_up_until_ms > s.status_since_ms && now_ms >= s.wrap_up_until_ms) {
    return s.wrap_up_until_ms;
  }
  return s.status_since_ms;
}

std::optional<StartRefusal> check_start(const AgentState& before, const agent::Start& start,
                                        const std::optional<LiveUser>& live) {
  const Error unavailable{ErrorCode::invalid_argument, "Agent is not available in Aircall",
                          "aircallUserId"};
  if (!live) {
    // No directory to ask: Aircall's last word on this user, from its webhooks. A user it
    // reports unavailable would only be refused (405) on every call.
    if (before.aircall_user_id == start.aircall_user_id && !aircall_available(before)) {
      return StartRefusal{unavailable, before.aircall_opened ? "available" : "unavailable",
                          before.aircall_connected};
    }
    return std::nullopt;
  }
  const auto& numbers = live->number_ids;
  if (!live->every_number &&
      std::find(numbers.begin(), numbers.end(), start.number_id) == numbers.end()) {
    return StartRefusal{
        Error{ErrorCode::invalid_argument,
              "number " + std::to_string(start.number_id) + " is not assigned to Aircall user " +
                  std::to_string(start.aircall_user_id),
              "numberId"},
        {},
        false};
  }
  if (!live->can_take_calls) {
    return StartRefusal{unavailable, live->availability, live->availability != "offline"};
  }
  return std::nullopt;
}

bool aircall_available(const AgentState& s) {
  return s.aircall_connected && s.aircall_opened && !s.aircall_wrapping_up;
}

bool takes_calls(const AgentState& s) {
  return s.mode == AgentMode::active && aircall_available(s);
}

bool can_take_call(const AgentState& s, std::int64_t now_ms) {
  return s.mode == AgentMode::active && s.call_id.empty() && now_ms >= s.wrap_up_until_ms &&
         !s.awaiting_disposition && aircall_available(s);
}

std::string status_label(const AgentState& s, std::int64_t now_ms) {
  // A stopped session is over, whatever its last call is still doing.
  if (s.mode == AgentMode::offline) return std::string{kOffline};
  if (!s.call_id.empty()) {
    if (s.call_answered) return std::string{kInCall};
    // Its next call is reserved ahead and starts when the wrap-up ends.
    return std::string{now_ms < s.wrap_up_until_ms ? kWrapUp : kDialing};
  }
  if (s.mode == AgentMode::paused) return pause_status(s.pause_reason);
  if (now_ms < s.wrap_up_until_ms || s.awaiting_disposition || s.aircall_wrapping_up) {
    return std::string{kWrapUp};
  }
  if (!aircall_available(s)) return std::string{kBusy};
  return std::string{kAvailable};
}

const std::vector<std::string_view>& agent_status_words() {
  static const std::vector<std::string_view> words{
      kAvailable, kBusy, kOffline, kInCall, "break", "meeting", "training", kWrapUp, kDialing};
  return words;
}

std::optional<std::string> agent_status_after(const events::Event& event) {
  return std::visit(
      [](const auto& e) -> std::optional<std::string> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::AgentStarted> ||
                      std::is_same_v<T, events::AgentCallEnded> ||
                      std::is_same_v<T, events::AgentReleased> ||
                      std::is_same_v<T, events::AgentReady>) {
          return std::string{kAvailable};
        } else if constexpr (std::is_same_v<T, events::AgentAwaitingDisposition>) {
          return std::string{kWrapUp};
        } else if constexpr (std::is_same_v<T, events::AgentPaused>) {
          return pause_status(e.reason);
        } else if constexpr (std::is_same_v<T, events::AgentStopped>) {
          return std::string{kOffline};
        } else if constexpr (std::is_same_v<T, events::AgentReserved>) {
          return std::string{kDialing};
        } else if constexpr (std::is_same_v<T, events::AgentCallAnswered>) {
          return std::string{kInCall};
        } else {
          return std::nullopt;
        }
      },
      event);
}

}  // namespace dialer::domain
