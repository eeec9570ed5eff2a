#pragma once

// The latest state of each agent whose actor has run, published by that actor after every
// durable change and before it answers, so that a read sees every write answered before
// it without queueing behind the actor.

#include <memory>
#include <string>
#include <unordered_map>

#include "actors/domain/agent.hpp"
#include "events/mutex.hpp"

namespace dialer::actors {

class AgentBoard {
 public:
  void publish(const std::string& agent_id, const domain::AgentState& state) {
    auto shared = std::make_shared<const domain::AgentState>(state);
    WriteLock lock{mutex_};
    agents_[agent_id] = std::move(shared);
  }
  std::shared_ptr<const domain::AgentState> find(const std::string& agent_id) const {
    ReadLock lock{mutex_};
    auto found = agents_.find(agent_id);
    return found == agents_.end() ? nullptr : found->second;
  }

 private:
  mutable SharedMutex mutex_;
  std::unordered_map<std::string, std::shared_ptr<const domain::AgentState>> agents_
      GUARDED_BY(mutex_);
};

}  // namespace dialer::actors
