// bench-store: durable append throughput of the event store against raw RocksDB synced
// WriteBatches of the same sizes, and the rate at which the global log is read back and
// decoded. Last line: the summary for the largest appender count.

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <thread>
#include <vector>

#include "events/codec.hpp"
#include "storage/event_store.hpp"
#include "storage/keys.hpp"
#include "tools/bench_cli.hpp"

namespace fs = std::filesystem;
using namespace dialer;
using Clock = std::chrono::steady_clock;

namespace {

// A realistic queue item of about 300 bytes once encoded with its envelope.
events::Event sample_event(int appender, std::uint64_t n) {
  events::QueueItemAdded added;
  added.item_id = "7f3c9a2e-" + std::to_string(appender) + "-" + std::to_string(n);
  added.client_id = "crm-client-" + std::to_string(n);
  added.name = "Margarethe Oberhuber-Lindqvist";
  added.phone_number = "+43720880079";
  added.priority = 5;
  added.scheduled_for_ms = 1790000000000;
  added.notes = "Called back about the renewal; prefers mornings, ask for the billing contact.";
  added.metadata_json = R"({"campaign":"renewals-q4","segment":"smb","owner":"team-vienna"})";
  added.time_zone = "Europe/Vienna";
  return added;
}

struct Measured {
  double events_per_s = 0;
  std::uint64_t events = 0;
  std::size_t average_bytes = 0;
  double events_per_batch = 0;
};

enum class Model {
  threads,  // each appender an OS thread blocked in append() until its event is durable
  async,    // each appender a logical client with one append_async() outstanding at a time,
            // as actors use the store: the acknowledgement sends the next append
};

struct AsyncAppender {
  storage::EventStore* store = nullptr;
  int id = 0;
  std::uint64_t version = 0;
  std::atomic<bool>* stop = nullptr;
  std::atomic<std::uint64_t>* appended = nullptr;
  std::atomic<int>* finished = nullptr;

  void next() {
    if (stop->load(std::memory_order_relaxed)) {
      finished->fetch_add(1);
      finished->notify_all();
      return;
    }
    store->append_async({"queue-bench-" + std::to_string(id),
                         storage::ExpectedVersion::exact(version),
                         {storage::NewEvent::from(sample_event(id, version))},
                         {}},
                        [this](Result<storage::AppendOutcome> outcome) {
                          if (!outcome || outcome->status != storage::AppendStatus::appended) {
                            std::cerr << "append failed\n";
                            std::exit(1);
                          }
                          version = outcome->stream_version;
                          appended->fetch_add(1, std::memory_order_relaxed);
                          next();
                        });
  }
};

Measured measure_store(const fs::path& dir, Model model, int appenders, double seconds) {
  auto store = storage::EventStore::open(dir.string());
  if (!store) throw std::runtime_error(store.error().message);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> appended{0};
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  std::vector<AsyncAppender> clients(appenders);
  auto start = Clock::now();
  for (int a = 0; a < appenders; ++a) {
    if (model == Model::async) {
      clients[a] = {store->get(), a, 0, &stop, &appended, &finished};
      clients[a].next();
      continue;
    }
    threads.emplace_back([&, a] {
      std::uint64_t version = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        storage::AppendRequest request{"queue-bench-" + std::to_string(a),
                                       storage::ExpectedVersion::exact(version),
                                       {storage::NewEvent::from(sample_event(a, version))},
                                       {}};
        auto outcome = (*store)->append(std::move(request));
        if (!outcome || outcome->status != storage::AppendStatus::appended) {
          std::cerr << "append failed\n";
          std::exit(1);
        }
        version = outcome->stream_version;
        appended.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& thread : threads) thread.join();
  if (model == Model::async) {
    for (int done = finished.load(); done < appenders; done = finished.load()) finished.wait(done);
  }
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  auto stats = (*store)->append_stats();

  std::size_t bytes = 0;
  auto sample = (*store)->read_log(1, 1000);
  for (auto envelope : *sample) bytes += events::seal_envelope(envelope).size();
  return {appended.load() / elapsed, appended.load(),
          sample->empty() ? 300 : bytes / sample->size(),
          stats.batches ? static_cast<double>(stats.events) / stats.batches : 0};
}

// The floor the store is measured against: one thread writing synced batches of
// `batch_size` values of `value_bytes`, with nothing else to do.
double measure_raw(const fs::path& dir, int batch_size, std::size_t value_bytes, double seconds) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.IncreaseParallelism(2);
  rocksdb::DB* raw = nullptr;
  auto status = rocksdb::DB::Open(options, dir.string(), &raw);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  std::unique_ptr<rocksdb::DB> db{raw};
  std::string value(value_bytes, 'x');
  rocksdb::WriteOptions sync;
  sync.sync = true;
  std::uint64_t seq = 0;
  auto start = Clock::now();
  auto deadline = start + std::chrono::duration<double>(seconds);
  while (Clock::now() < deadline) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < batch_size; ++i) {
      value[0] = static_cast<char>(seq);
      batch.Put(storage::keys::be64(++seq), value);
    }
    if (!db->Write(sync, &batch).ok()) throw std::runtime_error("raw write failed");
  }
  return seq / std::chrono::duration<double>(Clock::now() - start).count();
}

double measure_read(const fs::path& dir, std::uint64_t& count) {
  auto store = storage::EventStore::open(dir.string(), {storage::OpenMode::read_only, {}, {}});
  if (!store) throw std::runtime_error(store.error().message);
  count = 0;
  auto start = Clock::now();
  auto status = (*store)->scan_log(1, [&](const events::Envelope& envelope) {
    auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
    if (!event) throw std::runtime_error(event.error().message);
    ++count;
    return true;
  });
  if (!status) throw std::runtime_error(status.error().message);
  return count / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  bench::BenchCli cli{"bench-store", "event store append and read throughput"};
  double seconds = 3.0;
  std::vector<int> appender_counts{1, 16, 64};
  cli.app.add_option("--seconds", seconds, "how long each measurement runs");
  cli.app.add_option("--appenders", appender_counts, "appender counts to measure");
  CLI11_PARSE(cli.app, argc, argv);

  std::string summary;
  for (int appenders : appender_counts) {
    auto raw_dir = cli.scratch();
    Measured by_model[2];
    double read_rate = 0;
    std::uint64_t read_count = 0;
    for (auto model : {Model::threads, Model::async}) {
      auto store_dir = cli.scratch();
      by_model[static_cast<int>(model)] = measure_store(store_dir, model, appenders, seconds);
      if (model == Model::async) read_rate = measure_read(store_dir, read_count);
      fs::remove_all(store_dir);
    }
    const auto& threads = by_model[static_cast<int>(Model::threads)];
    const auto& async = by_model[static_cast<int>(Model::async)];
    auto raw = measure_raw(raw_dir, appenders, async.average_bytes, seconds);
    fs::remove_all(raw_dir);
    std::printf(
        "appenders=%d  raw synced batches of %d: %.0f events/s\n"
        "  async appenders (as actors append): %.0f events/s, %.1f per batch, ratio=%.2f\n"
        "  blocking threads:                   %.0f events/s, %.1f per batch, ratio=%.2f\n"
        "  read+decode: %.0f events/s over %llu events of %zu bytes\n",
        appenders, appenders, raw, async.events_per_s, async.events_per_batch,
        async.events_per_s / raw, threads.events_per_s, threads.events_per_batch,
        threads.events_per_s / raw, read_rate, static_cast<unsigned long long>(read_count),
        async.average_bytes);
    std::fflush(stdout);
    char line[320];
    std::snprintf(line, sizeof line,
                  "bench-store appenders=%d events_per_s=%.0f raw_events_per_s=%.0f ratio=%.2f "
                  "threads_events_per_s=%.0f threads_ratio=%.2f read_events_per_s=%.0f",
                  appenders, async.events_per_s, raw, async.events_per_s / raw,
                  threads.events_per_s, threads.events_per_s / raw, read_rate);
    summary = line;
  }
  std::puts(summary.c_str());
  return 0;
}
