// bench-replay: `dialerctl replay` over a log of about a million events of a realistic
// mix: every event read, its hash checked, decoded, and folded into the history and stats.
// Baseline in the same run: a raw RocksDB scan of the same log, nothing decoded.

#include <rocksdb/db.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "actors/projections/reporting.hpp"
#include "tools/bench_log.hpp"
#include "tools/dialerctl/commands.hpp"

using namespace dialer;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double raw_scan_per_s(const fs::path& db) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (auto name : {"default", "log", "streams", "idempotency", "snapshots", "projections"}) {
    families.emplace_back(name, rocksdb::ColumnFamilyOptions{});
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto status =
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions{}, db.string(), families, &handles, &raw);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  std::uint64_t count = 0;
  std::uint64_t touched = 0;
  auto start = Clock::now();
  {
    rocksdb::ReadOptions options;
    options.readahead_size = 4 << 20;
    std::unique_ptr<rocksdb::Iterator> it{raw->NewIterator(options, handles[1])};
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++count)
      touched += static_cast<unsigned char>(it->value()[0]);
  }
  auto rate = count / std::chrono::duration<double>(Clock::now() - start).count();
  for (auto* handle : handles) raw->DestroyColumnFamilyHandle(handle);
  delete raw;
  if (touched == 1) std::puts("");  // keeps the reads
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Replay throughput against a raw scan"};
  std::uint64_t events = 1'000'000;
  std::string parent = fs::temp_directory_path().string();
  app.add_option("--events", events, "how many events the log holds");
  app.add_option("--dir", parent, "where the temporary database goes");
  CLI11_PARSE(app, argc, argv);

  std::string pattern = (fs::path{parent} / "bench-replay-XXXXXX").string();
  if (!mkdtemp(pattern.data())) return 1;
  fs::path dir = pattern;
  auto db = dir / "db";
  {
    auto store = storage::EventStore::open(db.string());
    if (!store) return 1;
    bench::write_log(**store, {events, 0.2, 200, 1'790'000'000'000});
  }
  auto raw = raw_scan_per_s(db);

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
  fs::remove_all(dir);
  return 0;
}
