#pragma once

#include <condition_variable>
#include <cstdint>

#include "events/mutex.hpp"

namespace dialer::storage {

// The highest durable sequence number, and a way to sleep until it moves.
struct CommitSignal {
  Mutex mutex;
  std::condition_variable changed;
  std::uint64_t committed GUARDED_BY(mutex) = 0;
  bool closed GUARDED_BY(mutex) = false;

  void publish(std::uint64_t seq) {
    {
      Lock lock{mutex};
      committed = seq;
    }
    changed.notify_all();
  }

  void close() {
    {
      Lock lock{mutex};
      closed = true;
    }
    changed.notify_all();
  }

  std::uint64_t current() {
    Lock lock{mutex};
    return committed;
  }
};

}  // namespace dialer::storage
