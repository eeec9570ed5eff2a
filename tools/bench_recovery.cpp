// bench-recovery: a log of about a million events of a realistic mix (completed dialling
// cycles with their webhooks, and pending items), then a first start, which has no live set
// yet: the whole log folded into state, every actor rebuilt, the dispatcher seeded.
// Baseline in the same run: a raw RocksDB scan of the same log, no decoding.
//
// With --pending M: how a restart grows with history. Two logs with the same M pending
// items, one of --history-small (1M) history events and one of --history (20M); on each, a
// first start folds the whole log and stores the live set, then the measured restart reads
// that set. Each start runs in a child process of its own, so that its resident memory is
// its alone. Last line:
// bench-recovery pending=… ready_1m_s=… ready_20m_s=… growth=… rss_20m_mib=…

#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <vector>

#include "actors/dialer.hpp"
#include "actors/recovery.hpp"
#include "actors/scheduler.hpp"
#include "actors/simulated_telephony.hpp"
#include "tools/bench_cli.hpp"

using namespace dialer;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct Restart {
  double open_s = 0;   // the store
  double start_s = 0;  // Dialer::start
  double ready_s = 0;  // from the open until the dispatcher holds its seed
  std::uint64_t last_seq = 0;
  double rss_mib = 0;
  std::size_t pending = 0;
  bool from_live_set = false;
  std::uint64_t log_events_read = 0;
};

// `work()` in a child process of its own, its answer (plain bytes) sent back by a pipe. The
// parent never opens a database: RocksDB's background threads would not survive a fork,
// and a child whose close must flush would wait for them for ever.
template <class Answer>
Answer in_child(const std::function<Answer()>& work) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe");
  std::fflush(stdout);  // or the child would print the parent's buffered lines again
  auto pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    Answer answer = work();
    (void)!write(pipe_fds[1], &answer, sizeof answer);
    _exit(0);
  }
  close(pipe_fds[1]);
  Answer answer;
  auto got = read(pipe_fds[0], &answer, sizeof answer);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != static_cast<ssize_t>(sizeof answer)) throw std::runtime_error("a child failed");
  return answer;
}

// A start over the store at `db`, until the dispatcher holds its seed; the store closed after.
Restart restart(const fs::path& db) {
  Restart measured;
  domain::SystemClock clock;
  actors::SimulatedTelephony telephony{clock, {}};
  caf::actor_system_config config;
  caf::actor_system system{actors::use_dialer_scheduler(config, 2)};
  auto start = Clock::now();
  auto store = storage::EventStore::open(db.string());
  if (!store) std::fprintf(stderr, "%s\n", store.error().message.c_str()), _exit(2);
  measured.open_s = seconds_since(start);
  auto dialer = actors::Dialer::start(system, **store, telephony, clock);
  if (!dialer) std::fprintf(stderr, "%s\n", dialer.error().message.c_str()), _exit(3);
  auto stats = (*dialer)->dispatcher_stats();  // answered once the dispatcher holds its seed
  measured.ready_s = seconds_since(start);
  measured.start_s = (*dialer)->recovery().seconds;
  measured.last_seq = (*store)->last_seq();
  measured.rss_mib = bench::rss_mib();
  measured.pending = stats.index.ready_items + stats.index.waiting_items;
  measured.from_live_set = (*dialer)->recovery().from_live_set;
  measured.log_events_read = (*dialer)->recovery().log_events_read;
  return measured;
}

// Writes the log at `db` and says what and how fast; nothing if it could not.
std::optional<bench::Written> write_and_tell(const fs::path& db, const bench::LogShape& shape) {
  auto start = Clock::now();
  auto written = bench::write_log_at(db, shape);
  if (!written) {
    std::fprintf(stderr, "%s\n", written.error().message.c_str());
    return std::nullopt;
  }
  std::printf("log: %llu events (%llu items, %llu pending) written in %.1f s\n",
              static_cast<unsigned long long>(written->events),
              static_cast<unsigned long long>(written->items),
              static_cast<unsigned long long>(written->pending_items), seconds_since(start));
  std::fflush(stdout);
  return *written;
}

int growth_run(std::uint64_t small, std::uint64_t large, std::uint64_t pending,
               bench::BenchCli& cli) {
  std::vector<Restart> restarts;
  for (auto history : {small, large}) {
    auto dir = cli.scratch();
    auto db = dir / "db";
    in_child<bench::Written>([&] {
      auto written = write_and_tell(db, {history, 0, 200, 1'790'000'000'000, pending});
      if (!written) _exit(2);
      return *written;
    });
    auto first = in_child<Restart>([&] { return restart(db); });
    std::printf(
        "first start over %llu history events (the whole log read, the live set "
        "stored): ready in %.2f s, %.0f MiB\n",
        static_cast<unsigned long long>(history), first.ready_s, first.rss_mib);
    restarts.push_back(in_child<Restart>([&] { return restart(db); }));
    const auto& again = restarts.back();
    if (!again.from_live_set) throw std::runtime_error("the restart did not read the live set");
    std::printf(
        "restart over %llu history events: ready in %.2f s from the live set and %llu logged "
        "events after it, %zu pending held, %.0f MiB\n",
        static_cast<unsigned long long>(history), again.ready_s,
        static_cast<unsigned long long>(again.log_events_read), again.pending, again.rss_mib);
    fs::remove_all(dir);
  }
  std::printf(
      "bench-recovery pending=%llu ready_1m_s=%.2f ready_20m_s=%.2f growth=%.2f rss_20m_mib=%.0f\n",
      static_cast<unsigned long long>(pending), restarts[0].ready_s, restarts[1].ready_s,
      restarts[0].ready_s > 0 ? restarts[1].ready_s / restarts[0].ready_s : 0.0,
      restarts[1].rss_mib);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchCli cli{"bench-recovery", "fold a large log and rebuild the actors"};
  std::uint64_t events = 1'000'000;
  std::uint64_t pending = 0;
  std::uint64_t history = 20'000'000;
  std::uint64_t history_small = 1'000'000;
  cli.app.add_option("--events", events, "how many events the log holds");
  cli.app.add_option("--pending", pending, "pending items: compare restarts over two histories");
  cli.app.add_option("--history", history, "history events of the larger log (with --pending)");
  cli.app.add_option("--history-small", history_small, "history events of the smaller log");
  CLI11_PARSE(cli.app, argc, argv);
  if (pending > 0) return growth_run(history_small, history, pending, cli);

  auto dir = cli.scratch();
  auto db = dir / "db";
  if (!write_and_tell(db, {events, 0.2, 200, 1'790'000'000'000})) return 1;

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

  // The first start: open the store, fold, start every actor, seed the dispatcher.
  auto first = restart(db);
  auto rate = first.last_seq / first.ready_s;
  std::printf("first start: store open %.2f s, Dialer::start %.2f s (the whole log folded)\n",
              first.open_s, first.start_s);
  std::printf(
      "first start: ready in %.2f s, %.0f events/s; %zu items pending in the dispatcher; ratio "
      "to raw scan %.2f\n",
      first.ready_s, rate, first.pending, rate / raw_rate);
  std::printf(
      "bench-recovery events=%llu events_per_s=%.0f ready_s=%.2f raw_scan_per_s=%.0f ratio=%.2f\n",
      static_cast<unsigned long long>(first.last_seq), rate, first.ready_s, raw_rate,
      rate / raw_rate);
  return 0;
}
