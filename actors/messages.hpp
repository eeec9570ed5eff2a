#pragma once

// The messages actors exchange; which actor takes which is its protocol (protocols.hpp).
// They stay inside one process, so their types are admitted as CAF 0.17 "unsafe"
// (unserialisable) message types; a cross-node protocol would give each an `inspect`
// overload instead.

#include <caf/all.hpp>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "actors/dispatch/dispatch_index.hpp"
#include "actors/domain/agent.hpp"
#include "actors/domain/aircall_user.hpp"
#include "actors/domain/call.hpp"
#include "actors/domain/config.hpp"
#include "actors/domain/do_not_call.hpp"
#include "actors/domain/number.hpp"
#include "actors/domain/queue_item.hpp"
#include "actors/telephony.hpp"
#include "storage/event_store.hpp"

namespace dialer::actors {

using command_atom = caf::atom_constant<caf::atom("command")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using appended_atom = caf::atom_constant<caf::atom("appended")>;
using passivate_atom = caf::atom_constant<caf::atom("passivate")>;
using wake_atom = caf::atom_constant<caf::atom("wake")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using agent_free_atom = caf::atom_constant<caf::atom("agentfree")>;
using agent_gone_atom = caf::atom_constant<caf::atom("agentgone")>;
using item_pending_atom = caf::atom_constant<caf::atom("itempend")>;
using item_gone_atom = caf::atom_constant<caf::atom("itemgone")>;
using settings_atom = caf::atom_constant<caf::atom("settings")>;
using dnc_atom = caf::atom_constant<caf::atom("dnc")>;
using telephony_atom = caf::atom_constant<caf::atom("telephony")>;
using started_atom = caf::atom_constant<caf::atom("started")>;
using found_atom = caf::atom_constant<caf::atom("found")>;
using expect_atom = caf::atom_constant<caf::atom("expect")>;
using known_atom = caf::atom_constant<caf::atom("known")>;
using forget_atom = caf::atom_constant<caf::atom("forget")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using step_atom = caf::atom_constant<caf::atom("step")>;
using timeout_atom = caf::atom_constant<caf::atom("timeout")>;
using check_atom = caf::atom_constant<caf::atom("livecheck")>;
using hang_up_atom = caf::atom_constant<caf::atom("hangup")>;
using go_atom = caf::atom_constant<caf::atom("go")>;
using why_atom = caf::atom_constant<caf::atom("why")>;
using waiting_atom = caf::atom_constant<caf::atom("waiting")>;
using attempts_atom = caf::atom_constant<caf::atom("attempts")>;

// The answer to a command: the state after it, or why it was refused.
template <class State>
struct Reply {
  Result<State> result;
};

// What a call actor needs to dial: the pair the dispatcher matched.
struct CallPlan {
  std::string call_id;
  dispatch::FreeAgent agent;
  dispatch::PendingItem item;
  std::int64_t start_at_ms = 0;  // not before; see dispatch::Match
};

struct DispatcherStats {
  dispatch::IndexStats index;
  std::optional<std::int64_t> next_wake_ms;
  std::uint64_t calls_started = 0;
};

// Why each of the items asked about waits, in their order; nothing for an item the
// dispatcher does not hold (not pending, or being dialled).
struct WaitReport {
  std::vector<std::optional<dispatch::WaitInfo>> items;
};

}  // namespace dialer::actors

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::domain::agent::Command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::domain::queue_item::Command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::domain::call::Command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::domain::ChangeSettings)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::domain::do_not_call::Command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::domain::number::Command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::domain::aircall_user::Command)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::Reply<dialer::domain::AgentState>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::Reply<dialer::domain::QueueItemState>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::Reply<dialer::domain::CallState>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::Reply<dialer::domain::ConfigState>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::Reply<dialer::domain::DoNotCallState>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::Reply<dialer::domain::NumberState>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::Reply<dialer::domain::AircallUserState>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::Result<dialer::storage::AppendOutcome>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::Result<std::optional<dialer::actors::FoundCall>>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::StartResult)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::TelephonyEvent)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::CallPlan)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::DispatcherStats)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::actors::WaitReport)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<std::string>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::dispatch::FreeAgent)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::dispatch::PendingItem)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(dialer::domain::DialerSettings)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::set<std::string>)
