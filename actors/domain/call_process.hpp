#pragma once

// The life of one dialling attempt around its aggregate, as a pure process. Given what the
// call's log says (its CallState) and what just happened (an input: an answer, word from the
// telephony, a timer), `step` says what to do next (effects: commands for the call's own
// aggregate and for the item, the agent and the number; notes for the router; requests to the
// telephony; timers to arm). The call actor only runs the effects and feeds the answers back,
// so every path of a call is tested here without CAF, one input at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "actors/domain/agent.hpp"
#include "actors/domain/call.hpp"
#include "actors/domain/config.hpp"
#include "actors/domain/number.hpp"
#include "actors/domain/queue_item.hpp"
#include "actors/domain/telephony_call.hpp"
#include "events/result.hpp"

namespace dialer::domain::call_process {

// How far before the request a call in Aircall's list may have started and still be ours.
inline constexpr std::int64_t kLookupSlackMs = 60'000;

// What the process remembers beyond the log: the answers it waits for and what it has armed.
// A restart does not need it: Resume rebuilds what matters from the call's state.
struct Process {
  std::string call_id;
  std::string item_id;           // emptied when the item was not reserved: it is not ours to settle
  std::string agent_id;          // likewise
  std::int64_t start_at_ms = 0;  // dial: not before
  int answers_due = 0;           // reservation or settlement answers still to come
  bool item_reserved = false;
  bool agent_reserved = false;
  bool attempt_recorded = false;
  bool requested = false;
  std::string refusal;               // the last reservation refused, in its own words
  bool asking = false;               // a call-list lookup is under way
  bool check_armed = false;          // a live-call check is due
  bool settling = false;             // the item and the agent are being told the end
  bool hang_up_on_creation = false;  // asked to hang up before Aircall named the call
};

// ---- Inputs ----

// Dial what the dispatcher matched: reserve the item and the agent, count the attempt on the
// number and record the request, all four at once.
struct Dial {
  events::CallRequested request;
  std::int64_t start_at_ms = 0;
};
// Pick up a call found open (after a restart, or for a late message); settle one that ended.
struct Resume {};
// One of the four reservation answers; `refusal` says why it was refused.
enum class Party { item, agent, number, request };
struct Reserved {
  Party party = Party::item;
  std::optional<std::string> refusal = std::nullopt;  // granted
};
// The item or the agent took its settlement.
struct Settled {};
// The agent as the agents' board shows it now (nullptr: not on it), asked by ReadAgent.
struct AgentIs {
  const AgentState* agent = nullptr;
};
struct Go {};         // the hour the call was reserved for has come
struct Timeout {};    // call.created has not come in time
struct LiveCheck {};  // time to ask Aircall whether the call still exists
struct Started {
  StartResult result;
};
struct Found {
  Result<std::optional<FoundCall>> found;
};
struct HangUpAsked {};
struct Heard {
  TelephonyEvent event;
};
// The call's state changed; `before` is what it was, the state passed to step what it is.
struct Changed {
  const CallState& before;
};

using Input = std::variant<Dial, Resume, Reserved, Settled, AgentIs, Go, Timeout, LiveCheck,
                           Started, Found, HangUpAsked, Heard, Changed>;

// ---- Effects ----

// What the answer to a command is fed back as.
enum class Then { nothing, reserved, settled };

struct Submit {  // to the call's own aggregate
  call::Command command;
  Then then = Then::nothing;
};
// A command for another aggregate: the item, the agent, or the number (by its E.164).
template <class Command>
struct Ask {
  std::string id;
  Command command;
  Then then = Then::nothing;
};
using AskItem = Ask<queue_item::Command>;
using AskAgent = Ask<agent::Command>;
using AskNumber = Ask<number::Command>;
// The router's notes: which Aircall call, or which user's next call to this number, is ours.
struct Expect {
  std::int64_t aircall_user_id = 0;
  std::string digits;
  std::string call_id;
};
struct Known {
  std::int64_t aircall_call_id = 0;
  std::string call_id;
};
struct Forget {
  std::string call_id;
};
struct StartTelephony {
  StartCall call;
};
struct FindCall {
  CallQuery query;
};
struct HangUp {
  std::int64_t aircall_call_id = 0;
};
struct ArmTimeout {};    // Timeout after the creation timeout
struct ArmLiveCheck {};  // LiveCheck after the live-call check interval
struct ArmGo {           // Go after this long
  std::int64_t wait_us = 0;
};
struct ReadAgent {};  // answer with AgentIs
struct Finish {};     // nothing more to do: the actor goes

using Effect =
    std::variant<Submit, AskItem, AskAgent, AskNumber, Expect, Known, Forget, StartTelephony,
                 FindCall, HangUp, ArmTimeout, ArmLiveCheck, ArmGo, ReadAgent, Finish>;
using Effects = std::vector<Effect>;

// What the world says at the moment of the step.
struct Context {
  const DialerSettings& settings;
  std::int64_t now_us = 0;
  bool can_hang_up = false;  // the telephony can end a call (Aircall itself cannot)
  std::int64_t now_ms() const { return now_us / 1000; }
};

Effects step(Process& process, const CallState& call, const Input& input, const Context& context);

}  // namespace dialer::domain::call_process
