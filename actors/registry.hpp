#pragma once

#include <array>
#include <caf/all.hpp>
#include <string>
#include <unordered_map>

#include "actors/aggregates.hpp"
#include "events/mutex.hpp"

namespace dialer::actors {

// Routes an id to its actor, spawning it (from its stream) on first use. An actor that
// passivates removes itself; the next message for its id spawns it afresh. Handles are kept
// type-erased and handed out with their kind's protocol (Traits::Actor).
class Registry {
 public:
  explicit Registry(Services& services) : services_(services) {}

  template <class Traits>
  typename Traits::Actor get(const std::string& id) {
    // Each kind's actors are spawned with its Traits' protocol, so the cast is exact.
    return caf::actor_cast<typename Traits::Actor>(get(Traits::kind, id));
  }
  // For actors spawned with a state in hand (recovery) or a task (calls).
  template <class Traits>
  void put(const std::string& id, typename Traits::Actor actor) {
    put(Traits::kind, id, caf::actor_cast<caf::actor>(std::move(actor)));
  }
  // Removes the entry if it is still `who`'s.
  void forget(Kind kind, const std::string& id, const caf::actor_addr& who);
  std::size_t count(Kind kind) const;
  // Shutting down: hands back every actor so that it can be told to stop. From now on
  // nothing is spawned (get answers an invalid handle, whose messages go nowhere) and an
  // actor put here is told to stop at once, so none outlives the shutdown.
  std::vector<caf::actor> close();

 private:
  caf::actor get(Kind kind, const std::string& id);
  void put(Kind kind, const std::string& id, caf::actor actor);
  caf::actor spawn(Kind kind, const std::string& id) REQUIRES(mutex_);

  Services& services_;
  mutable Mutex mutex_;
  std::array<std::unordered_map<std::string, caf::actor>, kKinds> actors_ GUARDED_BY(mutex_);
  bool closed_ GUARDED_BY(mutex_) = false;
};

}  // namespace dialer::actors
