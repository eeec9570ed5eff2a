// GET /api/dialer/events: the log as Server-Sent Events, from the store's subscription,
// filtered by stream prefix. Each connection holds one server thread while it lasts.

#include <condition_variable>
#include <deque>
#include <mutex>

#include "actors/projections/report_json.hpp"
#include "events/codec.hpp"
#include "http/exchange.hpp"
#include "http/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A client that falls this far behind is cut off rather than buffered without end.
constexpr std::size_t kMaxBacklog = 10'000;
constexpr auto kHeartbeat = 15s;

struct Feed {
  std::string prefix;
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::string> frames;
  bool overflowed = false;
  std::unique_ptr<storage::Subscription> subscription;
};

std::string frame_of(const storage::Envelope& envelope) {
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  json data{{"seq", envelope.seq},
            {"stream", envelope.stream},
            {"type", envelope.type},
            {"recordedAt", projections::iso_time(envelope.recorded_at_ms)},
            {"data", event ? events::to_json(*event) : json(nullptr)}};
  return "id: " + std::to_string(envelope.seq) + "\nevent: " + envelope.type +
         "\ndata: " + data.dump(-1, ' ', false, json::error_handler_t::replace) + "\n\n";
}

void open_feed(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto after = context.store.last_seq();
  auto resume = req.has_header("Last-Event-ID") ? req.get_header_value("Last-Event-ID")
                                                : text_param(req, "after");
  if (!resume.empty()) {
    auto parsed = std::strtoull(resume.c_str(), nullptr, 10);
    if (resume.find_first_not_of("0123456789") != std::string::npos) {
      return reply_error(
          res, Error{ErrorCode::invalid_argument, "after must be a sequence number", "after"});
    }
    after = parsed;
  }
  auto feed = std::make_shared<Feed>();
  feed->prefix = text_param(req, "prefix");
  std::weak_ptr<Feed> weak = feed;
  feed->subscription = context.store.subscribe(after, [weak](const auto& batch) {
    auto target = weak.lock();
    if (!target) return;
    std::lock_guard lock{target->mutex};
    for (const auto& envelope : batch) {
      if (!envelope.stream.starts_with(target->prefix)) continue;
      if (target->frames.size() >= kMaxBacklog) {
        target->overflowed = true;
        break;
      }
      target->frames.push_back(frame_of(envelope));
    }
    target->ready.notify_all();
  });
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  res.set_chunked_content_provider(
      "text/event-stream",
      [feed, &context](std::size_t, httplib::DataSink& sink) {
        std::deque<std::string> out;
        {
          std::unique_lock lock{feed->mutex};
          auto deadline = std::chrono::steady_clock::now() + kHeartbeat;
          while (feed->frames.empty() && !feed->overflowed && !context.stopping &&
                 std::chrono::steady_clock::now() < deadline) {
            feed->ready.wait_for(lock, 500ms);
          }
          if (feed->overflowed || context.stopping) return false;
          out.swap(feed->frames);
        }
        if (out.empty()) return sink.write(": keep-alive\n\n", 15);
        for (const auto& frame : out) {
          if (!sink.write(frame.data(), frame.size())) return false;
        }
        return true;
      },
      [feed](bool) { feed->subscription.reset(); });
}

}  // namespace

void add_event_feed_route(Router& router, Context& context) {
  router.get("/api/dialer/events", "GET /api/dialer/events",
             [&context](const httplib::Request& req, httplib::Response& res) {
               open_feed(context, req, res);
             });
}

}  // namespace dialer::http
