#pragma once

// The reporting projection: the call history (a row per call started) and the stats
// summed from it (per agent and hour), plus real-time counts. One fold, `apply`, over an
// ordered key-value view; the queries read the same view.
//
// Keys (US = \x1f):
//   r US call                         the row
//   t US ~time US call                every row, newest first (~time = max - requested)
//   ta US agent US ~time US call      by agent
//   ts US status US ~time US call     by status
//   tc US client US ~time US call     by client
//   s US hour US agent                the stats of an agent's hour
//   i US item                         the client an item is for
//   is US item / as US agent          their current status
//   rc US kind US status              how many items / agents are in a status; calls open

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/projections/history_row.hpp"
#include "actors/projections/kv.hpp"
#include "events/codec.hpp"
#include "storage/event_store.hpp"

namespace dialer::projections {

inline constexpr const char* kReportingConsumer = "reporting";

// Folds events into `kv` through a working set: the rows, stats and counters a stretch of
// events touches stay decoded until flush() writes each of them once.
class ReportingFold {
 public:
  explicit ReportingFold(KvWriter& kv);
  ~ReportingFold();
  Status apply(const storage::Envelope& envelope);
  // The same, for an event its caller decoded already (a pipeline that decodes elsewhere):
  // the fold needs only its stream and its recorded-at time besides.
  void apply(std::string_view stream, std::int64_t recorded_at_ms, const events::Event& event);
  // Whether events of this type change the projection; others need not be decoded.
  static bool wants(std::string_view type);
  void flush();
  struct Working;

 private:
  std::unique_ptr<Working> working_;
};

// One event, folded and written at once.
Status apply(KvWriter& kv, const storage::Envelope& envelope);

struct HistoryQuery {
  std::string agent{};
  std::string client{};
  std::string status{};
  std::optional<std::int64_t> from_ms{};  // requested at or after
  std::optional<std::int64_t> to_ms{};    // requested before
  std::size_t limit = 50;
  std::size_t skip = 0;
  std::string cursor{};  // from a previous page: continue after it
};

struct HistoryPage {
  std::uint64_t total = 0;
  std::vector<HistoryRow> rows;
  std::string next_cursor;  // empty on the last page
};

HistoryPage query_history(const KvReader& kv, const HistoryQuery& query);

struct StatsQuery {
  std::string agent{};
  std::optional<std::int64_t> from_ms{};
  std::optional<std::int64_t> to_ms{};
};

struct Realtime {
  std::map<std::string, std::int64_t> agents_by_status;
  std::map<std::string, std::int64_t> items_by_status;
  std::int64_t calls_in_progress = 0;
  bool operator==(const Realtime&) const = default;
};

struct StatsReport {
  StatsBucket total;
  std::map<std::string, StatsBucket> by_agent;
  std::map<std::int64_t, StatsBucket> by_hour;  // hour start, UTC ms
  std::map<std::int64_t, StatsBucket> by_day;   // day start, UTC ms
  Realtime realtime;
  bool operator==(const StatsReport&) const = default;
};

StatsReport query_stats(const KvReader& kv, const StatsQuery& query);
// Every agent the log has seen, with the status the projection last folded for it.
std::map<std::string, std::string> known_agents(const KvReader& kv);

// The stats folded afresh from the history rows alone: what the stored stats must equal.
StatsReport stats_from_history(const KvReader& kv, const StatsQuery& query);

}  // namespace dialer::projections
