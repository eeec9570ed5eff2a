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
#include "tools/bench_log.hpp"

using namespace dialer;
namespace fs = std::filesystem;

int main(int argc, char** argv) {
  CLI::App app{"Memory held by a million pending items"};
  std::uint64_t items = 1'000'000;
  std::string parent = fs::temp_directory_path().string();
  app.add_option("--items", items, "pending items");
  app.add_option("--dir", parent, "where the temporary database goes");
  CLI11_PARSE(app, argc, argv);

  auto dir = bench::make_temp_dir(parent, "bench-memory");
  auto db = (dir / "db").string();

  // Forked before any thread exists; the child writes the log and leaves.
  auto child = fork();
  if (child == 0) {
    auto store = storage::EventStore::open(db);
    if (!store) _exit(1);
    // A pending item is two events: its number claimed, then the item added.
    bench::write_log(**store, {items * 2, 1.0, 1, 1'790'000'000'000});
    store->reset();
    _exit(0);
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
  fs::remove_all(dir);
  return 0;
}
