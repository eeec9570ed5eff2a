#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <thread>

#include "actors/projections/history_csv.hpp"
#include "actors/projections/queue_view.hpp"
#include "actors/projections/report_json.hpp"
#include "events/mutex.hpp"
#include "tools/dialerctl/commands.hpp"

namespace dialer::ctl {

namespace {

// Decoded events handed from the reading thread to the folding one, a batch at a time.
struct Decoded {
  struct Entry {
    std::string stream;
    std::int64_t recorded_at_ms;
    events::Event event;
  };
  std::vector<Entry> entries;
  std::uint64_t last_seq = 0;
};

class BatchQueue {
 public:
  void push(Decoded batch) {
    Lock lock{mutex_};
    room_.wait(lock.native(),
               [&]() REQUIRES(mutex_) { return batches_.size() < kDepth || closed_; });
    batches_.push_back(std::move(batch));
    ready_.notify_one();
  }
  // Empty once the reader is done and everything is taken.
  std::optional<Decoded> pop() {
    Lock lock{mutex_};
    ready_.wait(lock.native(), [&]() REQUIRES(mutex_) { return !batches_.empty() || finished_; });
    if (batches_.empty()) return std::nullopt;
    auto batch = std::move(batches_.front());
    batches_.pop_front();
    room_.notify_one();
    return batch;
  }
  void finish() {
    Lock lock{mutex_};
    finished_ = true;
    ready_.notify_all();
  }
  // The folder gave up: the reader stops waiting for room.
  void close() {
    Lock lock{mutex_};
    closed_ = true;
    room_.notify_all();
  }
  bool closed() {
    Lock lock{mutex_};
    return closed_;
  }

 private:
  static constexpr std::size_t kDepth = 8;
  Mutex mutex_;
  std::condition_variable room_;
  std::condition_variable ready_;
  std::deque<Decoded> batches_ GUARDED_BY(mutex_);
  bool finished_ GUARDED_BY(mutex_) = false;
  bool closed_ GUARDED_BY(mutex_) = false;
};

}  // namespace

// Two stages on two cores: one thread reads, checks and decodes the log; this one folds,
// in log order.
Result<projections::MemoryKv> replay(storage::EventStore& store, const Horizon& horizon,
                                     bool queue_view) {
  constexpr std::size_t kBatch = 2048;
  auto total = horizon.until_seq ? horizon.until_seq : store.last_seq();
  // About one entry for every two events in a dialler's log.
  projections::MemoryKv kv{total / 2};
  projections::ReportingFold fold{kv};
  Progress progress{"replay", total};
  BatchQueue queue;
  std::optional<Error> read_failure;
  std::thread reader{[&] {
    Decoded batch;
    auto scanned = store.scan_log_views(1, [&](const events::EnvelopeView& e) {
      if (horizon.until_seq && e.seq > horizon.until_seq) return false;
      if (horizon.until_ms && e.recorded_at_ms > *horizon.until_ms) return false;
      if (!projections::ReportingFold::wants(e.type) &&
          !(queue_view && projections::is_queue_stream(e.stream))) {
        return true;
      }
      auto event = events::decode(e.type, e.schema, e.payload);
      if (!event) {
        read_failure = event.error();
        return false;
      }
      batch.entries.push_back({std::string{e.stream}, e.recorded_at_ms, std::move(event).value()});
      batch.last_seq = e.seq;
      if (batch.entries.size() == kBatch) {
        queue.push(std::move(batch));
        batch = Decoded{};
      }
      return !queue.closed();
    });
    if (!scanned && !read_failure) read_failure = scanned.error();
    if (!batch.entries.empty()) queue.push(std::move(batch));
    queue.finish();
  }};
  std::uint64_t since_flush = 0;
  while (auto batch = queue.pop()) {
    for (const auto& entry : batch->entries) {
      fold.apply(entry.stream, entry.recorded_at_ms, entry.event);
      if (queue_view) projections::apply_queue(kv, entry.stream, entry.recorded_at_ms, entry.event);
    }
    progress.update(batch->last_seq);
    // Written out now and then, so that what stays decoded is bounded.
    if ((since_flush += batch->entries.size()) >= 200'000) {
      fold.flush();
      since_flush = 0;
    }
  }
  queue.close();
  reader.join();
  if (read_failure) return *read_failure;
  fold.flush();
  return kv;
}

bool natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    bool a_digit = std::isdigit(static_cast<unsigned char>(a[i]));
    bool b_digit = std::isdigit(static_cast<unsigned char>(b[j]));
    if (a_digit && b_digit) {
      auto i_end = a.find_first_not_of("0123456789", i);
      auto j_end = b.find_first_not_of("0123456789", j);
      auto x = a.substr(i, i_end == std::string_view::npos ? std::string_view::npos : i_end - i);
      auto y = b.substr(j, j_end == std::string_view::npos ? std::string_view::npos : j_end - j);
      while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
      while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
      if (x.size() != y.size()) return x.size() < y.size();
      if (x != y) return x < y;
      j = j_end == std::string_view::npos ? b.size() : j_end;
      i = i_end == std::string_view::npos ? a.size() : i_end;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i;
    ++j;
  }
  return a.size() - i < b.size() - j;
}

int print_stats(const projections::KvReader& kv, const projections::StatsQuery& query,
                const std::string& format, Output& out) {
  auto report = projections::query_stats(kv, query);
  auto& os = out.stream();
  if (format == "json") {
    os << projections::stats_json(report).dump(2) << '\n';
    return out.good() ? ok : unwritable;
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %8s %8s %8s %10s %10s %10s\n", "AGENT", "DIALLED",
                "ANSWERED", "RATE", "AVG TALK", "P90 TALK", "AVG WAIT");
  os << line;
  auto row = [&](const std::string& name, const projections::StatsBucket& b) {
    auto rate =
        b.ended ? 100.0 * static_cast<double>(b.answered) / static_cast<double>(b.ended) : 0.0;
    auto talk =
        b.answered ? static_cast<double>(b.talk_seconds) / static_cast<double>(b.answered) : 0.0;
    auto wait = b.ended ? static_cast<double>(b.wait_seconds) / static_cast<double>(b.ended) : 0.0;
    std::snprintf(line, sizeof line, "%-20s %8llu %8llu %7.1f%% %9.1fs %9llds %9.1fs\n",
                  name.c_str(), static_cast<unsigned long long>(b.dialled),
                  static_cast<unsigned long long>(b.answered), rate, talk,
                  static_cast<long long>(projections::p90_talk_seconds(b)), wait);
    os << line;
  };
  // agent-2 before agent-10, as people count.
  std::vector<const std::pair<const std::string, projections::StatsBucket>*> agents;
  for (const auto& entry : report.by_agent) agents.push_back(&entry);
  std::sort(agents.begin(), agents.end(),
            [](const auto* a, const auto* b) { return natural_less(a->first, b->first); });
  for (const auto* entry : agents) row(entry->first, entry->second);
  row("TOTAL", report.total);
  os << "by status:";
  for (const auto& [status, count] : report.total.by_status) os << ' ' << status << '=' << count;
  os << "\nin progress: " << report.realtime.calls_in_progress << " calls; queue:";
  for (const auto& [status, count] : report.realtime.items_by_status)
    os << ' ' << status << '=' << count;
  os << "; agents:";
  for (const auto& [status, count] : report.realtime.agents_by_status)
    os << ' ' << status << '=' << count;
  os << '\n';
  return out.good() ? ok : unwritable;
}

int print_history(const projections::KvReader& kv, projections::HistoryQuery query,
                  const std::string& format, Output& out) {
  auto& os = out.stream();
  if (format == "table") {
    char line[256];
    std::snprintf(line, sizeof line, "%-24s %-16s %-16s %-12s %8s %9s\n", "REQUESTED", "AGENT",
                  "PHONE", "STATUS", "ATTEMPT", "DURATION");
    os << line;
  }
  if (format == "csv") os << projections::history_csv_header();
  // Page through it all, newest first.
  query.page.limit = 1000;
  for (;;) {
    auto page = projections::query_history(kv, query);
    for (const auto& row : page.rows) {
      auto json = projections::row_json(row);
      if (format == "table") {
        char line[256];
        std::snprintf(line, sizeof line, "%-24s %-16.16s %-16s %-12s %8u %8llds\n",
                      projections::iso_time(row.requested_at_ms).c_str(), row.agent_id.c_str(),
                      row.phone_number.c_str(), row.status.c_str(),
                      static_cast<unsigned>(row.attempt),
                      static_cast<long long>(row.duration_seconds));
        os << line;
      } else if (format == "csv") {
        os << projections::history_csv_line(row);
      } else {
        os << json.dump() << '\n';
      }
    }
    if (page.next_cursor.empty()) break;
    query.page.cursor = page.next_cursor;
    query.page.skip = 0;
  }
  return out.good() ? ok : unwritable;
}

}  // namespace dialer::ctl
