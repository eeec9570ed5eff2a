#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace dialer::storage {

// The highest durable sequence number, and a way to sleep until it moves.
struct CommitSignal {
  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t committed = 0;
  bool closed = false;

  void publish(std::uint64_t seq) {
    {
      std::lock_guard lock{mutex};
      committed = seq;
    }
    changed.notify_all();
  }

  void close() {
    {
      std::lock_guard lock{mutex};
      closed = true;
    }
    changed.notify_all();
  }

  std::uint64_t current() {
    std::lock_guard lock{mutex};
    return committed;
  }
};

}  // namespace dialer::storage
