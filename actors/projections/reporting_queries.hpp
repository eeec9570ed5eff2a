#pragma once

// The reporting projection's queries: the history pages, the stats over a period, the
// agents seen, all read from the view the fold writes (key layout: reporting_keys.hpp).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/projections/history_row.hpp"
#include "actors/projections/kv.hpp"
#include "actors/projections/paging.hpp"

namespace dialer::projections {

struct HistoryQuery {
  std::string agent{};
  std::string client{};
  std::string status{};
  std::optional<std::int64_t> from_ms{};  // requested at or after
  std::optional<std::int64_t> to_ms{};    // requested before
  PageRequest page{};
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
  // Days are this zone's (IANA; UTC when empty): by_day is keyed by the local midnight.
  std::string time_zone{};
};

struct Realtime {
  std::map<std::string, std::int64_t> agents_by_status;
  std::map<std::string, std::int64_t> items_by_status;
  std::int64_t calls_in_progress = 0;
  std::map<std::string, std::int64_t> queue_waiting_for;  // pending items by why they wait
  bool operator==(const Realtime&) const = default;
};

struct StatsReport {
  StatsBucket total;
  std::map<std::string, StatsBucket> by_agent;
  std::map<std::int64_t, StatsBucket> by_hour;  // hour start, UTC ms
  std::map<std::int64_t, StatsBucket> by_day;   // the local day's start (the query's zone), UTC ms
  Realtime realtime;
  bool operator==(const StatsReport&) const = default;
};

StatsReport query_stats(const KvReader& kv, const StatsQuery& query);
// Every agent the log has seen, with the status the projection last folded for it.
std::map<std::string, std::string> known_agents(const KvReader& kv);

// The stats folded afresh from the history rows alone: what the stored stats must equal.
StatsReport stats_from_history(const KvReader& kv, const StatsQuery& query);

// The dialer's call id for an Aircall call id, once the call's creation is folded.
std::optional<std::string> call_of_aircall(const KvReader& kv, std::int64_t aircall_call_id);

}  // namespace dialer::projections
