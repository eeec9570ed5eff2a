#pragma once

// Each agent's next callback pinned to them, as the dispatcher last published it (after every
// message that changed one), so that an agent's status is read without a round trip through
// the dispatcher's mailbox.

#include <optional>
#include <string>
#include <unordered_map>

#include "actors/dispatch/dispatch_index.hpp"
#include "events/mutex.hpp"

namespace dialer::actors {

class CallbackBoard {
 public:
  void publish(const std::string& agent_id, std::optional<dispatch::DueCallback> next) {
    WriteLock lock{mutex_};
    if (next) {
      next_[agent_id] = std::move(*next);
    } else {
      next_.erase(agent_id);
    }
  }
  std::optional<dispatch::DueCallback> find(const std::string& agent_id) const {
    ReadLock lock{mutex_};
    auto found = next_.find(agent_id);
    if (found == next_.end()) return std::nullopt;
    return found->second;
  }

 private:
  mutable SharedMutex mutex_;
  std::unordered_map<std::string, dispatch::DueCallback> next_ GUARDED_BY(mutex_);
};

}  // namespace dialer::actors
