#pragma once

#include <chrono>
#include <thread>

namespace dialer::testing {

// Checks `ready` until it holds or the deadline passes; true when it held. For conditions
// that no callback announces (another thread's progress seen through a query).
template <class P>
bool eventually(P&& ready, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return ready();
}

}  // namespace dialer::testing
