#include "storage/event_store.hpp"

#include <rocksdb/db.h>

#include <barrier>
#include <catch2/catch.hpp>
#include <filesystem>
#include <thread>

#include "events/codec.hpp"
#include "storage/keys.hpp"
#include "support/eventually.hpp"
#include "support/raw_log.hpp"
#include "support/temp_dir.hpp"
#include "support/waiter.hpp"

using namespace dialer;
using namespace dialer::storage;

namespace {

std::unique_ptr<EventStore> open_store(const std::string& path, OpenOptions options = {}) {
  auto store = EventStore::open(path, std::move(options));
  REQUIRE(store.ok());
  return std::move(store).value();
}

AppendRequest paused(const std::string& stream, ExpectedVersion expected, std::string reason,
                     std::string key = {}) {
  return {
      stream, expected, {NewEvent::from(events::AgentPaused{std::move(reason)})}, std::move(key)};
}

std::string reason_of(const Envelope& envelope) {
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  REQUIRE(event.ok());
  return std::get<events::AgentPaused>(*event).reason;
}

}  // namespace

TEST_CASE("appends are numbered globally and per stream, and read back in order") {
  testing::TempDir dir;
  auto store = open_store(dir.sub("db"), {OpenMode::read_write, {}, [] { return 1790000000000; }});

  auto first = store->append(paused("agent-1", ExpectedVersion::no_stream(), "a"));
  REQUIRE(first.ok());
  CHECK(first->status == AppendStatus::appended);
  CHECK(first->first_seq == 1);
  CHECK(first->stream_version == 1);

  AppendRequest two{"agent-2",
                    ExpectedVersion::any(),
                    {NewEvent::from(events::AgentPaused{"b"}),
                     NewEvent::from(events::AgentPaused{"c"}, "cause-1", "corr-1")},
                    {}};
  auto second = store->append(two);
  REQUIRE(second.ok());
  CHECK(second->first_seq == 2);
  CHECK(second->last_seq == 3);
  CHECK(second->stream_version == 2);
  CHECK(store->append(paused("agent-1", ExpectedVersion::exact(1), "d"))->last_seq == 4);

  auto agent1 = store->read_stream("agent-1");
  REQUIRE(agent1.ok());
  REQUIRE(agent1->size() == 2);
  CHECK(reason_of((*agent1)[0]) == "a");
  CHECK(reason_of((*agent1)[1]) == "d");
  CHECK((*agent1)[1].seq == 4);
  CHECK((*agent1)[1].stream_version == 2);
  CHECK((*agent1)[1].recorded_at_ms == 1790000000000);

  auto tail = store->read_stream("agent-2", 2);
  REQUIRE(tail->size() == 1);
  CHECK(reason_of((*tail)[0]) == "c");
  CHECK((*tail)[0].causation_id == "cause-1");
  CHECK((*tail)[0].correlation_id == "corr-1");

  // A stream whose id is a prefix of another's is its own stream.
  CHECK(store->read_stream("agent-")->empty());
  CHECK(*store->stream_version("agent-2") == 2);
  CHECK(*store->stream_version("agent-9") == 0);

  auto log = store->read_log(2, 10);
  REQUIRE(log->size() == 3);
  CHECK((*log)[0].seq == 2);
  CHECK((*log)[1].prev_hash == (*log)[0].hash);
  CHECK(store->last_seq() == 4);
}

TEST_CASE("an append against the wrong version is a conflict and writes nothing") {
  testing::TempDir dir;
  auto store = open_store(dir.sub("db"));
  REQUIRE(store->append(paused("agent-1", ExpectedVersion::no_stream(), "a"))->status ==
          AppendStatus::appended);

  auto stale = store->append(paused("agent-1", ExpectedVersion::exact(0), "b"));
  REQUIRE(stale.ok());
  CHECK(stale->status == AppendStatus::conflict);
  CHECK(stale->stream_version == 1);
  auto exists = store->append(paused("agent-1", ExpectedVersion::no_stream(), "c"));
  CHECK(exists->status == AppendStatus::conflict);
  CHECK(store->last_seq() == 1);
  CHECK(store->read_stream("agent-1")->size() == 1);
}

TEST_CASE("bad append requests are refused before they reach the log") {
  testing::TempDir dir;
  auto store = open_store(dir.sub("db"));
  auto no_events = store->append({"agent-1", ExpectedVersion::any(), {}, {}});
  REQUIRE_FALSE(no_events.ok());
  CHECK(no_events.error().code == ErrorCode::invalid_argument);
  auto bad_stream = store->append(paused(std::string("a\0b", 3), ExpectedVersion::any(), "x"));
  REQUIRE_FALSE(bad_stream.ok());
  CHECK(bad_stream.error().field == "stream");
  CHECK(store->last_seq() == 0);
}

TEST_CASE("two appenders racing on one stream with the same expected version: one wins") {
  testing::TempDir dir;
  auto store = open_store(dir.sub("db"));
  constexpr int kRounds = 200;
  std::barrier start{2};
  std::array<std::vector<AppendStatus>, 2> statuses;
  auto racer = [&](int who) {
    for (int round = 0; round < kRounds; ++round) {
      start.arrive_and_wait();
      auto outcome = store->append(
          paused("agent-race", ExpectedVersion::exact(round), "racer " + std::to_string(who)));
      REQUIRE(outcome.ok());
      statuses[who].push_back(outcome->status);
    }
  };
  std::thread a{racer, 0};
  std::thread b{racer, 1};
  a.join();
  b.join();
  for (int round = 0; round < kRounds; ++round) {
    INFO("round " << round);
    auto winners = (statuses[0][round] == AppendStatus::appended) +
                   (statuses[1][round] == AppendStatus::appended);
    CHECK(winners == 1);
  }
  CHECK(*store->stream_version("agent-race") == kRounds);
  CHECK(store->verify().ok);
}

TEST_CASE("the same idempotency key twice stores one event and answers duplicate") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  {
    auto store = open_store(path);
    store->append(paused("agent-0", ExpectedVersion::any(), "before")).value();
    auto first = store->append(paused("agent-1", ExpectedVersion::any(), "a", "webhook:abc"));
    REQUIRE(first->status == AppendStatus::appended);
    auto again = store->append(paused("agent-1", ExpectedVersion::any(), "a", "webhook:abc"));
    REQUIRE(again.ok());
    CHECK(again->status == AppendStatus::duplicate);
    CHECK(again->first_seq == first->first_seq);
    CHECK(again->last_seq == first->last_seq);
    CHECK(again->stream_version == 1);
    CHECK(store->last_seq() == 2);
  }
  // The key outlives the process.
  auto store = open_store(path);
  auto later = store->append(paused("agent-1", ExpectedVersion::any(), "a", "webhook:abc"));
  CHECK(later->status == AppendStatus::duplicate);
  CHECK(later->first_seq == 2);
  CHECK(store->last_seq() == 2);
}

TEST_CASE("concurrent appends with one idempotency key write it once") {
  testing::TempDir dir;
  auto store = open_store(dir.sub("db"));
  testing::Waiter<std::vector<AppendOutcome>> answers;
  constexpr int kCopies = 16;
  for (int i = 0; i < kCopies; ++i) {
    store->append_async(paused("webhooks", ExpectedVersion::any(), "same", "delivery-1"),
                        [&](Result<AppendOutcome> outcome) {
                          REQUIRE(outcome.ok());
                          answers.update([&](auto& all) { all.push_back(*outcome); });
                        });
  }
  REQUIRE(answers.wait_for([](const auto& all) { return all.size() == kCopies; }));
  int appended = 0;
  for (const auto& answer : answers.snapshot()) {
    appended += answer.status == AppendStatus::appended;
    CHECK(answer.first_seq == 1);
  }
  CHECK(appended == 1);
  CHECK(store->last_seq() == 1);
}

TEST_CASE("a subscription delivers history, then each new commit, in order") {
  testing::TempDir dir;
  auto store = open_store(dir.sub("db"));
  for (int i = 0; i < 5; ++i) {
    store->append(paused("agent-" + std::to_string(i), ExpectedVersion::any(), "old")).value();
  }
  testing::Waiter<std::vector<std::uint64_t>> seen;
  auto subscription = store->subscribe(2, [&](const std::vector<Envelope>& batch) {
    seen.update([&](auto& seqs) {
      for (const auto& envelope : batch) seqs.push_back(envelope.seq);
    });
  });
  REQUIRE(seen.wait_for([](const auto& seqs) { return seqs.size() == 3; }));
  for (int i = 0; i < 1000; ++i) {
    store->append_async(paused("agent-x", ExpectedVersion::any(), "new"), [](auto) {});
  }
  REQUIRE(seen.wait_for([](const auto& seqs) { return seqs.size() == 1003; }));
  auto seqs = seen.snapshot();
  for (std::size_t i = 0; i < seqs.size(); ++i) CHECK(seqs[i] == i + 3);
  // The position moves once a delivery has returned.
  CHECK(testing::eventually([&] { return subscription->position() == 1005; }));
}

TEST_CASE("snapshots keep the latest state and the version it covers") {
  testing::TempDir dir;
  auto store = open_store(dir.sub("db"));
  CHECK_FALSE(store->load_snapshot("agent-1")->has_value());
  REQUIRE(store->save_snapshot("agent-1", 3, "state-at-3").ok());
  REQUIRE(store->save_snapshot("agent-1", 7, std::string("state\0at-7", 10)).ok());
  auto snapshot = store->load_snapshot("agent-1");
  REQUIRE(snapshot->has_value());
  CHECK((*snapshot)->version == 7);
  CHECK((*snapshot)->state == std::string("state\0at-7", 10));
}

TEST_CASE("a projection's state and checkpoint are committed together") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  {
    auto store = open_store(path);
    CHECK(*store->checkpoint("stats") == 0);
    REQUIRE(store->commit_projection("stats", 10, {{{"agent-1", "3"}, {"agent-2", "1"}}, {}}).ok());
    REQUIRE(store->commit_projection("stats", 12, {{{"agent-3", "9"}}, {"agent-2"}}).ok());
    REQUIRE(store->commit_projection("history", 4, {{{"agent-1", "other"}}, {}}).ok());
  }
  auto store = open_store(path);
  CHECK(*store->checkpoint("stats") == 12);
  CHECK(*store->checkpoint("history") == 4);
  CHECK(store->projection_get("stats", "agent-1")->value() == "3");
  CHECK_FALSE(store->projection_get("stats", "agent-2")->has_value());

  std::vector<std::string> keys;
  REQUIRE(store
              ->projection_scan("stats", "",
                                [&](std::string_view key, std::string_view) {
                                  keys.emplace_back(key);
                                  return true;
                                })
              .ok());
  CHECK(keys == std::vector<std::string>{"agent-1", "agent-3"});

  REQUIRE(store->reset_projection("stats").ok());
  CHECK(*store->checkpoint("stats") == 0);
  CHECK_FALSE(store->projection_get("stats", "agent-1")->has_value());
  CHECK(*store->checkpoint("history") == 4);

  auto empty_key = store->commit_projection("stats", 13, {{{"", "x"}}, {}});
  REQUIRE_FALSE(empty_key.ok());
  CHECK(*store->checkpoint("stats") == 0);
}

TEST_CASE("verify passes on a healthy log and names the sequence number of a flipped byte") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  {
    auto store = open_store(path);
    for (int i = 0; i < 50; ++i) {
      auto stream = "agent-" + std::to_string(i % 7);
      store->append(paused(stream, ExpectedVersion::any(), std::to_string(i))).value();
    }
    auto report = store->verify();
    CHECK(report.ok);
    CHECK(report.events_checked == 50);
  }
  testing::damage_logged_event(path, 23);
  auto store = open_store(path);
  auto report = store->verify();
  CHECK_FALSE(report.ok);
  CHECK(report.first_bad_seq == 23);
  CHECK(report.events_checked == 22);
}

TEST_CASE("a read-only store reads and refuses to write") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  open_store(path)->append(paused("agent-1", ExpectedVersion::any(), "a")).value();
  auto reader = open_store(path, {OpenMode::read_only, {}, {}});
  CHECK(reader->last_seq() == 1);
  auto write = reader->append(paused("agent-1", ExpectedVersion::any(), "b"));
  REQUIRE_FALSE(write.ok());
  CHECK(write.error().code == ErrorCode::unavailable);
  CHECK_FALSE(reader->save_snapshot("agent-1", 1, "x").ok());
}

TEST_CASE("opening a missing store for reading is a clear error, and creates nothing") {
  testing::TempDir dir;
  auto missing = EventStore::open(dir.sub("nowhere"), {OpenMode::read_only, {}, {}});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
  CHECK_FALSE(std::filesystem::exists(dir.sub("nowhere")));
}

namespace {

// The bytes of the write-ahead log files in a database folder.
std::uint64_t wal_bytes(const std::string& path) {
  std::uint64_t total = 0;
  std::error_code gone;  // RocksDB deletes old files as the test lists them
  for (const auto& entry : std::filesystem::directory_iterator{path, gone}) {
    if (entry.path().extension() != ".log") continue;
    auto size = std::filesystem::file_size(entry.path(), gone);
    if (!gone) total += size;
  }
  return total;
}

// Writes 24 MiB steadily, with a write to a quiet stream now and then (as the idempotency
// keys and the snapshots are), and answers the largest the log's files grew.
std::uint64_t largest_wal_while_writing(const std::string& path, std::uint64_t max_wal_bytes) {
  OpenOptions options;
  options.max_wal_bytes = max_wal_bytes;
  auto store = open_store(path, options);
  std::uint64_t largest = 0;
  std::string reason(2048, 'r');
  for (int batch = 0; batch < 120; ++batch) {
    AppendRequest request{"agent-" + std::to_string(batch % 7), ExpectedVersion::any(), {}, {}};
    for (int i = 0; i < 100; ++i)
      request.events.push_back(NewEvent::from(events::AgentPaused{reason}));
    if (batch % 10 == 0) request.idempotency_key = "quiet-" + std::to_string(batch);
    REQUIRE(store->append(std::move(request)).ok());
    largest = std::max(largest, wal_bytes(path));
  }
  return largest;
}

}  // namespace

TEST_CASE("the write-ahead log stays within its bound while writes go on") {
  testing::TempDir dir;
  constexpr std::uint64_t kBound = 2 << 20;
  auto bounded = largest_wal_while_writing(dir.sub("bounded"), kBound);
  // RocksDB's own bound, for comparison: nothing is flushed, every byte stays in the log.
  auto unbounded = largest_wal_while_writing(dir.sub("unbounded"), 0);
  INFO("largest log files: bounded " << bounded << " bytes, RocksDB's default " << unbounded);
  CHECK(unbounded > 20u << 20);
  // A new log file is started, and the old ones flushed and dropped, once the bound is passed:
  // the files hold the bound and what is written while the flush runs.
  CHECK(bounded < 4 * kBound);
}

TEST_CASE("a backup taken while appends go on holds every append acknowledged before it") {
  testing::TempDir dir;
  auto store = open_store(dir.sub("db"));
  for (int i = 0; i < 200; ++i)
    REQUIRE(store->append(paused("agent-a", ExpectedVersion::any(), "r")).ok());
  std::atomic<bool> writing{true};
  std::thread writer{[&] {
    while (writing) (void)store->append(paused("agent-b", ExpectedVersion::any(), "w"));
  }};
  auto first = store->backup(dir.sub("backups"), 2);
  auto second = store->backup(dir.sub("backups"), 2);
  auto third = store->backup(dir.sub("backups"), 2);
  writing = false;
  writer.join();
  REQUIRE(first.ok());
  REQUIRE(third.ok());
  CHECK(first->last_seq >= 200);
  CHECK(third->last_seq >= first->last_seq);

  // Two kept, the oldest dropped; each restores whole, with every event up to its lastSeq.
  auto kept = list_backups(dir.sub("backups"));
  REQUIRE(kept.ok());
  REQUIRE(kept->size() == 2);
  CHECK(kept->front().id == second->id);
  CHECK(kept->back().id == third->id);
  auto restored = restore_backup(dir.sub("backups"), second->id, dir.sub("restored"));
  REQUIRE(restored.ok());
  CHECK(restored->id == second->id);
  {
    OpenOptions read_only;
    read_only.mode = OpenMode::read_only;
    auto copy = open_store(dir.sub("restored"), read_only);
    CHECK(copy->last_seq() >= second->last_seq);
    CHECK(copy->verify().ok);
    auto events = copy->read_log(1, second->last_seq);
    REQUIRE(events.ok());
    CHECK(events->size() == second->last_seq);
  }
  // A restore never writes over a database.
  auto again = restore_backup(dir.sub("backups"), std::nullopt, dir.sub("restored"));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::conflict);
  auto missing = restore_backup(dir.sub("backups"), 999, dir.sub("other"));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::not_found);
}
