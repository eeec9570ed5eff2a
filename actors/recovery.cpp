#include "actors/recovery.hpp"

#include <algorithm>
#include <map>

namespace dialer::actors {
namespace {

template <class State>
void apply(Folded<State>& folded, const events::Event& event, const storage::Envelope& envelope) {
  if (folded.version == 0) folded.first_seq = envelope.seq;
  folded.state = domain::evolve(std::move(folded.state), event, envelope.recorded_at_ms);
  folded.version = envelope.stream_version;
}

// Folds the event into the stream's entry, made on first use; a stream the world lacks
// whose event is not its first is read from `earlier` before.
template <class State>
Status fold_entity(std::unordered_map<std::string, Folded<State>>& map, std::string_view id,
                   World& world, const storage::Envelope& envelope, const events::Event& event,
                   const EarlierState& earlier, auto&& initial) {
  std::string key{id};
  if (earlier && envelope.stream_version > 1 && !map.contains(key)) {
    if (auto loaded = earlier(world, envelope.stream, envelope.stream_version); !loaded)
      return loaded;
  }
  auto [it, made] = map.try_emplace(std::move(key));
  if (made) initial(it->second.state);
  apply(it->second, event, envelope);
  return ok_status();
}

constexpr auto kNothing = [](auto&) {};

}  // namespace

bool is_world_stream(std::string_view stream) {
  return stream.starts_with("agent-") || stream.starts_with("queue-") ||
         stream.starts_with("call-") || stream.starts_with("number-") || stream == "config" ||
         stream == "do-not-call";
}

Status fold_into(World& world, const storage::Envelope& envelope, const EarlierState& earlier) {
  std::string_view stream = envelope.stream;
  if (!is_world_stream(stream)) return ok_status();
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  if (!event) return event.error();
  if (stream.starts_with("agent-")) {
    auto id = stream.substr(6);
    return fold_entity(world.agents, id, world, envelope, *event, earlier,
                       [id](domain::AgentState& s) { s.user_id = id; });
  }
  if (stream.starts_with("queue-"))
    return fold_entity(world.items, stream.substr(6), world, envelope, *event, earlier, kNothing);
  if (stream.starts_with("call-"))
    return fold_entity(world.calls, stream.substr(5), world, envelope, *event, earlier, kNothing);
  if (stream.starts_with("number-")) {
    auto phone = stream.substr(7);
    return fold_entity(world.numbers, phone, world, envelope, *event, earlier,
                       [phone](domain::NumberState& s) { s.phone_number = phone; });
  }
  if (stream == "config") {
    apply(world.config, *event, envelope);
  } else {
    apply(world.do_not_call, *event, envelope);
  }
  return ok_status();
}

EarlierState earlier_from_log(const storage::EventStore& store) {
  return [&store](World& world, std::string_view stream, std::uint64_t before_version) -> Status {
    auto stored = store.read_stream(stream, 1, before_version - 1);
    if (!stored) return stored.error();
    for (const auto& envelope : *stored) {
      if (envelope.stream_version >= before_version) break;
      if (auto folded = fold_into(world, envelope); !folded) return folded;
    }
    return ok_status();
  };
}

namespace {
Status fold_range(World& world, const storage::EventStore& store, std::uint64_t until_seq,
                  const EarlierState& earlier) {
  std::optional<Error> failure;
  auto scanned = store.scan_log(world.last_seq + 1, [&](const storage::Envelope& envelope) {
    if (until_seq != 0 && envelope.seq > until_seq) return false;
    if (auto folded = fold_into(world, envelope, earlier); !folded) {
      failure = folded.error();
      return false;
    }
    if (is_world_stream(envelope.stream)) ++world.events;
    world.last_seq = envelope.seq;
    return true;
  });
  if (!scanned) return scanned;
  if (failure) return *failure;
  return ok_status();
}
}  // namespace

Result<World> fold_log(const storage::EventStore& store, std::uint64_t until_seq) {
  World world;
  if (auto folded = fold_range(world, store, until_seq, {}); !folded) return folded.error();
  return world;
}

Status fold_tail(World& world, const storage::EventStore& store) {
  return fold_range(world, store, 0, earlier_from_log(store));
}

bool is_live(const domain::QueueItemState& item) {
  return item.exists && domain::holds_number(item);
}
bool is_live(const domain::CallState& call) {
  return call.phase != domain::CallPhase::none && !domain::finished(call);
}
bool is_live(const domain::NumberState& number) {
  return !number.held_by.empty();
}

void prune(World& world) {
  std::erase_if(world.items, [](const auto& entry) { return !is_live(entry.second.state); });
  std::erase_if(world.calls, [](const auto& entry) { return !is_live(entry.second.state); });
  std::erase_if(world.numbers, [](const auto& entry) { return !is_live(entry.second.state); });
}

Status complete(World& world, const storage::EventStore& store) {
  std::vector<std::string> streams;
  for (const auto& [id, item] : world.items) {
    if (!is_live(item.state)) continue;
    if (!item.state.call_id.empty() && !world.calls.contains(item.state.call_id))
      streams.push_back("call-" + item.state.call_id);
    if (!world.numbers.contains(item.state.details.phone_number))
      streams.push_back("number-" + item.state.details.phone_number);
  }
  for (const auto& [id, agent] : world.agents) {
    if (!agent.state.call_id.empty() && !world.calls.contains(agent.state.call_id))
      streams.push_back("call-" + agent.state.call_id);
  }
  // Read as though the whole stream came before a next event.
  auto earlier = earlier_from_log(store);
  for (const auto& stream : streams) {
    if (auto read = earlier(world, stream, UINT64_MAX); !read) return read;
  }
  return ok_status();
}

std::vector<storage::AppendRequest> number_repairs(const World& world) {
  auto live = [&](const std::string& item_id) {
    auto found = world.items.find(item_id);
    return found != world.items.end() && domain::holds_number(found->second.state);
  };
  // Per number, the events that set it right, decided on its folded state.
  std::map<std::string, std::vector<events::Event>> fixes;
  for (const auto& [phone, number] : world.numbers) {
    if (!number.state.held_by.empty() && !live(number.state.held_by))
      fixes[phone].push_back(events::NumberReleased{number.state.held_by});
  }
  for (const auto& [id, item] : world.items) {
    if (!domain::holds_number(item.state)) continue;
    const auto& phone = item.state.details.phone_number;
    auto number = world.numbers.find(phone);
    bool held = number != world.numbers.end() && !number->second.state.held_by.empty() &&
                live(number->second.state.held_by);
    if (held) continue;
    auto& fix = fixes[phone];
    // One claim per number: a second live item for it (a log from before the rule held
    // without a lock) keeps its status, but not the number.
    bool claimed_now = std::any_of(fix.begin(), fix.end(), [](const events::Event& e) {
      return std::holds_alternative<events::NumberClaimed>(e);
    });
    if (!claimed_now) fix.push_back(events::NumberClaimed{id});
  }
  std::vector<storage::AppendRequest> repairs;
  for (auto& [phone, events] : fixes) {
    if (events.empty()) continue;
    auto number = world.numbers.find(phone);
    auto version = number == world.numbers.end() ? 0 : number->second.version;
    storage::AppendRequest request{
        "number-" + phone, storage::ExpectedVersion::exact(version), {}, {}};
    for (const auto& event : events) request.events.push_back(storage::NewEvent::from(event));
    repairs.push_back(std::move(request));
  }
  return repairs;
}

}  // namespace dialer::actors
