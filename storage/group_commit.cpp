#include "storage/group_commit.hpp"

#include <rocksdb/write_batch.h>

#include <algorithm>

#include "storage/keys.hpp"

namespace dialer::storage {
namespace {

constexpr std::size_t kMaxRequestsPerBatch = 4096;
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
    : database_(database), signal_(signal), clock_(std::move(clock)), tail_(tail) {
  thread_ = std::thread([this] { run(); });
}

GroupCommitWriter::~GroupCommitWriter() {
  {
    std::lock_guard lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void GroupCommitWriter::submit(AppendRequest request, AppendCallback done) {
  {
    std::lock_guard lock{mutex_};
    if (!stopping_) {
      queue_.push_back({std::move(request), std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Error{ErrorCode::unavailable, "the event store is closing"});
}

void GroupCommitWriter::run() {
  std::vector<Pending> batch;
  for (;;) {
    {
      std::unique_lock lock{mutex_};
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to commit
      if (queue_.size() <= kMaxRequestsPerBatch) {
        batch.swap(queue_);
      } else {
        auto split = queue_.begin() + kMaxRequestsPerBatch;
        batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(split));
        queue_.erase(queue_.begin(), split);
      }
    }
    commit(batch);
    batch.clear();
  }
}

void GroupCommitWriter::commit(std::vector<Pending>& pending) {
  rocksdb::WriteBatch batch;
  BatchView view;
  Tail tail = tail_;
  tail.recorded_at_ms = std::max(tail.recorded_at_ms, clock_());

  std::vector<Result<AppendOutcome>> answers;
  answers.reserve(pending.size());
  for (const auto& item : pending) answers.push_back(stage(item.request, view, batch, tail));

  if (batch.Count() > 0) {
    rocksdb::WriteOptions options;
    options.sync = true;
    auto status = database_.db->Write(options, &batch);
    if (!status.ok()) {
      // Nothing of this batch is durable: every request in it fails, and the tail stays.
      auto error = io_error(status, "append failed");
      for (auto& item : pending) item.done(error);
      return;
    }
    tail_ = tail;
    if (version_cache_.size() + view.versions.size() > kVersionCacheLimit) version_cache_.clear();
    for (auto& [stream, version] : view.versions) version_cache_[stream] = version;
    signal_.publish(tail_.seq);
  }
  for (std::size_t i = 0; i < pending.size(); ++i) pending[i].done(std::move(answers[i]));
}

Result<AppendOutcome> GroupCommitWriter::stage(const AppendRequest& request, BatchView& view,
                                               rocksdb::WriteBatch& batch, Tail& tail) {
  if (!request.idempotency_key.empty()) {
    auto earlier = earlier_answer(request.idempotency_key, view);
    if (!earlier) return earlier.error();
    if (*earlier) return **earlier;
  }
  auto current = version_of(request.stream, view);
  if (!current) return current.error();
  const auto& expected = request.expected;
  bool matches = expected.kind == ExpectedVersion::Kind::any ||
                 (expected.kind == ExpectedVersion::Kind::no_stream && *current == 0) ||
                 (expected.kind == ExpectedVersion::Kind::exact && *current == expected.version);
  if (!matches) return AppendOutcome{AppendStatus::conflict, 0, 0, *current};

  AppendOutcome outcome{AppendStatus::appended, tail.seq + 1, 0, *current};
  for (const auto& event : request.events) {
    events::Envelope envelope;
    envelope.seq = ++tail.seq;
    envelope.stream = request.stream;
    envelope.stream_version = ++outcome.stream_version;
    envelope.type = event.type;
    envelope.schema = event.schema;
    envelope.recorded_at_ms = tail.recorded_at_ms;
    envelope.causation_id = event.causation_id;
    envelope.correlation_id = event.correlation_id;
    envelope.payload = event.payload;
    envelope.prev_hash = tail.hash;
    auto stored = events::seal_envelope(envelope);
    tail.hash = envelope.hash;
    auto seq_key = keys::be64(envelope.seq);
    batch.Put(database_.log, seq_key, stored);
    batch.Put(database_.streams, keys::stream_key(request.stream, envelope.stream_version),
              seq_key);
  }
  outcome.last_seq = tail.seq;
  view.versions[request.stream] = outcome.stream_version;
  if (!request.idempotency_key.empty()) {
    batch.Put(database_.idempotency, request.idempotency_key, encode_answer(outcome));
    auto duplicate = outcome;
    duplicate.status = AppendStatus::duplicate;
    view.keys[request.idempotency_key] = duplicate;
  }
  return outcome;
}

Result<std::uint64_t> GroupCommitWriter::version_of(const std::string& stream,
                                                    const BatchView& view) {
  if (auto staged = view.versions.find(stream); staged != view.versions.end()) {
    return staged->second;
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

Result<std::optional<AppendOutcome>> GroupCommitWriter::earlier_answer(const std::string& key,
                                                                        const BatchView& view) {
  if (auto staged = view.keys.find(key); staged != view.keys.end()) {
    return std::optional<AppendOutcome>{staged->second};
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
