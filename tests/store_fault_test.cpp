#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <set>
#include <thread>

#include "events/codec.hpp"
#include "storage/event_store.hpp"
#include "support/eventually.hpp"
#include "support/quota_fs.hpp"
#include "support/temp_dir.hpp"
#include "support/waiter.hpp"

using namespace dialer;
using namespace dialer::storage;

namespace {

using WalFile = std::unique_ptr<rocksdb::FSWritableFile>;

// A file system that hands every write-ahead-log file it opens to `wrap`, for a test to
// play a disk that misbehaves.
class WalFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit WalFileSystem(std::function<WalFile(WalFile)> wrap)
      : FileSystemWrapper(rocksdb::FileSystem::Default()), wrap_(std::move(wrap)) {}
  const char* Name() const override { return "WalFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    WalFile* file, rocksdb::IODebugContext* debug) override {
    auto status = target()->NewWritableFile(name, options, file, debug);
    if (status.ok() && name.ends_with(".log")) *file = wrap_(std::move(*file));
    return status;
  }

 private:
  std::function<WalFile(WalFile)> wrap_;
};

// Appends fail while `failing` is set, as a full or broken disk would make them.
class FailingFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FailingFile(WalFile file, std::shared_ptr<std::atomic<bool>> failing)
      : FSWritableFileOwnerWrapper(std::move(file)), failing_(std::move(failing)) {}
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* debug) override {
    if (*failing_) return rocksdb::IOStatus::IOError("injected: disk write failed");
    return FSWritableFileOwnerWrapper::Append(data, options, debug);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& info,
                           rocksdb::IODebugContext* debug) override {
    if (*failing_) return rocksdb::IOStatus::IOError("injected: disk write failed");
    return FSWritableFileOwnerWrapper::Append(data, options, info, debug);
  }

 private:
  std::shared_ptr<std::atomic<bool>> failing_;
};

// Every sync takes at least `delay`, as a slow disk's would.
class SlowSyncFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  SlowSyncFile(WalFile file, std::chrono::milliseconds delay)
      : FSWritableFileOwnerWrapper(std::move(file)), delay_(delay) {}
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                         rocksdb::IODebugContext* debug) override {
    std::this_thread::sleep_for(delay_);
    return FSWritableFileOwnerWrapper::Sync(options, debug);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                          rocksdb::IODebugContext* debug) override {
    std::this_thread::sleep_for(delay_);
    return FSWritableFileOwnerWrapper::Fsync(options, debug);
  }

 private:
  std::chrono::milliseconds delay_;
};

}  // namespace

TEST_CASE("when the disk fails, failed appends leave nothing behind and acknowledged ones stay") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  auto failing = std::make_shared<std::atomic<bool>>(false);
  auto env = rocksdb::NewCompositeEnv(std::make_shared<WalFileSystem>(
      [failing](WalFile file) { return std::make_unique<FailingFile>(std::move(file), failing); }));

  struct Answers {
    std::set<std::uint64_t> acknowledged;
    int failed = 0;
  };
  testing::Waiter<Answers> answers;
  constexpr int kAppends = 400;
  {
    auto store = EventStore::open(path, {OpenMode::read_write, {}, {}, env.get()});
    REQUIRE(store.ok());
    std::vector<std::thread> appenders;
    for (int t = 0; t < 4; ++t) {
      appenders.emplace_back([&, t] {
        for (int i = 0; i < kAppends / 4; ++i) {
          if (t == 0 && i == kAppends / 8) *failing = true;  // the disk breaks mid-stream
          (*store)->append_async({"agent-" + std::to_string(t),
                                  ExpectedVersion::any(),
                                  {NewEvent::from(events::AgentPaused{std::to_string(i)})},
                                  {}},
                                 [&](Result<AppendOutcome> outcome) {
                                   answers.update([&](Answers& a) {
                                     if (outcome) {
                                       for (auto seq = outcome->first_seq; seq <= outcome->last_seq;
                                            ++seq) {
                                         a.acknowledged.insert(seq);
                                       }
                                     } else {
                                       CHECK(outcome.error().code == ErrorCode::io_error);
                                       ++a.failed;
                                     }
                                   });
                                 });
        }
      });
    }
    for (auto& appender : appenders) appender.join();
    REQUIRE(answers.wait_for([](const Answers& a) {
      return static_cast<int>(a.acknowledged.size()) + a.failed == kAppends;
    }));
  }
  auto result = answers.snapshot();
  CHECK(result.failed > 0);

  *failing = false;
  auto store = EventStore::open(path);
  REQUIRE(store.ok());
  // Exactly the acknowledged events, numbered without gaps, chained intact.
  CHECK((*store)->last_seq() == result.acknowledged.size());
  if (!result.acknowledged.empty())
    CHECK(*result.acknowledged.rbegin() == result.acknowledged.size());
  auto report = (*store)->verify();
  CHECK(report.ok);
  auto next = (*store)->append(
      {"agent-0", ExpectedVersion::any(), {NewEvent::from(events::AgentPaused{"after"})}, {}});
  REQUIRE(next.ok());
  CHECK(next->first_seq == result.acknowledged.size() + 1);
  CHECK((*store)->verify().ok);
}

TEST_CASE("the store reports how long its synced writes take") {
  testing::TempDir dir;
  constexpr std::chrono::milliseconds kSlowSync{3};
  auto env = rocksdb::NewCompositeEnv(std::make_shared<WalFileSystem>(
      [&](WalFile file) { return std::make_unique<SlowSyncFile>(std::move(file), kSlowSync); }));
  auto store = EventStore::open(dir.sub("db"), {OpenMode::read_write, {}, {}, env.get()});
  REQUIRE(store.ok());
  CHECK((*store)->append_stats().sync_p50 == std::chrono::microseconds{0});
  for (int i = 0; i < 20; ++i) {
    REQUIRE((*store)
                ->append({"agent-1",
                          ExpectedVersion::any(),
                          {NewEvent::from(events::AgentPaused{std::to_string(i)})},
                          {}})
                .ok());
  }
  auto stats = (*store)->append_stats();
  CHECK(stats.batches == 20);
  CHECK(stats.sync_p50 >= kSlowSync);
  CHECK(stats.sync_p99 >= stats.sync_p50);
  CHECK(stats.sync_longest >= kSlowSync);
  CHECK(stats.sync_longest + std::chrono::microseconds{10} >= stats.sync_p99);
}

namespace {

// Appends one event at a time until the disk refuses; the sequence numbers acknowledged.
std::set<std::uint64_t> fill(EventStore& store, const std::string& stream, int most) {
  std::set<std::uint64_t> acknowledged;
  for (int i = 0; i < most; ++i) {
    auto outcome = store.append({stream,
                                 ExpectedVersion::any(),
                                 {NewEvent::from(events::AgentPaused{std::string(200, 'x')})},
                                 {}});
    if (!outcome) {
      CHECK(outcome.error().code == ErrorCode::unavailable);
      CHECK(outcome.error().message.starts_with("the disk is full"));
      break;
    }
    acknowledged.insert(outcome->first_seq);
  }
  return acknowledged;
}

bool holds_all(const EventStore& store, const std::set<std::uint64_t>& acknowledged) {
  auto log = store.read_log(1, SIZE_MAX);
  if (!log) return false;
  std::set<std::uint64_t> found;
  for (const auto& envelope : *log) found.insert(envelope.seq);
  return std::includes(found.begin(), found.end(), acknowledged.begin(), acknowledged.end());
}

}  // namespace

TEST_CASE("a full disk refuses writes as unavailable, reads go on, and writes resume with space") {
  testing::TempDir dir;
  testing::QuotaDisk disk{256 << 10};
  auto store = EventStore::open(dir.sub("db"), {OpenMode::read_write, {}, {}, disk.env.get()});
  REQUIRE(store.ok());
  auto acknowledged = fill(**store, "agent-1", 100'000);
  REQUIRE_FALSE(acknowledged.empty());
  auto problem = (*store)->write_problem();
  REQUIRE(problem);
  CHECK(problem->disk_full);
  CHECK(holds_all(**store, acknowledged));
  CHECK((*store)->read_stream("agent-1")->size() == acknowledged.size());

  // RocksDB recovers on its own once there is room for a memtable's flush.
  disk.fs->set_free(256 << 20);
  std::uint64_t resumed_at = 0;
  REQUIRE(testing::eventually(
      [&] {
        auto next = (*store)->append(
            {"agent-1", ExpectedVersion::any(), {NewEvent::from(events::AgentPaused{"back"})}, {}});
        if (next) resumed_at = next->first_seq;
        return next.ok();
      },
      std::chrono::seconds(60)));
  CHECK_FALSE((*store)->write_problem());
  CHECK(resumed_at == *acknowledged.rbegin() + 1);
  CHECK(holds_all(**store, acknowledged));
  CHECK((*store)->verify().ok);
}

TEST_CASE("a start on a full disk serves what is stored and says why it writes nothing") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  testing::QuotaDisk disk{256 << 10};
  std::set<std::uint64_t> acknowledged;
  {
    auto store = EventStore::open(path, {OpenMode::read_write, {}, {}, disk.env.get()});
    REQUIRE(store.ok());
    acknowledged = fill(**store, "agent-1", 100'000);
    REQUIRE((*store)->write_problem());
  }  // closed while full: the write-ahead log still holds what was acknowledged
  disk.fs->set_free(0);
  {
    auto store = EventStore::open(path, {OpenMode::read_write, {}, {}, disk.env.get()});
    REQUIRE(store.ok());
    auto problem = (*store)->write_problem();
    REQUIRE(problem);
    CHECK(problem->disk_full);
    CHECK(problem->message.find("started read-only") != std::string::npos);
    CHECK(holds_all(**store, acknowledged));
    auto refused = (*store)->append(
        {"agent-1", ExpectedVersion::any(), {NewEvent::from(events::AgentPaused{"no"})}, {}});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::unavailable);
  }
  disk.fs->set_free(256 << 20);
  auto store = EventStore::open(path, {OpenMode::read_write, {}, {}, disk.env.get()});
  REQUIRE(store.ok());
  CHECK_FALSE((*store)->write_problem());
  CHECK(holds_all(**store, acknowledged));
  CHECK((*store)->verify().ok);
  CHECK(
      (*store)
          ->append(
              {"agent-1", ExpectedVersion::any(), {NewEvent::from(events::AgentPaused{"ok"})}, {}})
          .ok());
}
