#include "actors/recovery.hpp"

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
  bool known = starts("agent-") || starts("queue-") || starts("call-") || stream == "config" ||
               stream == "do-not-call";
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
  } else if (stream == "config") {
    apply(world.config, *event, envelope);
  } else {
    apply(world.do_not_call, *event, envelope);
  }
  return ok_status();
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
