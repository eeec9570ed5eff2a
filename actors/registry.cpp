#include "actors/registry.hpp"

#include <array>

#include "actors/aggregate_actor.hpp"
#include "actors/call_actor.hpp"

namespace dialer::actors {
namespace {

template <class Traits>
caf::actor spawn_from_stream(Services* services, const std::string& id) {
  return caf::actor_cast<caf::actor>(
      services->system->spawn(aggregate_actor<Traits>, services, id, Adopted<Traits>{}));
}

caf::actor spawn_call(Services* services, const std::string& id) {
  return caf::actor_cast<caf::actor>(
      services->system->spawn(call_actor, services, CallTask::follow(id)));
}

// How each kind's actor starts from its stream, in Kind's order.
using Spawner = caf::actor (*)(Services*, const std::string&);
constexpr std::array<Spawner, kKinds> kSpawners{spawn_from_stream<AgentTraits>,
                                                spawn_from_stream<ItemTraits>,
                                                spawn_call,
                                                spawn_from_stream<ConfigTraits>,
                                                spawn_from_stream<DoNotCallTraits>,
                                                spawn_from_stream<NumberTraits>,
                                                spawn_from_stream<AircallUserTraits>};

// Each at its own kind's place, or this does not compile.
template <class... Traits>
constexpr bool at_their_kinds() {
  return ((kSpawners[static_cast<std::size_t>(Traits::kind)] == &spawn_from_stream<Traits>)&&...);
}
static_assert(kSpawners[static_cast<std::size_t>(Kind::call)] == &spawn_call &&
              at_their_kinds<AgentTraits, ItemTraits, ConfigTraits, DoNotCallTraits, NumberTraits,
                             AircallUserTraits>());

}  // namespace

caf::actor Registry::get(Kind kind, const std::string& id) {
  Lock lock{mutex_};
  if (closed_) return {};
  auto& actors = actors_[static_cast<std::size_t>(kind)];
  if (auto found = actors.find(id); found != actors.end()) return found->second;
  auto actor = spawn(kind, id);
  actors.emplace(id, actor);
  return actor;
}

void Registry::put(Kind kind, const std::string& id, caf::actor actor) {
  Lock lock{mutex_};
  if (closed_) return caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  actors_[static_cast<std::size_t>(kind)][id] = std::move(actor);
}

void Registry::forget(Kind kind, const std::string& id, const caf::actor_addr& who) {
  Lock lock{mutex_};
  auto& actors = actors_[static_cast<std::size_t>(kind)];
  if (auto found = actors.find(id); found != actors.end() && found->second.address() == who) {
    actors.erase(found);
  }
}

std::size_t Registry::count(Kind kind) const {
  Lock lock{mutex_};
  return actors_[static_cast<std::size_t>(kind)].size();
}

std::vector<caf::actor> Registry::close() {
  Lock lock{mutex_};
  closed_ = true;
  std::vector<caf::actor> out;
  for (const auto& actors : actors_) {
    for (const auto& [id, actor] : actors) out.push_back(actor);
  }
  return out;
}

caf::actor Registry::spawn(Kind kind, const std::string& id) {
  return kSpawners[static_cast<std::size_t>(kind)](&services_, id);
}

}  // namespace dialer::actors
