#include <unordered_map>

#include "storage/event_store.hpp"
#include "storage/keys.hpp"

namespace dialer::storage {
namespace {

std::string_view view(const rocksdb::Slice& slice) {
  return {slice.data(), slice.size()};
}

VerifyReport bad(VerifyReport report, std::uint64_t seq, std::string problem) {
  report.ok = false;
  report.first_bad_seq = seq;
  report.problem = std::move(problem);
  return report;
}

}  // namespace

VerifyReport EventStore::verify() const {
  VerifyReport report;
  const auto& db = *database_;
  rocksdb::ReadOptions options;
  options.readahead_size = 4 << 20;
  std::unordered_map<std::string, std::uint64_t> stream_versions;
  events::Hash previous{};
  std::uint64_t expected_seq = 1;

  std::unique_ptr<rocksdb::Iterator> it{db.db->NewIterator(options, db.log)};
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected_seq) {
    std::uint64_t seq = 0;
    if (!keys::read_be64(view(it->key()), seq)) {
      return bad(report, expected_seq, "a log key is not a sequence number");
    }
    if (seq != expected_seq) {
      return bad(report, expected_seq,
                 "the sequence jumps from " + std::to_string(expected_seq - 1) + " to " +
                     std::to_string(seq));
    }
    auto envelope = events::decode_envelope(view(it->value()));
    if (!envelope) return bad(report, seq, envelope.error().message);
    if (envelope->seq != seq) {
      return bad(report, seq, "the event says it is seq " + std::to_string(envelope->seq));
    }
    if (envelope->prev_hash != previous) {
      return bad(
          report, seq,
          "the hash chain is broken: prev_hash does not match event " + std::to_string(seq - 1));
    }
    auto& version = stream_versions[envelope->stream];
    if (envelope->stream_version != version + 1) {
      return bad(report, seq,
                 envelope->stream + " jumps from version " + std::to_string(version) + " to " +
                     std::to_string(envelope->stream_version));
    }
    version = envelope->stream_version;
    std::string indexed;
    auto status =
        db.db->Get(options, db.streams,
                   keys::stream_key(envelope->stream, envelope->stream_version), &indexed);
    std::uint64_t indexed_seq = 0;
    if (!status.ok() || !keys::read_be64(indexed, indexed_seq) || indexed_seq != seq) {
      return bad(report, seq,
                 "the stream index does not point " + envelope->stream + " v" +
                     std::to_string(envelope->stream_version) + " at this event");
    }
    previous = envelope->hash;
    ++report.events_checked;
  }
  if (!it->status().ok()) return bad(report, expected_seq, it->status().ToString());

  // Every index entry must name an event seen above.
  std::unique_ptr<rocksdb::Iterator> index{db.db->NewIterator(options, db.streams)};
  for (index->SeekToFirst(); index->Valid(); index->Next()) {
    auto key = view(index->key());
    auto separator = key.find('\0');
    std::uint64_t version = 0;
    std::uint64_t seq = 0;
    keys::read_be64(view(index->value()), seq);
    if (separator == std::string_view::npos ||
        !keys::read_be64(key.substr(separator + 1), version)) {
      return bad(report, seq, "a stream index key is malformed");
    }
    auto known = stream_versions.find(std::string{key.substr(0, separator)});
    if (known == stream_versions.end() || version > known->second) {
      return bad(report, seq,
                 "the stream index names " + std::string{key.substr(0, separator)} + " v" +
                     std::to_string(version) + ", which the log does not hold");
    }
  }
  if (!index->status().ok()) return bad(report, 0, index->status().ToString());
  return report;
}

}  // namespace dialer::storage
