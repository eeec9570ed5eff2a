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

}  // namespace

Status fold_into(World& world, const storage::Envelope& envelope) {
  std::string_view stream = envelope.stream;
  auto starts = [&](std::string_view prefix) { return stream.starts_with(prefix); };
  bool known = starts("agent-") || starts("queue-") || starts("call-") || starts("number-") ||
               stream == "config" || stream == "do-not-call";
  if (!known) return ok_status();
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  if (!event) return event.error();
  ++world.events;
  if (starts("agent-")) {
    auto& agent = world.agents[std::string{stream.substr(6)}];
    if (agent.version == 0) agent.state.user_id = stream.substr(6);
    apply(agent, *event, envelope);
  } else if (starts("queue-")) {
    apply(world.items[std::string{stream.substr(6)}], *event, envelope);
  } else if (starts("call-")) {
    apply(world.calls[std::string{stream.substr(5)}], *event, envelope);
  } else if (starts("number-")) {
    auto& number = world.numbers[std::string{stream.substr(7)}];
    if (number.version == 0) number.state.phone_number = stream.substr(7);
    apply(number, *event, envelope);
  } else if (stream == "config") {
    apply(world.config, *event, envelope);
  } else {
    apply(world.do_not_call, *event, envelope);
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
    auto& fix = fixes[phone];
    // One claim per number: a second live item for it (a log from before the rule held
    // without a lock) keeps its status, but not the number.
    bool claimed_now = std::any_of(fix.begin(), fix.end(), [](const events::Event& e) {
      return std::holds_alternative<events::NumberClaimed>(e);
    });
    if (!held && !claimed_now) fix.push_back(events::NumberClaimed{id});
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

Result<World> fold_log(const storage::EventStore& store, std::uint64_t until_seq) {
  World world;
  std::optional<Error> failure;
  auto scanned = store.scan_log(1, [&](const storage::Envelope& envelope) {
    if (until_seq != 0 && envelope.seq > until_seq) return false;
    if (auto folded = fold_into(world, envelope); !folded) {
      failure = folded.error();
      return false;
    }
    world.last_seq = envelope.seq;
    return true;
  });
  if (!scanned) return scanned.error();
  if (failure) return *failure;
  return world;
}

}  // namespace dialer::actors
