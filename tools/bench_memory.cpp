// bench-memory: a million pending queue items, recovered into a running dialer: the
// dispatcher holds them all, no item keeps an actor. Prints the process's resident set
// before and after. The log is written by a child process first, so that the writer's own
// memory does not count.

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "actors/dialer.hpp"
#include "actors/scheduler.hpp"
#include "actors/simulated_telephony.hpp"
#include "tools/bench_cli.hpp"

using namespace dialer;

int main(int argc, char** argv) {
  bench::LogBenchCli cli{"bench-memory", "memory held by a million pending items", "--items",
                         "pending items", 1'000'000};
  CLI11_PARSE(cli.app, argc, argv);

  auto db = (cli.scratch() / "db").string();

  // Forked before any thread exists; the child writes the log and leaves.
  auto child = fork();
  if (child == 0) {
    // A pending item is two events: its number claimed, then the item added.
    _exit(bench::write_log_at(db, {cli.size * 2, 1.0, 1, 1'790'000'000'000}) ? 0 : 1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    return std::fprintf(stderr, "writing the log failed\n"), 1;

  double before = 0;
  double after = 0;
  double peak = 0;
  std::size_t held = 0;
  {
    domain::SystemClock clock;
    actors::SimulatedTelephony telephony{clock, {}};
    caf::actor_system_config config;
    caf::actor_system system{actors::use_dialer_scheduler(config, 2)};
    before = bench::rss_mib();
    auto store = storage::EventStore::open(db);
    if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
    auto dialer = actors::Dialer::start(system, **store, telephony, clock);
    if (!dialer) return std::fprintf(stderr, "%s\n", dialer.error().message.c_str()), 1;
    auto stats = (*dialer)->dispatcher_stats();
    held = stats.index.ready_items + stats.index.waiting_items;
    after = bench::rss_mib();
    peak = bench::peak_rss_mib();
    std::printf("items pending in the dispatcher: %zu, item actors alive: %zu\n", held,
                (*dialer)->services().registry->count(actors::Kind::item));
  }
  auto per_item = (after - before) * 1024 * 1024 / std::max<std::size_t>(held, 1);
  std::printf(
      "rss before: %.0f MiB, with the dialer ready: %.0f MiB (%.0f bytes per item), peak during "
      "recovery: %.0f MiB\n",
      before, after, per_item, peak);
  std::printf(
      "bench-memory items=%zu rss_mib=%.0f rss_peak_mib=%.0f rss_before_mib=%.0f "
      "bytes_per_item=%.0f\n",
      held, after, peak, before, per_item);
  return 0;
}
