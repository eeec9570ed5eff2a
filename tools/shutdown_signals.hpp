#pragma once

// How a server process waits to be stopped: SIGINT and SIGTERM are blocked before any
// thread starts, so that only the main thread's wait sees them, and a client that goes away
// mid-answer (SIGPIPE) does not end the process.

#include <signal.h>

#include <chrono>

namespace dialer::tools {

class ShutdownSignals {
 public:
  // Call first in main, before any thread is started.
  ShutdownSignals() {
    sigemptyset(&signals_);
    sigaddset(&signals_, SIGINT);
    sigaddset(&signals_, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
    signal(SIGPIPE, SIG_IGN);
  }

  // Blocks until SIGINT or SIGTERM; answers which.
  int wait() {
    int received = 0;
    sigwait(&signals_, &received);
    return received;
  }
  // The same for at most `timeout`: 0 when neither came.
  int wait_for(std::chrono::milliseconds timeout) {
    timespec limit{static_cast<time_t>(timeout.count() / 1000),
                   static_cast<long>(timeout.count() % 1000) * 1'000'000};
    int received = sigtimedwait(&signals_, nullptr, &limit);
    return received > 0 ? received : 0;
  }

 private:
  sigset_t signals_;
};

}  // namespace dialer::tools
