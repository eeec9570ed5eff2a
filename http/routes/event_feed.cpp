// GET /api/dialer/events: the log as Server-Sent Events, filtered by stream prefix, from
// the feed hub that all feeds share; resumed after a drop from Last-Event-ID (or ?after=).

#include "http/mapping/exchange.hpp"
#include "http/routes/routes.hpp"
#include "http/server/feed_hub.hpp"

namespace dialer::http {
namespace {

using namespace std::chrono_literals;

constexpr auto kHeartbeat = 15s;
constexpr auto kPollEvery = 250ms;  // how late a frame may reach its feed
constexpr std::size_t kFramesPerWrite = 1'000;
constexpr std::size_t kMaxPrefix = 128;

void open_feed(Context& context, const httplib::Request& req, httplib::Response& res) {
  std::uint64_t after = context.store.last_seq();
  if (req.has_header("Last-Event-ID")) {
    auto resumed = sequence_value(req.get_header_value("Last-Event-ID"), "Last-Event-ID");
    if (!resumed) return reply_error(res, resumed.error());
    after = *resumed;
  } else if (auto from = text_param(req, "after"); !from.empty()) {
    auto resumed = sequence_value(from, "after");
    if (!resumed) return reply_error(res, resumed.error());
    after = *resumed;
  }
  auto prefix = text_param(req, "prefix");
  if (prefix.size() > kMaxPrefix) {
    return reply_error(
        res, Error{ErrorCode::invalid_argument,
                   "prefix is at most " + std::to_string(kMaxPrefix) + " characters", "prefix"});
  }
  res.set_header("Cache-Control", "no-cache");
  res.set_header("X-Accel-Buffering", "no");
  auto position = std::make_shared<std::uint64_t>(after);
  auto quiet_since =
      std::make_shared<std::chrono::steady_clock::time_point>(std::chrono::steady_clock::now());
  res.set_chunked_content_provider("text/event-stream", [&context, position, quiet_since, prefix](
                                                            std::size_t, httplib::DataSink& sink) {
    std::vector<FeedHub::SharedFrame> frames;
    if (context.stopping ||
        !context.feeds->next(*position, prefix, kPollEvery, kFramesPerWrite, frames)) {
      return false;
    }
    auto now = std::chrono::steady_clock::now();
    if (frames.empty()) {
      if (now - *quiet_since < kHeartbeat) return true;
      *quiet_since = now;
      return sink.write(": keep-alive\n\n", 15);
    }
    *quiet_since = now;
    std::string out;
    std::size_t size = 0;
    for (const auto& frame : frames) size += frame->size();
    out.reserve(size);
    for (const auto& frame : frames) out += *frame;
    return sink.write(out.data(), out.size());
  });
}

}  // namespace

void add_event_feed_route(Router& router, Context& context) {
  router.get("/api/dialer/events", [&context](const httplib::Request& req, httplib::Response& res) {
    open_feed(context, req, res);
  });
}

}  // namespace dialer::http
