// bench-replay: `dialerctl replay` over a log of about a million events of a realistic
// mix: every event read, its hash checked, decoded, and folded into the history and stats.
// Baseline in the same run: a raw RocksDB scan of the same log, nothing decoded.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "actors/projections/reporting.hpp"
#include "tools/bench_cli.hpp"
#include "tools/dialerctl/commands.hpp"

using namespace dialer;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  bench::LogBenchCli cli{"bench-replay", "replay throughput against a raw scan", "--events",
                         "how many events the log holds", 1'000'000};
  CLI11_PARSE(cli.app, argc, argv);

  auto db = cli.scratch() / "db";
  if (auto written = bench::write_log_at(db, {cli.size, 0.2, 200, 1'790'000'000'000}); !written) {
    return std::fprintf(stderr, "%s\n", written.error().message.c_str()), 1;
  }
  auto raw = bench::raw_log_scan_per_s(db);

  auto store = ctl::ReadOnlyStore::open(db.string());
  if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
  auto start = Clock::now();
  auto folded = ctl::replay((*store)->store(), {});
  auto seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!folded) return std::fprintf(stderr, "%s\n", folded.error().message.c_str()), 1;
  auto count = (*store)->store().last_seq();
  auto stats = projections::query_stats(*folded, {});
  auto rate = count / seconds;
  std::printf(
      "replay: %llu events in %.2f s, %.0f events/s (%llu calls in the stats, %zu projection "
      "entries)\n",
      static_cast<unsigned long long>(count), seconds, rate,
      static_cast<unsigned long long>(stats.total.dialled), folded->size());
  std::printf("raw RocksDB scan of the same log: %.0f events/s\n", raw);
  std::printf("bench-replay events=%llu events_per_s=%.0f raw_scan_per_s=%.0f ratio=%.2f\n",
              static_cast<unsigned long long>(count), rate, raw, rate / raw);
  store->reset();
  return 0;
}
