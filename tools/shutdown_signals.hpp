#pragma once

// How a server process waits to be stopped: SIGINT and SIGTERM are blocked before any
// thread starts, so that only the main thread's wait sees them, and a client that goes away
// mid-answer (SIGPIPE) does not end the process.

#include <signal.h>

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

 private:
  sigset_t signals_;
};

}  // namespace dialer::tools
