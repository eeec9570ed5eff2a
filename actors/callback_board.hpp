#pragma once

// Each agent's next callback pinned to them, as the dispatcher last published it (after every
// message that changed one), so that an agent's status is read without a round trip through
// the dispatcher's mailbox.

#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "actors/dispatch/dispatch_index.hpp"

namespace dialer::actors {

class CallbackBoard {
 public:
  void publish(const std::string& agent_id, std::optional<dispatch::DueCallback> next) {
    std::unique_lock lock{mutex_};
    if (next) {
      next_[agent_id] = std::move(*next);
    } else {
      next_.erase(agent_id);
    }
  }
  std::optional<dispatch::DueCallback> find(const std::string& agent_id) const {
    std::shared_lock lock{mutex_};
    auto found = next_.find(agent_id);
    if (found == next_.end()) return std::nullopt;
    return found->second;
  }

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, dispatch::DueCallback> next_;
};

}  // namespace dialer::actors
