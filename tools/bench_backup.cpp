// bench-backup: how long an operator waits for a backup of a live store, an incremental one
// after more writes, and a restore (with the verify that ends it), against copying the
// database folder as it is (the floor: every byte read and written once).
//   bench-backup [--events N]   (default 1,000,000; 20,000,000 for the README's second row)
// Last line: bench-backup events=… db_mib=… copy_s=… backup_s=… incremental_s=… restore_s=…
//            verify_s=… ratio=…   (ratio: backup_s over copy_s)

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "storage/event_store.hpp"
#include "tools/bench_cli.hpp"

using namespace dialer;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

double mib_of(const fs::path& folder) {
  std::uintmax_t bytes = 0;
  for (const auto& entry : fs::recursive_directory_iterator{folder}) {
    if (entry.is_regular_file()) bytes += entry.file_size();
  }
  return static_cast<double>(bytes) / (1 << 20);
}

}  // namespace

int main(int argc, char** argv) {
  bench::LogBenchCli cli{"bench-backup", "backup and restore of a live store against a plain copy",
                         "--events", "history to write first", 1'000'000};
  CLI11_PARSE(cli.app, argc, argv);

  auto root = cli.scratch();
  auto db = root / "db";
  auto backups = root / "backups";
  auto copy = root / "copy";
  auto restored = root / "restored";
  auto log = bench::write_log_at(db, {cli.size, 0.05, 200});
  if (!log) return std::fprintf(stderr, "bench-backup: %s\n", log.error().message.c_str()), 1;
  auto written = log->events;
  auto db_mib = mib_of(db);
  std::printf("log: %llu events, %.1f MiB\n", static_cast<unsigned long long>(written), db_mib);

  // The floor: the folder copied while nothing writes (what an operator could do by hand
  // with the server stopped), each file synced as a backup's are.
  auto started = std::chrono::steady_clock::now();
  fs::copy(db, copy, fs::copy_options::recursive);
  for (const auto& entry : fs::recursive_directory_iterator{copy}) {
    if (!entry.is_regular_file()) continue;
    int fd = ::open(entry.path().c_str(), O_RDONLY);
    if (fd >= 0) {
      ::fsync(fd);
      ::close(fd);
    }
  }
  auto copy_s = seconds_since(started);
  std::printf("copy of the stopped database: %.2f s\n", copy_s);

  double backup_s = 0, incremental_s = 0;
  {
    auto store = storage::EventStore::open(db.string());
    if (!store) return 1;
    started = std::chrono::steady_clock::now();
    auto first = (*store)->backup(backups.string(), 7);
    backup_s = seconds_since(started);
    if (!first) {
      std::fprintf(stderr, "bench-backup: %s\n", first.error().message.c_str());
      return 1;
    }
    std::printf("backup of the open store: %.2f s, %u files\n", backup_s, first->files);
    // A day's worth more (1 %), then the next backup copies only what is new.
    bench::write_log(
        **store, {std::max<std::uint64_t>(cli.size / 100, 1'000), 0.05, 200, 1'790'100'000'000});
    started = std::chrono::steady_clock::now();
    auto second = (*store)->backup(backups.string(), 7);
    incremental_s = seconds_since(started);
    if (!second) return 1;
    std::printf("incremental backup after %llu more events: %.2f s\n",
                static_cast<unsigned long long>(std::max<std::uint64_t>(cli.size / 100, 1'000)),
                incremental_s);
  }

  started = std::chrono::steady_clock::now();
  auto restore = storage::restore_backup(backups.string(), std::nullopt, restored.string());
  auto restore_s = seconds_since(started);
  if (!restore) {
    std::fprintf(stderr, "bench-backup: %s\n", restore.error().message.c_str());
    return 1;
  }
  started = std::chrono::steady_clock::now();
  storage::OpenOptions read_only;
  read_only.mode = storage::OpenMode::read_only;
  auto reopened = storage::EventStore::open(restored.string(), read_only);
  bool verified = reopened && (*reopened)->verify().ok;
  auto verify_s = seconds_since(started);
  std::printf("restore: %.2f s; verify of the restored log: %.2f s, %s\n", restore_s, verify_s,
              verified ? "intact" : "DAMAGED");
  std::printf(
      "bench-backup events=%llu db_mib=%.1f copy_s=%.2f backup_s=%.2f incremental_s=%.2f "
      "restore_s=%.2f verify_s=%.2f ratio=%.2f\n",
      static_cast<unsigned long long>(written), db_mib, copy_s, backup_s, incremental_s, restore_s,
      verify_s, copy_s > 0 ? backup_s / copy_s : 0.0);
  return verified ? 0 : 1;
}
