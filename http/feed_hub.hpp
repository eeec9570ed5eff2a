#pragma once

// One subscription to the log for every live feed (GET /api/dialer/events): each event is
// made into its Server-Sent Events frame once and kept in a window of the latest ones, which
// every feed reads at its own pace. A feed that resumes from further back than the window,
// or falls behind it, reads that stretch from the store, a bounded slice at a time: no feed
// costs a thread of the store's or unbounded memory, however many there are.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "storage/event_store.hpp"

namespace dialer::http {

class FeedHub {
 public:
  explicit FeedHub(storage::EventStore& store, std::size_t window = 16'384);
  ~FeedHub();
  FeedHub(const FeedHub&) = delete;
  FeedHub& operator=(const FeedHub&) = delete;

  // The frames of events after `after` whose stream starts with `prefix`, at most `most` of
  // them; when there are none yet, waits `wait` and looks again. `after` moves past every
  // event looked at. False once the hub is stopping.
  bool next(std::uint64_t& after, const std::string& prefix, std::chrono::milliseconds wait,
            std::size_t most, std::vector<std::string>& frames);
  void stop();

  // The frame of one event: "id: <seq>\nevent: <type>\ndata: <json>\n\n".
  static std::string frame_of(const storage::Envelope& envelope);

 private:
  struct Frame {
    std::uint64_t seq;
    std::string stream;
    std::string text;
  };
  void take(const std::vector<storage::Envelope>& batch);
  bool from_store(std::uint64_t& after, const std::string& prefix, std::size_t most,
                  std::vector<std::string>& frames);

  storage::EventStore& store_;
  const std::size_t window_size_;
  std::mutex mutex_;
  std::condition_variable arrived_;  // told only of the stop
  std::deque<Frame> window_;
  std::uint64_t last_seq_ = 0;  // of the newest event the hub has seen
  bool stopping_ = false;
  std::unique_ptr<storage::Subscription> subscription_;
};

}  // namespace dialer::http
