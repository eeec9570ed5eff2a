#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "actors/projections/kv.hpp"
#include "actors/projections/reporting.hpp"
#include "tools/dialerctl/common.hpp"

namespace dialer::ctl {

struct EventFilter {
  std::uint64_t from_seq = 1;
  std::uint64_t to_seq = 0;  // 0: to the end
  std::optional<std::int64_t> since_ms;
  std::optional<std::int64_t> until_ms;
  std::string stream;
  std::string prefix;
  std::string type;
  std::uint64_t limit = 0;  // 0: no limit
};

// How far the log is folded: up to a sequence number or a time (inclusive); all of it by default.
struct Horizon {
  std::uint64_t until_seq = 0;
  std::optional<std::int64_t> until_ms;
};

// events and `export events`: JSON lines, a table or CSV.
int list_events(storage::EventStore& store, const EventFilter& filter, const std::string& format,
                Output& out);

// The reporting projection folded afresh in memory, as far as `horizon` says.
// The reporting projection folded afresh; with `queue_view`, the queue listing too, as the
// server keeps both in one projection.
Result<projections::MemoryKv> replay(storage::EventStore& store, const Horizon& horizon,
                                     bool queue_view = false);

// "agent-2" before "agent-10": runs of digits compare as numbers.
bool natural_less(std::string_view a, std::string_view b);

int print_stats(const projections::KvReader& kv, const projections::StatsQuery& query,
                const std::string& format, Output& out);
int print_history(const projections::KvReader& kv, projections::HistoryQuery query,
                  const std::string& format, Output& out);

// The store's integrity walk, and the stored projection against a fresh fold.
int verify(storage::EventStore& store, Output& out);

}  // namespace dialer::ctl
