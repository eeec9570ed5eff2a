#pragma once

// Each aggregate's stream naming, its pure functions, and what the rest of the system
// hears when its state changes.

#include <optional>
#include <string>
#include <string_view>

#include "actors/aggregate_core.hpp"
#include "events/fields.hpp"

namespace dialer::actors {

enum class Kind { agent, item, call, config, do_not_call, number, aircall_user };
inline constexpr std::size_t kKinds = 7;

// An aggregate's pure functions, as the domain defines them for its state and commands.
template <class S, class C>
struct PureAggregate {
  using State = S;
  using Command = C;
  using Actor = AggregateActor<S, C>;
  static auto decide(const State& s, const Command& c) { return domain::decide(s, c); }
  static State evolve(State s, const events::Event& e, std::int64_t at) {
    return domain::evolve(std::move(s), e, at);
  }
};

// An aggregate the whole team shares: one stream, always in memory.
template <class S, class C>
struct TeamAggregate : PureAggregate<S, C> {
  static S initial(const std::string&) { return {}; }
  static bool may_passivate(const S&) { return false; }
};

struct AgentTraits : PureAggregate<domain::AgentState, domain::agent::Command> {
  static constexpr Kind kind = Kind::agent;
  static constexpr const char* name = "agent";
  static std::string stream(const std::string& id) { return "agent-" + id; }
  static State initial(const std::string& id) {
    State state;
    state.user_id = id;
    return state;
  }
  static bool may_passivate(const State& s) { return s.mode == domain::AgentMode::offline; }
  static void observe(Services& services, AggregateCore<AgentTraits>& core);

  // An agent's stream grows with every call: its actor starts from a snapshot and the tail.
  static constexpr std::uint64_t snapshot_every = 100;
  static constexpr char snapshot_layout = 3;  // bump when AgentState's fields change
  static std::string encode_snapshot(const State& s) {
    return std::string(1, snapshot_layout) + events::encode_fields(s);
  }
  static std::optional<State> decode_snapshot(std::string_view bytes) {
    State s;
    if (bytes.empty() || bytes.front() != snapshot_layout ||
        !events::decode_fields(bytes.substr(1), s)) {
      return std::nullopt;
    }
    return s;
  }
};

struct ItemTraits : PureAggregate<domain::QueueItemState, domain::queue_item::Command> {
  static constexpr Kind kind = Kind::item;
  static constexpr const char* name = "queue-item";
  static std::string stream(const std::string& id) { return "queue-" + id; }
  static State initial(const std::string&) { return {}; }
  static bool may_passivate(const State&) { return true; }
  static void observe(Services& services, AggregateCore<ItemTraits>& core);
};

struct CallTraits : PureAggregate<domain::CallState, domain::call::Command> {
  using Actor = CallActor;
  static constexpr Kind kind = Kind::call;
  static constexpr const char* name = "call";
  static std::string stream(const std::string& id) { return "call-" + id; }
  static State initial(const std::string&) { return {}; }
};

struct ConfigTraits : TeamAggregate<domain::ConfigState, domain::ChangeSettings> {
  static constexpr Kind kind = Kind::config;
  static constexpr const char* name = "config";
  static std::string stream(const std::string&) { return name; }
  static void observe(Services& services, AggregateCore<ConfigTraits>& core);
};

struct DoNotCallTraits : TeamAggregate<domain::DoNotCallState, domain::do_not_call::Command> {
  static constexpr Kind kind = Kind::do_not_call;
  static constexpr const char* name = "do-not-call";
  static std::string stream(const std::string&) { return name; }
  static void observe(Services& services, AggregateCore<DoNotCallTraits>& core);
};

struct NumberTraits : PureAggregate<domain::NumberState, domain::number::Command> {
  static constexpr Kind kind = Kind::number;
  static constexpr const char* name = "number";
  static std::string stream(const std::string& e164) { return "number-" + e164; }
  static State initial(const std::string& e164) {
    State state;
    state.phone_number = e164;
    return state;
  }
  static bool may_passivate(const State&) { return true; }
  static void observe(Services&, AggregateCore<NumberTraits>&) {}
};

// Keyed by Aircall's user id, in decimal.
struct AircallUserTraits : PureAggregate<domain::AircallUserState, domain::aircall_user::Command> {
  static constexpr Kind kind = Kind::aircall_user;
  static constexpr const char* name = "aircall-user";
  static std::string stream(const std::string& user_id) { return "aircall-user-" + user_id; }
  static State initial(const std::string& user_id) {
    State state;
    state.aircall_user_id = std::stoll(user_id);
    return state;
  }
  static bool may_passivate(const State&) { return true; }
  static void observe(Services&, AggregateCore<AircallUserTraits>&) {}
};

// What the dispatcher should know of an agent or an item in this state, if anything.
std::optional<dispatch::FreeAgent> free_agent_of(const domain::AgentState& state);
std::optional<dispatch::PendingItem> pending_item_of(const domain::QueueItemState& state);

}  // namespace dialer::actors
