#pragma once

// One subscription to the log for every live feed (GET /api/dialer/events): the latest
// events are kept in a window, which every feed reads at its own pace; each is made into its
// Server-Sent Events frame once, by the first feed that sends it, so that a server with no
// feed open frames nothing. A feed that resumes from further back than the window,
// or falls behind it, reads that stretch from the store, a bounded slice at a time: no feed
// costs a thread of the store's or unbounded memory, however many there are.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "events/mutex.hpp"
#include "storage/event_store.hpp"

namespace dialer::http {

class FeedHub {
 public:
  explicit FeedHub(storage::EventStore& store, std::size_t window = 16'384);
  ~FeedHub();
  FeedHub(const FeedHub&) = delete;
  FeedHub& operator=(const FeedHub&) = delete;

  // A frame, made once and shared by every feed that sends it.
  using SharedFrame = std::shared_ptr<const std::string>;

  // The frames of events after `after` whose stream starts with `prefix`, at most `most` of
  // them; when there are none yet, waits `wait` and looks again. `after` moves past every
  // event looked at. False once the hub is stopping.
  bool next(std::uint64_t& after, const std::string& prefix, std::chrono::milliseconds wait,
            std::size_t most, std::vector<SharedFrame>& frames);
  void stop();

  // The frame of one event: "id: <seq>\nevent: <type>\ndata: <json>\n\n".
  static std::string frame_of(const storage::Envelope& envelope);

 private:
  struct Frame {
    std::uint64_t seq;
    std::string stream;
    // Until a feed frames it (under framing_mutex_): then the text alone is kept.
    std::shared_ptr<const storage::Envelope> envelope;
    SharedFrame text;
  };
  void take(const std::vector<storage::Envelope>& batch);
  bool from_store(std::uint64_t& after, const std::string& prefix, std::size_t most,
                  std::vector<SharedFrame>& frames);

  storage::EventStore& store_;
  const std::size_t window_size_;
  // Feeds read the window together; only a new batch writes it. A feed with nothing new
  // looks at last_seq_ alone, without the lock.
  SharedMutex window_mutex_;
  std::deque<Frame> window_ GUARDED_BY(window_mutex_);
  Mutex framing_mutex_;                     // a frame's envelope and text, as feeds read them
  std::atomic<std::uint64_t> last_seq_{0};  // of the newest event the hub has seen
  Mutex stop_mutex_;
  std::condition_variable stopped_;  // what a quiet feed waits on, for at most its `wait`
  std::atomic<bool> stopping_{false};
  std::unique_ptr<storage::Subscription> subscription_;
};

}  // namespace dialer::http
