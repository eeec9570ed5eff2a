#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/codec.hpp"
#include "events/envelope.hpp"
#include "events/result.hpp"
#include "storage/backup.hpp"
#include "storage/database.hpp"

namespace dialer::storage {

using events::Envelope;

// What the writer believes a stream's version to be; a mismatch is a conflict.
struct ExpectedVersion {
  enum class Kind { any, no_stream, exact };
  Kind kind = Kind::any;
  std::uint64_t version = 0;

  static ExpectedVersion any() { return {Kind::any, 0}; }
  static ExpectedVersion no_stream() { return {Kind::no_stream, 0}; }
  static ExpectedVersion exact(std::uint64_t version) { return {Kind::exact, version}; }
};

struct NewEvent {
  std::string type;
  std::uint32_t schema = 0;
  std::string payload;
  std::string causation_id;
  std::string correlation_id;

  static NewEvent from(const events::Event& event, std::string causation_id = {},
                       std::string correlation_id = {});
};

struct AppendRequest {
  std::string stream;
  ExpectedVersion expected;
  std::vector<NewEvent> events;
  std::string idempotency_key;  // empty: none
};

enum class AppendStatus {
  appended,   // durable now
  duplicate,  // the idempotency key was used before: nothing written, the first answer given
  conflict,   // the stream is not at the expected version: nothing written
};

struct AppendOutcome {
  AppendStatus status = AppendStatus::appended;
  std::uint64_t first_seq = 0;       // appended and duplicate
  std::uint64_t last_seq = 0;        // appended and duplicate
  std::uint64_t stream_version = 0;  // after the append; for a conflict, the actual version
  std::int64_t recorded_at_ms = 0;   // the events' recorded-at time (appended only)
};

using AppendCallback = std::function<void(Result<AppendOutcome>)>;

struct Snapshot {
  std::uint64_t version = 0;  // the last stream version the state covers
  std::string state;
};

// Changes to a projection's state, committed together with its checkpoint.
struct ProjectionChanges {
  std::vector<std::pair<std::string, std::string>> puts;
  std::vector<std::string> deletes;
};

struct VerifyReport {
  bool ok = true;
  std::uint64_t events_checked = 0;
  std::uint64_t first_bad_seq = 0;  // 0 when ok
  std::string problem;
};

// Counters of the writer since the store was opened.
struct AppendStats {
  std::uint64_t batches = 0;   // synced WriteBatches
  std::uint64_t requests = 0;  // append requests answered
  std::uint64_t events = 0;    // events written
  // How long a synced WriteBatch took, its write and its fsync: what the disk costs every
  // append, and what an append waits for once more when it arrives during one.
  std::chrono::microseconds sync_p50{0};
  std::chrono::microseconds sync_p99{0};
  std::chrono::microseconds sync_longest{0};
  // The same as a histogram: how many took at most each of kSyncBounds, their count and sum.
  static inline const std::vector<std::chrono::microseconds> kSyncBounds{
      std::chrono::microseconds{250},   std::chrono::microseconds{500},
      std::chrono::microseconds{1000},  std::chrono::microseconds{2500},
      std::chrono::microseconds{5000},  std::chrono::microseconds{10000},
      std::chrono::microseconds{25000}, std::chrono::microseconds{50000}};
  std::vector<std::uint64_t> sync_at_most;
  std::uint64_t sync_count = 0;
  std::chrono::microseconds sync_sum{0};
};

struct OpenOptions {
  OpenMode mode = OpenMode::read_write;
  std::string secondary_path;              // for OpenMode::secondary
  std::function<std::int64_t()> clock_ms;  // recorded-at time; the system clock if empty
  rocksdb::Env* env = nullptr;             // RocksDB's default if null (tests inject faults)
  // The write-ahead log's bound (Database::kDefaultMaxWalBytes); 0 leaves RocksDB's own.
  std::uint64_t max_wal_bytes = Database::kDefaultMaxWalBytes;
};

class Subscription;
class GroupCommitWriter;
struct CommitSignal;

// The append-only event log. Appends from any thread are grouped into one synced
// WriteBatch per fsync; an append is answered only once its batch is durable.
class EventStore {
 public:
  static Result<std::unique_ptr<EventStore>> open(const std::string& path,
                                                  OpenOptions options = {});
  ~EventStore();
  EventStore(const EventStore&) = delete;
  EventStore& operator=(const EventStore&) = delete;

  // Blocks until durable (or refused).
  Result<AppendOutcome> append(AppendRequest request);
  // Answers on the writer thread once durable; the callback must not block.
  void append_async(AppendRequest request, AppendCallback done);

  Result<std::vector<Envelope>> read_stream(std::string_view stream, std::uint64_t from_version = 1,
                                            std::size_t max_count = SIZE_MAX) const;
  Result<std::vector<Envelope>> read_log(std::uint64_t from_seq, std::size_t max_count) const;
  // Visits the log from `from_seq` in order until `visit` returns false.
  Status scan_log(std::uint64_t from_seq, const std::function<bool(const Envelope&)>& visit) const;
  // The same without copying: each view is valid only during its call.
  Status scan_log_views(std::uint64_t from_seq,
                        const std::function<bool(const events::EnvelopeView&)>& visit) const;
  std::uint64_t last_seq() const;
  AppendStats append_stats() const;
  // Why writes fail now (a full disk), or nothing while they succeed.
  std::optional<WriteProblem> write_problem() const;
  Result<std::uint64_t> stream_version(std::string_view stream) const;

  // Delivers every event after `after_seq`, then each new commit, in order, on a thread of
  // its own, without polling. Destroy subscriptions before the store.
  std::unique_ptr<Subscription> subscribe(std::uint64_t after_seq,
                                          std::function<void(const std::vector<Envelope>&)> deliver,
                                          std::function<void(const Error&)> failed = {});

  Status save_snapshot(std::string_view stream, std::uint64_t version, std::string_view state);
  Result<std::optional<Snapshot>> load_snapshot(std::string_view stream) const;

  // Writes `changes` and the consumer's checkpoint in one atomic batch.
  Status commit_projection(std::string_view consumer, std::uint64_t checkpoint,
                           const ProjectionChanges& changes);
  Result<std::uint64_t> checkpoint(std::string_view consumer) const;  // 0 when none
  Result<std::optional<std::string>> projection_get(std::string_view consumer,
                                                    std::string_view key) const;
  // Visits the consumer's keys from `from_key` on, in key order, until `visit` returns false.
  Status projection_scan(
      std::string_view consumer, std::string_view from_key,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const;
  // Drops a projection's state and checkpoint, for a rebuild from zero.
  Status reset_projection(std::string_view consumer);

  // Walks the whole log: sequence continuity, stream index, hash chain.
  VerifyReport verify() const;

  // A consistent, incremental backup into `dir` while the store is written, keeping the
  // newest `keep` (0: all); see backup.hpp.
  Result<BackupInfo> backup(const std::string& dir, std::size_t keep);

  // For a secondary: take in what the writer has committed since.
  Status catch_up();

  OpenMode mode() const { return database_->mode; }
  // Whether it was asked to write but had to open read-only (a full disk at start).
  bool started_read_only() const { return started_read_only_; }

 private:
  EventStore() = default;
  Status sweep(std::uint64_t from_seq, bool fill_cache,
               const std::function<bool(const events::EnvelopeView&)>& visit) const;

  std::unique_ptr<Database> database_;
  std::shared_ptr<CommitSignal> signal_;
  std::unique_ptr<GroupCommitWriter> writer_;
  bool started_read_only_ = false;
};

class Subscription {
 public:
  Subscription(const EventStore& store, std::shared_ptr<CommitSignal> signal,
               std::uint64_t after_seq, std::function<void(const std::vector<Envelope>&)> deliver,
               std::function<void(const Error&)> failed);
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  std::uint64_t position() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace dialer::storage
