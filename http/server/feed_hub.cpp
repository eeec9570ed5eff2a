#include "http/server/feed_hub.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "actors/projections/report_json.hpp"
#include "events/codec.hpp"

namespace dialer::http {

std::string FeedHub::frame_of(const storage::Envelope& envelope) {
  using nlohmann::json;
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  json data{{"seq", envelope.seq},
            {"stream", envelope.stream},
            {"type", envelope.type},
            {"recordedAt", projections::iso_time(envelope.recorded_at_ms)},
            {"data", event ? events::to_json(*event) : json(nullptr)}};
  return "id: " + std::to_string(envelope.seq) + "\nevent: " + envelope.type +
         "\ndata: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

FeedHub::FeedHub(storage::EventStore& store, std::size_t window)
    : store_(store), window_size_(window), last_seq_(store.last_seq()) {
  subscription_ = store.subscribe(last_seq_, [this](const auto& batch) { take(batch); });
}

FeedHub::~FeedHub() {
  stop();
  subscription_.reset();
}

void FeedHub::stop() {
  {
    Lock lock{stop_mutex_};
    stopping_ = true;
  }
  stopped_.notify_all();
}

void FeedHub::take(const std::vector<storage::Envelope>& batch) {
  std::vector<Frame> made;
  made.reserve(batch.size());
  for (const auto& envelope : batch) {
    made.push_back(
        {envelope.seq, envelope.stream, std::make_shared<const storage::Envelope>(envelope), {}});
  }
  {
    WriteLock lock{window_mutex_};
    for (auto& frame : made) window_.push_back(std::move(frame));
    while (window_.size() > window_size_) window_.pop_front();
  }
  if (!batch.empty()) last_seq_ = batch.back().seq;
}

bool FeedHub::next(std::uint64_t& after, const std::string& prefix, std::chrono::milliseconds wait,
                   std::size_t most, std::vector<SharedFrame>& frames) {
  // Feeds look, rather than being woken for every commit: a thousand feeds then cost a
  // thousand looks per `wait`, however busy the log is, and each takes what came meanwhile.
  if (last_seq_ <= after) {
    Lock lock{stop_mutex_};
    stopped_.wait_for(lock.native(), wait, [&] { return stopping_.load(); });
  }
  if (stopping_) return false;
  if (last_seq_ <= after) return true;
  {
    ReadLock lock{window_mutex_};
    auto oldest = window_.empty() ? last_seq_ + 1 : window_.front().seq;
    if (after + 1 >= oldest) {
      auto from =
          std::lower_bound(window_.begin(), window_.end(), after + 1,
                           [](const Frame& frame, std::uint64_t seq) { return frame.seq < seq; });
      Lock framing{framing_mutex_};
      for (auto it = from; it != window_.end() && frames.size() < most; ++it) {
        if (it->stream.starts_with(prefix)) {
          if (!it->text) {
            it->text = std::make_shared<const std::string>(frame_of(*it->envelope));
            it->envelope.reset();
          }
          frames.push_back(it->text);
        }
        after = it->seq;
      }
      return true;
    }
  }
  // Older than the window: read from the log.
  return from_store(after, prefix, most, frames);
}

bool FeedHub::from_store(std::uint64_t& after, const std::string& prefix, std::size_t most,
                         std::vector<SharedFrame>& frames) {
  auto slice = store_.read_log(after + 1, most);
  if (!slice) return false;
  for (const auto& envelope : *slice) {
    if (envelope.stream.starts_with(prefix))
      frames.push_back(std::make_shared<const std::string>(frame_of(envelope)));
    after = envelope.seq;
  }
  return true;
}

}  // namespace dialer::http
