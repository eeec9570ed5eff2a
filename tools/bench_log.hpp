#pragma once

// Writes large, realistic logs for the benchmarks: whole dialling cycles (a number claimed,
// its item added, assigned, its call requested, created, answered, hung up, ended, the item
// completed and the number released, the agent's side, and the raw webhooks) and items
// still pending.

#include <cstdint>
#include <filesystem>
#include <string>

#include "storage/event_store.hpp"

namespace dialer::bench {

struct LogShape {
  std::uint64_t events = 1'000'000;  // about this many, in all
  double pending_share = 0.2;        // of items, left pending (added only)
  int agents = 200;
  std::int64_t start_ms = 1'790'000'000'000;
  // When set: `events` counts the completed cycles alone (history), and exactly this many
  // items are left pending, spread through the log (pending_share aside).
  std::uint64_t pending_items = 0;
};

struct Written {
  std::uint64_t events = 0;
  std::uint64_t items = 0;
  std::uint64_t pending_items = 0;
  std::uint64_t payload_bytes_pending = 0;  // encoded size of the pending items' events
};

// Appends through the store's normal path, many appends in flight at once.
Written write_log(storage::EventStore& store, const LogShape& shape);

// A log of `shape` written into a new store at `db`, closed again for the measured part.
Result<Written> write_log_at(const std::filesystem::path& db, const LogShape& shape);

// A fresh folder under `parent` for a benchmark's database.
std::filesystem::path make_temp_dir(const std::filesystem::path& parent, const std::string& name);

// The floor a log reader is compared with: every key and value of the log family read
// straight from RocksDB, nothing decoded. Events per second.
double raw_log_scan_per_s(const std::filesystem::path& db);

// Resident set size of this process, in MiB: now, and the most it has been.
double rss_mib();
double peak_rss_mib();

}  // namespace dialer::bench
