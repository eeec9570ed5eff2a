#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace dialer::testing {

// Shared state that one thread changes and another waits on, with a deadline instead of a
// sleep.
template <class T>
class Waiter {
 public:
  template <class F>
  void update(F&& change) {
    {
      std::lock_guard lock{mutex_};
      change(value_);
    }
    changed_.notify_all();
  }

  // True when `ready(value)` held before the deadline.
  template <class P>
  bool wait_for(P&& ready, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock{mutex_};
    return changed_.wait_for(lock, timeout, [&] { return ready(value_); });
  }

  T snapshot() {
    std::lock_guard lock{mutex_};
    return value_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  T value_{};
};

}  // namespace dialer::testing
