#pragma once

// An agent's dialer session: started with their Aircall user and number, paused, started
// again, stopped; reserved for one call at a time; a wrap-up pause after each call; and
// Aircall's own word on whether the user can take a call.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "events/codec.hpp"
#include "events/result.hpp"

namespace dialer::domain {

enum class AgentMode { offline, active, paused };

std::string_view to_string(AgentMode mode);
bool from_string(std::string_view text, AgentMode& mode);

struct AgentState {
  std::string user_id;
  AgentMode mode = AgentMode::offline;
  bool ever_started = false;
  std::int64_t aircall_user_id = 0;
  std::int64_t number_id = 0;
  bool mock_mode = false;
  std::string pause_reason;

  std::string call_id;  // the call the agent is reserved for or on; empty when none
  std::string queue_item_id;
  bool call_answered = false;
  std::int64_t wrap_up_until_ms = 0;
  // The latest call, kept after it ends (the disposition shortcut's call), and the call a
  // disposition was last given for; a disposition given during a call shortens the
  // wrap-up after it when `disposition_ends_wrap_up`.
  std::string last_call_id;
  std::string dispositioned_call_id;
  bool disposition_ends_wrap_up = false;
  // In wrap-up until the last call has a disposition (dialer.requireDisposition).
  bool awaiting_disposition = false;

  // Aircall's view; unknown counts as yes until Aircall says otherwise.
  bool aircall_connected = true;
  bool aircall_opened = true;
  bool aircall_wrapping_up = false;

  // The current session, for the stop answer and the status endpoint.
  std::int64_t session_started_ms = 0;
  std::int64_t session_ended_ms = 0;
  std::uint32_t calls_completed = 0;
  std::int64_t talk_seconds = 0;
  // When the status word last changed by an event (see status_since).
  std::int64_t status_since_ms = 0;

  bool operator==(const AgentState&) const = default;

  // Every field, for snapshots (see actors/aggregates.hpp).
  static void describe(auto& self, auto&& field) {
    field("userId", self.user_id);
    field("mode", self.mode);
    field("everStarted", self.ever_started);
    field("aircallUserId", self.aircall_user_id);
    field("numberId", self.number_id);
    field("mockMode", self.mock_mode);
    field("pauseReason", self.pause_reason);
    field("callId", self.call_id);
    field("queueItemId", self.queue_item_id);
    field("callAnswered", self.call_answered);
    field("wrapUpUntil", self.wrap_up_until_ms);
    field("lastCallId", self.last_call_id);
    field("dispositionedCallId", self.dispositioned_call_id);
    field("dispositionEndsWrapUp", self.disposition_ends_wrap_up);
    field("awaitingDisposition", self.awaiting_disposition);
    field("aircallConnected", self.aircall_connected);
    field("aircallOpened", self.aircall_opened);
    field("aircallWrappingUp", self.aircall_wrapping_up);
    field("sessionStarted", self.session_started_ms);
    field("sessionEnded", self.session_ended_ms);
    field("callsCompleted", self.calls_completed);
    field("talkSeconds", self.talk_seconds);
    field("statusSince", self.status_since_ms);
  }
};

namespace agent {

struct Start {
  std::int64_t aircall_user_id = 0;
  std::int64_t number_id = 0;
  bool mock_mode = false;
};
struct Pause {
  std::string reason;
};
struct Stop {};
// Ends a pause: the agent takes calls again, with the settings it was started with.
struct Resume {};
struct Reserve {
  std::string call_id;
  std::string queue_item_id;
  std::int64_t now_ms = 0;
};
struct CallAnswered {
  std::string call_id;
};
struct CallEnded {
  std::string call_id;
  std::int64_t talk_seconds = 0;
  std::int64_t now_ms = 0;
  std::int64_t wrap_up_ms = 0;
  bool require_disposition = false;  // wrap-up lasts until a disposition comes
};
struct Release {
  std::string call_id;
  events::CallFailure reason = events::CallFailure::not_requested;
  std::int64_t hold_until_ms = 0;  // no call before then (Aircall said the user is unavailable)
};
struct AircallStatus {
  std::optional<bool> connected;
  std::optional<bool> opened;
  std::optional<bool> wrapping_up;
  std::string source_event;
};

// A disposition for call `call_id` (the current or the last one); `ends_wrap_up`: it ends
// the wrap-up after the call (dialer.wrapUpEndsOnDisposition).
struct Dispose {
  std::string call_id;
  bool ends_wrap_up = true;
};
// The agent ends their wrap-up: ready for the next call.
struct Ready {
  std::int64_t now_ms = 0;
};

using Command = std::variant<Start, Pause, Stop, Resume, Reserve, CallAnswered, CallEnded, Release,
                             AircallStatus, Dispose, Ready>;

}  // namespace agent

Result<std::vector<events::Event>> decide(const AgentState& state, const agent::Command& command);
// Events that are not the agent's leave the state as it is.
AgentState evolve(AgentState state, const events::Event& event, std::int64_t recorded_at_ms);

// Why an agent may not start: the error to answer, and, when Aircall would give the user
// no calls, its word on them.
struct StartRefusal {
  Error error;
  std::string aircall_status;  // set when the user is unavailable
  bool connected = false;
};

// What Aircall says, live, of the user an agent is about to start on.
struct LiveUser {
  std::vector<std::int64_t> number_ids;  // the numbers assigned to the user
  std::string availability;              // Aircall's word: available, offline, in_call, ...
  bool can_take_calls = false;           // offline and do-not-disturb cannot
  // The same word as the agent's view of Aircall; nothing for a word Aircall may add later.
  std::optional<agent::AircallStatus> status;
  bool every_number = false;  // a mock directory, in which every number is the user's
};

// Whether `start` may go ahead for the agent as it is (`before`): the user must hold the
// number and be able to take calls, by Aircall's live word when it was asked, or else by
// the last word its webhooks gave.
std::optional<StartRefusal> check_start(const AgentState& before, const agent::Start& start,
                                        const std::optional<LiveUser>& live);

// Whether Aircall would let this user take a call now.
bool aircall_available(const AgentState& state);
// Whether the dispatcher may hand this agent a call at `now_ms`.
bool can_take_call(const AgentState& state, std::int64_t now_ms);
// The API's status word: offline, available, dialing, in-call, wrap-up, or for a pause its
// reason when that is one of the documented words (busy, break, meeting, training), else busy.
std::string status_label(const AgentState& state, std::int64_t now_ms);
// Since when the agent's status word has been what it is at `now_ms`: a wrap-up ends with
// time, not with an event, so its end counts too (0: never started).
std::int64_t status_since(const AgentState& state, std::int64_t now_ms);
// Whether the dialer would hand this agent calls (started, not paused, Aircall willing).
bool takes_calls(const AgentState& state);
// The API's status words (api.md): available, busy, offline, in-call, break, meeting,
// training, wrap-up, dialing.
const std::vector<std::string_view>& agent_status_words();
// The status word an agent has just after this event, as far as the event alone tells
// (the wrap-up's end and Aircall's word aside); nothing for an event that does not move it.
std::optional<std::string> agent_status_after(const events::Event& event);

}  // namespace dialer::domain
