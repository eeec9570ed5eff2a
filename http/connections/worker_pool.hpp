#pragma once

// The threads that serve requests: started as work arrives, up to a bound, each with a
// small stack, and gone again after a quiet spell. A connection waiting for its next
// request holds none of them (see parker.hpp); a live feed holds one for as long as it
// streams, which is why the bound is in the thousands and the stacks are small.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>

#include "events/mutex.hpp"

namespace dialer::http {

class WorkerPool {
 public:
  WorkerPool(std::size_t max_threads, std::size_t stack_bytes,
             std::chrono::milliseconds idle_exit = std::chrono::seconds(30));
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs `task` on a worker: an idle one, a new one while under the bound, else the first
  // to be free. False once shut down.
  bool submit(std::function<void()> task);
  // Lets the queued tasks run, then waits for every worker to finish.
  void shutdown();

  std::size_t threads() const;
  std::size_t busy() const;

 private:
  void run();
  bool spawn() REQUIRES(mutex_);

  const std::size_t max_threads_;
  const std::size_t stack_bytes_;
  const std::chrono::milliseconds idle_exit_;
  mutable Mutex mutex_;
  std::condition_variable work_;
  std::condition_variable gone_;
  std::deque<std::function<void()>> tasks_ GUARDED_BY(mutex_);
  std::size_t threads_ GUARDED_BY(mutex_) = 0;
  std::size_t idle_ GUARDED_BY(mutex_) = 0;
  bool stopping_ GUARDED_BY(mutex_) = false;
};

}  // namespace dialer::http
