#include "storage/event_store.hpp"

#include <rocksdb/write_batch.h>

#include <chrono>
#include <future>

#include "storage/commit_signal.hpp"
#include "storage/group_commit.hpp"
#include "storage/keys.hpp"

namespace dialer::storage {
namespace {

std::int64_t system_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string_view view(const rocksdb::Slice& slice) {
  return {slice.data(), slice.size()};
}

Result<Envelope> decode_at(const rocksdb::Slice& key, const rocksdb::Slice& value) {
  auto envelope = events::decode_envelope(view(value));
  std::uint64_t seq = 0;
  if (envelope && (!keys::read_be64(view(key), seq) || seq != envelope->seq)) {
    return Error{ErrorCode::corrupt_data, "log key does not match the event's sequence number"};
  }
  return envelope;
}

// The last event in the log, from which the writer continues the sequence and the chain.
Result<GroupCommitWriter::Tail> read_tail(const Database& database) {
  std::unique_ptr<rocksdb::Iterator> it{
      database.db->NewIterator(rocksdb::ReadOptions{}, database.log)};
  it->SeekToLast();
  if (!it->status().ok()) return io_error(it->status(), "reading the end of the log");
  if (!it->Valid()) return GroupCommitWriter::Tail{};
  auto last = decode_at(it->key(), it->value());
  if (!last) {
    return Error{ErrorCode::corrupt_data,
                 "the last event in the log is damaged (" + last.error().message + "); run verify"};
  }
  return GroupCommitWriter::Tail{last->seq, last->hash, last->recorded_at_ms};
}

Error read_only_error(const Database& database) {
  if (auto problem = database.health->problem())
    return Error{ErrorCode::unavailable, problem->message};
  return Error{ErrorCode::unavailable, "the event store is open for reading only"};
}

}  // namespace

NewEvent NewEvent::from(const events::Event& event, std::string causation_id,
                        std::string correlation_id) {
  auto encoded = events::encode(event);
  return NewEvent{std::move(encoded.type), encoded.schema, std::move(encoded.payload),
                  std::move(causation_id), std::move(correlation_id)};
}

Result<std::unique_ptr<EventStore>> EventStore::open(const std::string& path, OpenOptions options) {
  auto database = Database::open(path, options.mode, options.secondary_path, options.env,
                                 options.max_wal_bytes);
  // A start on a full disk (opening replays the write-ahead log into a table file, which
  // needs room) serves what is stored, and says why it writes nothing.
  bool started_read_only = false;
  if (!database && options.mode == OpenMode::read_write &&
      database.error().code == ErrorCode::unavailable) {
    auto why = database.error().message;
    database = Database::open(path, OpenMode::read_only, {}, options.env);
    if (!database) return database.error();
    (*database)->health->failed(why + "; started read-only until space is freed", true,
                                system_clock_ms());
    started_read_only = true;
  }
  if (!database) return database.error();
  auto tail = read_tail(**database);
  if (!tail) return tail.error();

  std::unique_ptr<EventStore> store{new EventStore{}};
  store->database_ = std::move(database).value();
  store->signal_ = std::make_shared<CommitSignal>();
  store->signal_->publish(tail->seq);
  store->started_read_only_ = started_read_only;
  if (options.mode == OpenMode::read_write && !started_read_only) {
    auto clock = options.clock_ms ? std::move(options.clock_ms) : system_clock_ms;
    store->writer_ = std::make_unique<GroupCommitWriter>(*store->database_, *store->signal_,
                                                         std::move(clock), *tail);
  }
  return store;
}

EventStore::~EventStore() {
  writer_.reset();
  signal_->close();
}

Result<AppendOutcome> EventStore::append(AppendRequest request) {
  std::promise<Result<AppendOutcome>> answer;
  auto future = answer.get_future();
  append_async(std::move(request),
               [&answer](Result<AppendOutcome> outcome) { answer.set_value(std::move(outcome)); });
  return future.get();
}

void EventStore::append_async(AppendRequest request, AppendCallback done) {
  if (!writer_) return done(read_only_error(*database_));
  if (request.stream.empty() || request.stream.find('\0') != std::string::npos) {
    return done(
        Error{ErrorCode::invalid_argument, "a stream id is non-empty text without NUL", "stream"});
  }
  if (request.events.empty()) {
    return done(Error{ErrorCode::invalid_argument, "an append needs at least one event", "events"});
  }
  writer_->submit(std::move(request), std::move(done));
}

Result<std::vector<Envelope>> EventStore::read_stream(std::string_view stream,
                                                      std::uint64_t from_version,
                                                      std::size_t max_count) const {
  std::vector<Envelope> out;
  auto prefix = keys::stream_prefix(stream);
  std::unique_ptr<rocksdb::Iterator> it{
      database_->db->NewIterator(rocksdb::ReadOptions{}, database_->streams)};
  std::vector<std::string> seq_keys;
  for (it->Seek(keys::stream_key(stream, from_version));
       it->Valid() && it->key().starts_with(prefix) && seq_keys.size() < max_count; it->Next()) {
    seq_keys.emplace_back(it->value().data(), it->value().size());
  }
  if (!it->status().ok()) return io_error(it->status(), "reading stream " + std::string{stream});
  if (seq_keys.empty()) return out;

  std::vector<rocksdb::Slice> slices(seq_keys.begin(), seq_keys.end());
  std::vector<rocksdb::PinnableSlice> values(slices.size());
  std::vector<rocksdb::Status> statuses(slices.size());
  database_->db->MultiGet(rocksdb::ReadOptions{}, database_->log, slices.size(), slices.data(),
                          values.data(), statuses.data());
  out.reserve(slices.size());
  for (std::size_t i = 0; i < slices.size(); ++i) {
    if (!statuses[i].ok()) {
      return io_error(statuses[i], "stream " + std::string{stream} + " names a missing event");
    }
    auto envelope = decode_at(slices[i], values[i]);
    if (!envelope) return envelope.error();
    out.push_back(std::move(envelope).value());
  }
  return out;
}

Status EventStore::scan_log(std::uint64_t from_seq,
                            const std::function<bool(const Envelope&)>& visit) const {
  // Recent reads (subscriptions) keep their blocks cached for the next reader.
  return sweep(from_seq, true, [&](const events::EnvelopeView& envelope) {
    return visit(events::owned(envelope));
  });
}

Status EventStore::scan_log_views(
    std::uint64_t from_seq, const std::function<bool(const events::EnvelopeView&)>& visit) const {
  // A sweep through history should not evict the live working set.
  return sweep(from_seq, false, visit);
}

Status EventStore::sweep(std::uint64_t from_seq, bool fill_cache,
                         const std::function<bool(const events::EnvelopeView&)>& visit) const {
  rocksdb::ReadOptions options;
  options.readahead_size = 4 << 20;
  options.fill_cache = fill_cache;
  std::unique_ptr<rocksdb::Iterator> it{database_->db->NewIterator(options, database_->log)};
  for (it->Seek(keys::be64(from_seq)); it->Valid(); it->Next()) {
    auto envelope = events::decode_envelope_view(view(it->value()));
    if (!envelope) return envelope.error();
    std::uint64_t seq = 0;
    if (!keys::read_be64(view(it->key()), seq) || seq != envelope->seq) {
      return Error{ErrorCode::corrupt_data, "log key does not match the event's sequence number"};
    }
    if (!visit(*envelope)) break;
  }
  if (!it->status().ok()) return io_error(it->status(), "reading the log");
  return ok_status();
}

Result<std::vector<Envelope>> EventStore::read_log(std::uint64_t from_seq,
                                                   std::size_t max_count) const {
  std::vector<Envelope> out;
  if (max_count == 0) return out;
  auto status = scan_log(from_seq, [&](const Envelope& envelope) {
    out.push_back(envelope);
    return out.size() < max_count;
  });
  if (!status) return status.error();
  return out;
}

std::uint64_t EventStore::last_seq() const {
  return signal_->current();
}

std::optional<WriteProblem> EventStore::write_problem() const {
  return database_->health->problem();
}

AppendStats EventStore::append_stats() const {
  return writer_ ? writer_->stats() : AppendStats{};
}

Result<std::uint64_t> EventStore::stream_version(std::string_view stream) const {
  std::unique_ptr<rocksdb::Iterator> it{
      database_->db->NewIterator(rocksdb::ReadOptions{}, database_->streams)};
  it->SeekForPrev(keys::stream_key(stream, UINT64_MAX));
  if (!it->status().ok()) return io_error(it->status(), "reading the stream index");
  auto prefix = keys::stream_prefix(stream);
  std::uint64_t version = 0;
  if (it->Valid() && it->key().starts_with(prefix)) {
    keys::read_be64(view(it->key()).substr(prefix.size()), version);
  }
  return version;
}

std::unique_ptr<Subscription> EventStore::subscribe(
    std::uint64_t after_seq, std::function<void(const std::vector<Envelope>&)> deliver,
    std::function<void(const Error&)> failed) {
  return std::make_unique<Subscription>(*this, signal_, after_seq, std::move(deliver),
                                        std::move(failed));
}

Status EventStore::save_snapshot(std::string_view stream, std::uint64_t version,
                                 std::string_view state) {
  if (!writer_) return read_only_error(*database_);
  auto value = keys::be64(version);
  value.append(state);
  auto status = database_->db->Put(rocksdb::WriteOptions{}, database_->snapshots,
                                   rocksdb::Slice{stream.data(), stream.size()}, value);
  if (!status.ok()) return io_error(status, "saving a snapshot");
  return ok_status();
}

Result<std::optional<Snapshot>> EventStore::load_snapshot(std::string_view stream) const {
  std::string value;
  auto status = database_->db->Get(rocksdb::ReadOptions{}, database_->snapshots,
                                   rocksdb::Slice{stream.data(), stream.size()}, &value);
  if (status.IsNotFound()) return std::optional<Snapshot>{};
  if (!status.ok()) return io_error(status, "loading a snapshot");
  Snapshot snapshot;
  if (value.size() < 8 ||
      !keys::read_be64(std::string_view{value}.substr(0, 8), snapshot.version)) {
    return Error{ErrorCode::corrupt_data, "snapshot of " + std::string{stream} + " is malformed"};
  }
  snapshot.state = value.substr(8);
  return std::optional<Snapshot>{std::move(snapshot)};
}

Status EventStore::commit_projection(std::string_view consumer, std::uint64_t checkpoint,
                                     const ProjectionChanges& changes) {
  if (!writer_) return read_only_error(*database_);
  rocksdb::WriteBatch batch;
  for (const auto& key : changes.deletes) {
    batch.Delete(database_->projections, keys::projection_key(consumer, key));
  }
  for (const auto& [key, value] : changes.puts) {
    if (key.empty()) {
      return Error{ErrorCode::invalid_argument, "the empty key holds the checkpoint", "key"};
    }
    batch.Put(database_->projections, keys::projection_key(consumer, key), value);
  }
  batch.Put(database_->projections, keys::projection_key(consumer, ""), keys::be64(checkpoint));
  // Not synced: a projection lost in a power failure loses its checkpoint with it, and is
  // replayed from the log, which is.
  auto status = database_->db->Write(rocksdb::WriteOptions{}, &batch);
  if (!status.ok()) return io_error(status, "committing projection " + std::string{consumer});
  return ok_status();
}

Result<std::uint64_t> EventStore::checkpoint(std::string_view consumer) const {
  auto stored = projection_get(consumer, "");
  if (!stored) return stored.error();
  std::uint64_t seq = 0;
  if (*stored && !keys::read_be64(**stored, seq)) {
    return Error{ErrorCode::corrupt_data,
                 "checkpoint of " + std::string{consumer} + " is malformed"};
  }
  return seq;
}

Result<std::optional<std::string>> EventStore::projection_get(std::string_view consumer,
                                                              std::string_view key) const {
  std::string value;
  auto status = database_->db->Get(rocksdb::ReadOptions{}, database_->projections,
                                   keys::projection_key(consumer, key), &value);
  if (status.IsNotFound()) return std::optional<std::string>{};
  if (!status.ok()) return io_error(status, "reading projection " + std::string{consumer});
  return std::optional<std::string>{std::move(value)};
}

Status EventStore::projection_scan(
    std::string_view consumer, std::string_view from_key,
    const std::function<bool(std::string_view, std::string_view)>& visit) const {
  auto prefix = keys::projection_key(consumer, "");
  std::unique_ptr<rocksdb::Iterator> it{
      database_->db->NewIterator(rocksdb::ReadOptions{}, database_->projections)};
  for (it->Seek(keys::projection_key(consumer, from_key));
       it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (it->key().size() == prefix.size()) continue;  // the checkpoint, not state
    if (!visit(view(it->key()).substr(prefix.size()), view(it->value()))) break;
  }
  if (!it->status().ok()) return io_error(it->status(), "scanning projection");
  return ok_status();
}

Status EventStore::reset_projection(std::string_view consumer) {
  if (!writer_) return read_only_error(*database_);
  auto begin = keys::projection_key(consumer, "");
  auto end = begin;
  end.back() = '\x01';  // just past every "<consumer> NUL ..." key
  auto status =
      database_->db->DeleteRange(rocksdb::WriteOptions{}, database_->projections, begin, end);
  if (!status.ok()) return io_error(status, "resetting projection " + std::string{consumer});
  return ok_status();
}

Status EventStore::catch_up() {
  if (database_->mode != OpenMode::secondary) return ok_status();
  auto status = database_->db->TryCatchUpWithPrimary();
  if (!status.ok()) return io_error(status, "catching up with the writer");
  auto tail = read_tail(*database_);
  if (!tail) return tail.error();
  signal_->publish(tail->seq);
  return ok_status();
}

}  // namespace dialer::storage
