#pragma once

#include <rocksdb/write_batch.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/envelope.hpp"
#include "storage/commit_signal.hpp"
#include "storage/database.hpp"
#include "storage/event_store.hpp"
#include "storage/latency_histogram.hpp"

namespace dialer::storage {

// The log's writer, a two-stage pipeline. Appenders stage their own requests into the
// open batch (sequence numbers, hash chain, version and idempotency checks) under a short
// lock; the syncer thread meanwhile writes the previous batch with one synced WriteBatch.
// When that write is durable it takes the open batch whole, so every request that
// arrived during an fsync shares the next one, and staging never waits on the disk.
//
// Every request, including a conflict or a duplicate, is answered only after the batch
// it was staged in (and so every batch before it) is durable: no answer depends on
// something that might still be lost. Answers are handed to a notifier thread, so that
// waking the appenders of one batch overlaps with writing the next.
class GroupCommitWriter {
 public:
  struct Tail {
    std::uint64_t seq = 0;
    events::Hash hash{};
    std::int64_t recorded_at_ms = 0;
  };

  GroupCommitWriter(Database& database, CommitSignal& signal, std::function<std::int64_t()> clock,
                    Tail tail);
  // Commits what is staged, then stops.
  ~GroupCommitWriter();

  void submit(AppendRequest request, AppendCallback done);
  AppendStats stats() const;

 private:
  struct Batch {
    rocksdb::WriteBatch writes;
    std::vector<AppendCallback> callbacks;
    std::vector<Result<AppendOutcome>> answers;
    // What this batch decided, for the requests staged after it.
    std::unordered_map<std::string, std::uint64_t> versions;
    std::unordered_map<std::string, AppendOutcome> keys;
    Tail tail;  // after the batch
    std::uint64_t events = 0;

    bool empty() const { return callbacks.empty(); }
    void clear() {
      writes.Clear();
      callbacks.clear();
      answers.clear();
      versions.clear();
      keys.clear();
      events = 0;
    }
  };
  struct Answers {
    std::vector<AppendCallback> callbacks;
    std::vector<Result<AppendOutcome>> answers;
  };

  void run_syncer();
  void run_notifier();
  void write(Batch& batch);
  void answer(std::vector<AppendCallback> callbacks, std::vector<Result<AppendOutcome>> answers);
  Result<AppendOutcome> stage(AppendRequest& request) REQUIRES(mutex_);
  Result<std::uint64_t> version_of(const std::string& stream) REQUIRES(mutex_);
  Result<std::optional<AppendOutcome>> earlier_answer(const std::string& key) REQUIRES(mutex_);

  Database& database_;
  CommitSignal& signal_;
  std::function<std::int64_t()> clock_;

  Mutex mutex_;
  std::condition_variable wake_syncer_;
  Batch open_ GUARDED_BY(mutex_);  // being staged
  // Being written: the syncer's own while it writes (swapped in and cleared under mutex_);
  // staging reads its versions and keys, which the write leaves alone, under mutex_.
  Batch in_flight_;
  Tail staged_tail_ GUARDED_BY(mutex_);
  Tail committed_tail_ GUARDED_BY(mutex_);
  // Versions of streams in committed batches; bounded, since a dialer touches millions.
  std::unordered_map<std::string, std::uint64_t> version_cache_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;

  Mutex answers_mutex_;
  std::condition_variable wake_notifier_;
  std::vector<Answers> to_answer_ GUARDED_BY(answers_mutex_);
  bool syncer_done_ GUARDED_BY(answers_mutex_) = false;

  std::atomic<std::uint64_t> batches_{0};
  std::atomic<std::uint64_t> requests_{0};
  std::atomic<std::uint64_t> events_{0};
  LatencyHistogram sync_times_;
  std::thread syncer_;
  std::thread notifier_;
};

}  // namespace dialer::storage
