// bench-recovery: a log of about a million events of a realistic mix (completed dialling
// cycles with their webhooks, and pending items), then a restart: the whole log folded into
// state, every actor rebuilt, the dispatcher seeded. Baseline in the same run: a raw
// RocksDB scan of the same log, no decoding.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "actors/dialer.hpp"
#include "actors/recovery.hpp"
#include "actors/scheduler.hpp"
#include "actors/simulated_telephony.hpp"
#include "tools/bench_log.hpp"

using namespace dialer;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Recovery: fold a large log and rebuild the actors"};
  std::uint64_t events = 1'000'000;
  std::string parent = fs::temp_directory_path().string();
  app.add_option("--events", events, "how many events the log holds");
  app.add_option("--dir", parent, "where the temporary database goes");
  CLI11_PARSE(app, argc, argv);

  auto dir = bench::make_temp_dir(parent, "bench-recovery");
  auto db = dir / "db";

  bench::Written written;
  {
    auto store = storage::EventStore::open(db.string());
    if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
    auto start = Clock::now();
    written = bench::write_log(**store, {events, 0.2, 200, 1'790'000'000'000});
    std::printf("log: %llu events (%llu items, %llu pending) written in %.1f s\n",
                static_cast<unsigned long long>(written.events),
                static_cast<unsigned long long>(written.items),
                static_cast<unsigned long long>(written.pending_items), seconds_since(start));
  }

  auto raw_rate = bench::raw_log_scan_per_s(db);
  std::printf("raw RocksDB scan: %.0f events/s\n", raw_rate);

  double fold_rate = 0;
  {
    auto store =
        storage::EventStore::open(db.string(), {storage::OpenMode::read_only, {}, {}, nullptr});
    auto start = Clock::now();
    auto world = actors::fold_log(**store);
    if (!world) return std::fprintf(stderr, "%s\n", world.error().message.c_str()), 1;
    fold_rate = world->last_seq / seconds_since(start);
    std::printf("fold alone: %.0f events/s (%llu events, %zu items, %zu calls)\n", fold_rate,
                static_cast<unsigned long long>(world->last_seq), world->items.size(),
                world->calls.size());
  }

  // The restart: open the store, fold, start every actor, seed the dispatcher.
  domain::SystemClock clock;
  actors::SimulatedTelephony telephony{clock, {}};
  caf::actor_system_config config;
  caf::actor_system system{actors::use_dialer_scheduler(config, 2)};
  auto start = Clock::now();
  auto store = storage::EventStore::open(db.string());
  if (!store) return std::fprintf(stderr, "%s\n", store.error().message.c_str()), 1;
  auto opened = seconds_since(start);
  auto dialer = actors::Dialer::start(system, **store, telephony, clock);
  if (!dialer) return std::fprintf(stderr, "%s\n", dialer.error().message.c_str()), 1;
  std::printf(
      "restart: store open %.2f s, recovery %.2f s (of which the fold and actors: %.2f s)\n",
      opened, seconds_since(start) - opened, (*dialer)->recovery().seconds);
  auto stats = (*dialer)->dispatcher_stats();  // answered once the dispatcher holds its seed
  auto ready = seconds_since(start);
  auto rate = (*store)->last_seq() / ready;
  std::printf(
      "restart: ready in %.2f s, %.0f events/s; %zu items pending in the dispatcher; ratio to raw "
      "scan %.2f\n",
      ready, rate, stats.index.ready_items + stats.index.waiting_items, rate / raw_rate);
  std::printf(
      "bench-recovery events=%llu events_per_s=%.0f ready_s=%.2f raw_scan_per_s=%.0f ratio=%.2f\n",
      static_cast<unsigned long long>((*store)->last_seq()), rate, ready, raw_rate,
      rate / raw_rate);
  dialer->reset();
  store->reset();
  fs::remove_all(dir);
  return 0;
}
