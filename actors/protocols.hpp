#pragma once

// What each actor accepts, declared once as a CAF typed interface: a message sent to an actor
// that does not take it, or a handler its actor's protocol lacks, does not compile. Messages
// an actor sends itself (timers, its appends' outcomes) are part of its protocol too.

#include <caf/all.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "actors/messages.hpp"

namespace dialer::actors {

// The part of an actor that appends to the log: its appends' outcomes come back here.
using AppendListener =
    caf::typed_actor<caf::reacts_to<appended_atom, Result<storage::AppendOutcome>>>;

// An actor whose state is a stream: it answers reads, hears its appends' outcomes, and is
// told when a quiet spell (the number it was armed with) may end it.
template <class State>
using StoredActor = AppendListener::extend<caf::replies_to<get_atom>::with<Reply<State>>,
                                           caf::reacts_to<passivate_atom, std::uint64_t>>;

// An agent, a queue item, a number, the config, ...: it also decides commands.
template <class State, class Command>
using AggregateActor = typename StoredActor<State>::template extend<
    typename caf::replies_to<command_atom, Command>::template with<Reply<State>>>;

// One dialling attempt (call_actor.hpp): no commands from outside; its timers, the
// telephony's answers and events, and a request to hang up.
using CallActor = StoredActor<domain::CallState>::extend<
    caf::reacts_to<go_atom>, caf::reacts_to<timeout_atom>, caf::reacts_to<check_atom>,
    caf::reacts_to<hang_up_atom>, caf::reacts_to<started_atom, StartResult>,
    caf::reacts_to<found_atom, Result<std::optional<FoundCall>>>,
    caf::reacts_to<telephony_atom, TelephonyEvent>>;

// Agents and items as they become free or pending, the rules they are matched under, its own
// wake-ups, and the reads that show the queue.
using DispatcherActor =
    caf::typed_actor<caf::reacts_to<agent_free_atom, dispatch::FreeAgent>,
                     caf::reacts_to<agent_gone_atom, std::string>,
                     caf::reacts_to<item_pending_atom, dispatch::PendingItem>,
                     caf::reacts_to<item_gone_atom, std::string>,
                     caf::reacts_to<attempts_atom, std::string, std::vector<std::int64_t>>,
                     caf::reacts_to<settings_atom, domain::DialerSettings>,
                     caf::reacts_to<dnc_atom, std::set<std::string>>,
                     caf::reacts_to<wake_atom, std::int64_t>, caf::reacts_to<tick_atom>,
                     caf::replies_to<stats_atom>::with<DispatcherStats>,
                     caf::replies_to<waiting_atom>::with<std::map<std::string, std::size_t>>,
                     caf::replies_to<why_atom, std::vector<std::string>>::with<WaitReport>>;

// Aircall's call ids and the calls they belong to (router_actor.hpp): a call says what it
// waits for and what it learned; the telephony's events come in; the edge asks whose call
// an Aircall id is (an empty id: none in progress).
using RouterActor =
    caf::typed_actor<caf::reacts_to<expect_atom, std::int64_t, std::string, std::string>,
                     caf::reacts_to<known_atom, std::int64_t, std::string>,
                     caf::reacts_to<forget_atom, std::string>,
                     caf::replies_to<get_atom, std::int64_t>::with<std::string>,
                     caf::reacts_to<telephony_atom, TelephonyEvent>>;

// Whether an aggregate's actor takes commands (a call's does not).
template <class Traits>
concept Commanded =
    std::is_same_v<typename Traits::Actor,
                   AggregateActor<typename Traits::State, typename Traits::Command>>;

}  // namespace dialer::actors
