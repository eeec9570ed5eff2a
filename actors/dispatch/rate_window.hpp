#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>

namespace dialer::dispatch {

// At most `limit` events in any window of `window_ms`: a sliding log of the event times, so
// the bound holds exactly in every window, not just per bucket. An event may be recorded
// for a moment shortly ahead (a call prepared to start when its agent's wrap-up ends); it
// counts from now on, in every window that could hold it, so the bound stays exact.
class RateWindow {
 public:
  RateWindow(int limit = 1, std::int64_t window_ms = 60'000)
      : limit_(limit), window_ms_(window_ms) {}

  void set_limit(int limit) { limit_ = limit < 1 ? 1 : limit; }
  bool allows(std::int64_t now_ms) { return allows(now_ms, now_ms); }
  // Whether an event may be recorded for `at_ms`, no earlier than now.
  bool allows(std::int64_t now_ms, std::int64_t at_ms) {
    forget_before(now_ms);
    auto in_window =
        times_.end() - std::upper_bound(times_.begin(), times_.end(), at_ms - window_ms_);
    return in_window < limit_;
  }
  void record(std::int64_t at_ms) {
    times_.insert(std::upper_bound(times_.begin(), times_.end(), at_ms), at_ms);
  }
  // The first instant at which another event would be allowed.
  std::int64_t next_allowed(std::int64_t now_ms) {
    forget_before(now_ms);
    if (static_cast<int>(times_.size()) < limit_) return now_ms;
    return times_[times_.size() - limit_] + window_ms_;
  }

 private:
  void forget_before(std::int64_t now_ms) {
    while (!times_.empty() && times_.front() + window_ms_ <= now_ms) times_.pop_front();
  }

  int limit_;
  std::int64_t window_ms_;
  std::deque<std::int64_t> times_;
};

}  // namespace dialer::dispatch
