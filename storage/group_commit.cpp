#include "storage/group_commit.hpp"

#include <algorithm>
#include <chrono>

#include "storage/keys.hpp"

namespace dialer::storage {
namespace {

constexpr std::size_t kVersionCacheLimit = 1 << 20;

std::string encode_answer(const AppendOutcome& outcome) {
  return keys::be64(outcome.first_seq) + keys::be64(outcome.last_seq) +
         keys::be64(outcome.stream_version);
}

bool decode_answer(std::string_view bytes, AppendOutcome& outcome) {
  outcome.status = AppendStatus::duplicate;
  return bytes.size() == 24 && keys::read_be64(bytes.substr(0, 8), outcome.first_seq) &&
         keys::read_be64(bytes.substr(8, 8), outcome.last_seq) &&
         keys::read_be64(bytes.substr(16, 8), outcome.stream_version);
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(Database& database, CommitSignal& signal,
                                     std::function<std::int64_t()> clock, Tail tail)
    : database_(database),
      signal_(signal),
      clock_(std::move(clock)),
      staged_tail_(tail),
      committed_tail_(tail) {
  syncer_ = std::thread([this] { run_syncer(); });
  notifier_ = std::thread([this] { run_notifier(); });
}

GroupCommitWriter::~GroupCommitWriter() {
  {
    Lock lock{mutex_};
    stopping_ = true;
  }
  wake_syncer_.notify_one();
  syncer_.join();
  {
    Lock lock{answers_mutex_};
    syncer_done_ = true;
  }
  wake_notifier_.notify_one();
  notifier_.join();
}

void GroupCommitWriter::submit(AppendRequest request, AppendCallback done) {
  Lock lock{mutex_};
  if (stopping_) {
    lock.unlock();
    return done(Error{ErrorCode::unavailable, "the event store is closing"});
  }
  bool was_empty = open_.empty();
  open_.answers.push_back(stage(request));
  open_.callbacks.push_back(std::move(done));
  lock.unlock();
  if (was_empty) wake_syncer_.notify_one();
}

Result<AppendOutcome> GroupCommitWriter::stage(AppendRequest& request) {
  if (!request.idempotency_key.empty()) {
    auto earlier = earlier_answer(request.idempotency_key);
    if (!earlier) return earlier.error();
    if (*earlier) return **earlier;
  }
  auto current = version_of(request.stream);
  if (!current) return current.error();
  const auto& expected = request.expected;
  bool matches = expected.kind == ExpectedVersion::Kind::any ||
                 (expected.kind == ExpectedVersion::Kind::no_stream && *current == 0) ||
                 (expected.kind == ExpectedVersion::Kind::exact && *current == expected.version);
  if (!matches) return AppendOutcome{AppendStatus::conflict, 0, 0, *current, 0};

  auto& tail = staged_tail_;
  tail.recorded_at_ms = std::max(tail.recorded_at_ms, clock_());
  AppendOutcome outcome{AppendStatus::appended, tail.seq + 1, 0, *current, tail.recorded_at_ms};
  for (auto& event : request.events) {
    events::Envelope envelope;
    envelope.seq = ++tail.seq;
    envelope.stream = request.stream;
    envelope.stream_version = ++outcome.stream_version;
    envelope.type = std::move(event.type);
    envelope.schema = event.schema;
    envelope.recorded_at_ms = tail.recorded_at_ms;
    envelope.causation_id = std::move(event.causation_id);
    envelope.correlation_id = std::move(event.correlation_id);
    envelope.payload = std::move(event.payload);
    envelope.prev_hash = tail.hash;
    auto stored = events::seal_envelope(envelope);
    tail.hash = envelope.hash;
    auto seq_key = keys::be64(envelope.seq);
    open_.writes.Put(database_.log, seq_key, stored);
    open_.writes.Put(database_.streams, keys::stream_key(request.stream, envelope.stream_version),
                     seq_key);
  }
  outcome.last_seq = tail.seq;
  open_.events += request.events.size();
  open_.tail = tail;
  open_.versions[request.stream] = outcome.stream_version;
  if (!request.idempotency_key.empty()) {
    open_.writes.Put(database_.idempotency, request.idempotency_key, encode_answer(outcome));
    auto duplicate = outcome;
    duplicate.status = AppendStatus::duplicate;
    open_.keys[request.idempotency_key] = duplicate;
  }
  return outcome;
}

void GroupCommitWriter::run_syncer() {
  for (;;) {
    {
      Lock lock{mutex_};
      wake_syncer_.wait(lock.native(),
                        [this]() REQUIRES(mutex_) { return stopping_ || !open_.empty(); });
      if (open_.empty()) return;  // stopping, and nothing left to commit
      std::swap(in_flight_, open_);
    }
    write(in_flight_);
    Lock lock{mutex_};
    in_flight_.clear();
  }
}

void GroupCommitWriter::run_notifier() {
  std::vector<Answers> ready;
  for (;;) {
    {
      Lock lock{answers_mutex_};
      wake_notifier_.wait(lock.native(), [this]() REQUIRES(answers_mutex_) {
        return syncer_done_ || !to_answer_.empty();
      });
      if (to_answer_.empty()) return;  // the syncer is gone and everything is answered
      ready.swap(to_answer_);
    }
    for (auto& batch : ready) {
      for (std::size_t i = 0; i < batch.callbacks.size(); ++i) {
        batch.callbacks[i](std::move(batch.answers[i]));
      }
    }
    ready.clear();
  }
}

void GroupCommitWriter::answer(std::vector<AppendCallback> callbacks,
                               std::vector<Result<AppendOutcome>> answers) {
  requests_.fetch_add(callbacks.size(), std::memory_order_relaxed);
  {
    Lock lock{answers_mutex_};
    to_answer_.push_back({std::move(callbacks), std::move(answers)});
  }
  wake_notifier_.notify_one();
}

void GroupCommitWriter::write(Batch& batch) {
  if (batch.writes.Count() > 0) {
    rocksdb::WriteOptions options;
    options.sync = true;
    auto began = std::chrono::steady_clock::now();
    auto status = database_.db->Write(options, &batch.writes);
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - began);
    if (!status.ok()) {
      // Nothing of this batch is durable, and the open batch was staged on top of it:
      // both fail, and staging starts again from the last durable event.
      auto error = io_error(status, "append failed");
      database_.health->failed(error.message, disk_full(status), clock_());
      Batch doomed;
      {
        Lock lock{mutex_};
        std::swap(doomed, open_);
        staged_tail_ = committed_tail_;
      }
      for (auto* failed : {&batch, &doomed}) {
        std::vector<Result<AppendOutcome>> errors(failed->callbacks.size(), error);
        answer(std::move(failed->callbacks), std::move(errors));
      }
      return;
    }
    database_.health->recovered();
    {
      Lock lock{mutex_};
      committed_tail_ = batch.tail;
      if (version_cache_.size() + batch.versions.size() > kVersionCacheLimit) {
        version_cache_.clear();
      }
      for (auto& [stream, version] : batch.versions) version_cache_[stream] = version;
    }
    sync_times_.record(took);
    batches_.fetch_add(1, std::memory_order_relaxed);
    events_.fetch_add(batch.events, std::memory_order_relaxed);
    signal_.publish(batch.tail.seq);
  }
  bool next_batch_waiting = false;
  {
    Lock lock{mutex_};
    next_batch_waiting = !open_.empty();
  }
  // With a batch already waiting, waking these appenders is handed to the notifier so that
  // it overlaps with the next write; otherwise answering here saves them a thread hop.
  if (next_batch_waiting) return answer(std::move(batch.callbacks), std::move(batch.answers));
  requests_.fetch_add(batch.callbacks.size(), std::memory_order_relaxed);
  for (std::size_t i = 0; i < batch.callbacks.size(); ++i) {
    batch.callbacks[i](std::move(batch.answers[i]));
  }
}

AppendStats GroupCommitWriter::stats() const {
  return {batches_.load(std::memory_order_relaxed),
          requests_.load(std::memory_order_relaxed),
          events_.load(std::memory_order_relaxed),
          sync_times_.percentile(0.50),
          sync_times_.percentile(0.99),
          sync_times_.longest(),
          sync_times_.cumulative(AppendStats::kSyncBounds),
          sync_times_.count(),
          sync_times_.sum()};
}

Result<std::uint64_t> GroupCommitWriter::version_of(const std::string& stream) {
  for (const auto* batch : {&open_, &in_flight_}) {
    if (auto staged = batch->versions.find(stream); staged != batch->versions.end()) {
      return staged->second;
    }
  }
  if (auto cached = version_cache_.find(stream); cached != version_cache_.end()) {
    return cached->second;
  }
  std::unique_ptr<rocksdb::Iterator> it{
      database_.db->NewIterator(rocksdb::ReadOptions{}, database_.streams)};
  it->SeekForPrev(keys::stream_key(stream, UINT64_MAX));
  if (!it->status().ok()) return io_error(it->status(), "reading the stream index");
  std::uint64_t version = 0;
  auto prefix = keys::stream_prefix(stream);
  if (it->Valid() && it->key().starts_with(prefix)) {
    keys::read_be64(std::string_view{it->key().data(), it->key().size()}.substr(prefix.size()),
                    version);
  }
  return version;
}

Result<std::optional<AppendOutcome>> GroupCommitWriter::earlier_answer(const std::string& key) {
  for (const auto* batch : {&open_, &in_flight_}) {
    if (auto staged = batch->keys.find(key); staged != batch->keys.end()) {
      return std::optional<AppendOutcome>{staged->second};
    }
  }
  std::string stored;
  auto status = database_.db->Get(rocksdb::ReadOptions{}, database_.idempotency, key, &stored);
  if (status.IsNotFound()) return std::optional<AppendOutcome>{};
  if (!status.ok()) return io_error(status, "reading the idempotency index");
  AppendOutcome outcome;
  if (!decode_answer(stored, outcome)) {
    return Error{ErrorCode::corrupt_data, "idempotency record for " + key + " is malformed"};
  }
  return std::optional<AppendOutcome>{outcome};
}

}  // namespace dialer::storage
