#include "actors/live_set.hpp"

#include <future>

#include "actors/projections/store_kv.hpp"
#include "events/fields.hpp"

namespace dialer::actors {
namespace {

using projections::key;
using projections::KvReader;
using projections::KvWriter;

// One record's layout: this byte, the stream version, where the stream began, the state.
constexpr char kRecordLayout = 1;
// The kinds of record, by the first part of their key.
constexpr std::string_view kAgent = "a";
constexpr std::string_view kItem = "i";
constexpr std::string_view kCall = "c";
constexpr std::string_view kNumber = "n";
// How many events of the world's streams the set has folded.
constexpr std::string_view kEventsKey = "m";

template <class State>
std::string encode_record(const Folded<State>& folded) {
  events::Writer w;
  w.u8(kRecordLayout);
  w.varint(folded.version);
  w.varint(folded.first_seq);
  events::put(w, folded.state);
  return w.take();
}

template <class State>
bool decode_record(std::string_view bytes, Folded<State>& folded) {
  events::Reader r{bytes};
  if (r.u8() != kRecordLayout) return false;
  folded.version = r.varint();
  folded.first_seq = r.varint();
  events::get(r, folded.state);
  return r.ok() && r.at_end() && folded.version > 0;
}

// Each kind of record: its key's first part, its map in the world, whether it stays.
struct Agents {
  static constexpr std::string_view tag = kAgent;
  static constexpr std::string_view stream_prefix = "agent-";
  static auto& of(auto& world) { return world.agents; }
  static bool stays(const domain::AgentState&) { return true; }
};
struct Items {
  static constexpr std::string_view tag = kItem;
  static constexpr std::string_view stream_prefix = "queue-";
  static auto& of(auto& world) { return world.items; }
  static bool stays(const domain::QueueItemState& s) { return is_live(s); }
};
struct Calls {
  static constexpr std::string_view tag = kCall;
  static constexpr std::string_view stream_prefix = "call-";
  static auto& of(auto& world) { return world.calls; }
  static bool stays(const domain::CallState& s) { return is_live(s); }
};
struct Numbers {
  static constexpr std::string_view tag = kNumber;
  static constexpr std::string_view stream_prefix = "number-";
  static auto& of(auto& world) { return world.numbers; }
  static bool stays(const domain::NumberState& s) { return is_live(s); }
};

// The entry a kind of record holds: Folded<its state>.
template <class Kind>
using FoldedOf =
    typename std::remove_reference_t<decltype(Kind::of(std::declval<World&>()))>::mapped_type;

template <class Kind>
void write_records(KvWriter& kv, const World& world) {
  for (const auto& [id, folded] : Kind::of(world)) {
    if (Kind::stays(folded.state)) {
      kv.put(key({Kind::tag, id}), encode_record(folded));
    } else {
      kv.erase(key({Kind::tag, id}));
    }
  }
}

void write_world(KvWriter& kv, const World& world, std::uint64_t events) {
  write_records<Agents>(kv, world);
  write_records<Items>(kv, world);
  write_records<Calls>(kv, world);
  write_records<Numbers>(kv, world);
  events::Writer w;
  w.varint(events);
  kv.put(std::string{kEventsKey}, w.take());
}

std::uint64_t events_in(const KvReader& kv) {
  auto stored = kv.get(kEventsKey);
  if (!stored) return 0;
  events::Reader r{*stored};
  auto events = r.varint();
  return r.ok() && r.at_end() ? events : 0;
}

// Puts the record of `stream`, if the set has it at the version just before, into `world`.
template <class Kind>
bool load_record(const KvReader& kv, World& world, std::string_view stream,
                 std::uint64_t before_version) {
  if (!stream.starts_with(Kind::stream_prefix)) return false;
  auto id = stream.substr(Kind::stream_prefix.size());
  auto stored = kv.get(key({Kind::tag, id}));
  if (!stored) return false;
  FoldedOf<Kind> folded;
  if (!decode_record(*stored, folded) || folded.version + 1 != before_version) return false;
  Kind::of(world).emplace(std::string{id}, std::move(folded));
  return true;
}

template <class Kind>
Status read_record(World& world, std::string_view key_text, std::string_view value) {
  auto id = key_text.substr(Kind::tag.size() + 1);
  FoldedOf<Kind> folded;
  if (!decode_record(value, folded)) {
    return Error{ErrorCode::corrupt_data, "the live set's record of " +
                                              std::string{Kind::stream_prefix} + std::string{id} +
                                              " cannot be read"};
  }
  Kind::of(world).emplace(std::string{id}, std::move(folded));
  return ok_status();
}

// Every record of one kind.
template <class Kind>
Status read_kind(const storage::EventStore& store, World& world) {
  auto prefix = key({Kind::tag, ""});
  Status failure = ok_status();
  auto scanned = store.projection_scan(kLiveSetConsumer, prefix,
                                       [&](std::string_view key_text, std::string_view value) {
                                         if (!key_text.starts_with(prefix)) return false;
                                         failure = read_record<Kind>(world, key_text, value);
                                         return failure.ok();
                                       });
  if (!scanned) return scanned;
  return failure;
}

// The config and the do-not-call list up to the set's checkpoint, from their own streams.
Status read_own_streams(const storage::EventStore& store, World& world, std::uint64_t until_seq) {
  for (const char* stream : {"config", "do-not-call"}) {
    auto stored = store.read_stream(stream, 1);
    if (!stored) return stored.error();
    for (const auto& envelope : *stored) {
      if (envelope.seq > until_seq) break;
      if (auto folded = fold_into(world, envelope); !folded) return folded;
    }
  }
  return ok_status();
}

}  // namespace

Status LiveSetProjection::fold(KvWriter& kv, const std::vector<storage::Envelope>& batch) {
  // The streams this batch writes, each read once from the set (or, when the set dropped
  // it, from the log), folded, then written back or dropped.
  World touched;
  auto from_log = earlier_from_log(store_);
  EarlierState earlier = [&](World& world, std::string_view stream,
                             std::uint64_t before_version) -> Status {
    if (load_record<Agents>(kv, world, stream, before_version) ||
        load_record<Items>(kv, world, stream, before_version) ||
        load_record<Calls>(kv, world, stream, before_version) ||
        load_record<Numbers>(kv, world, stream, before_version)) {
      return ok_status();
    }
    return from_log(world, stream, before_version);
  };
  std::uint64_t folded = 0;
  for (const auto& envelope : batch) {
    if (!is_world_stream(envelope.stream)) continue;
    ++folded;
    if (envelope.stream == "config" || envelope.stream == "do-not-call") continue;
    if (auto done = fold_into(touched, envelope, earlier); !done) return done;
  }
  if (folded == 0) return ok_status();
  write_world(kv, touched, events_in(kv) + folded);
  return ok_status();
}

Status write_live_set(storage::EventStore& store, const World& world) {
  if (auto dropped = store.reset_projection(kLiveSetConsumer); !dropped) return dropped;
  projections::StoreKv kv{store, kLiveSetConsumer};
  write_world(kv, world, world.events);
  return kv.commit(world.last_seq);
}

Result<World> read_live_set(const storage::EventStore& store, std::uint64_t checkpoint) {
  // The items, the bulk of it, are read beside the rest.
  World items;
  auto items_read = std::async(std::launch::async, [&] { return read_kind<Items>(store, items); });
  World world;
  auto rest_read = read_kind<Agents>(store, world);
  if (rest_read) rest_read = read_kind<Calls>(store, world);
  if (rest_read) rest_read = read_kind<Numbers>(store, world);
  auto read = items_read.get();
  if (!rest_read) return rest_read.error();
  if (!read) return read.error();
  world.items = std::move(items.items);
  if (auto own = read_own_streams(store, world, checkpoint); !own) return own.error();
  world.events = events_in(projections::StoredView{store, kLiveSetConsumer});
  world.last_seq = checkpoint;
  return world;
}

Result<Recovered> recover_world(const storage::EventStore& store) {
  Recovered recovered;
  auto checkpoint = store.checkpoint(kLiveSetConsumer);
  if (!checkpoint) return checkpoint.error();
  if (*checkpoint == 0) {
    recovered.slow_reason = "no live set is stored";
  } else if (*checkpoint > store.last_seq()) {
    recovered.slow_reason = "the live set is ahead of the log";
  } else if (auto set = read_live_set(store, *checkpoint); !set) {
    recovered.slow_reason = set.error().message;
  } else {
    recovered.world = std::move(*set);
    recovered.from_live_set = true;
  }
  auto from = recovered.world.last_seq;
  if (auto folded = fold_tail(recovered.world, store); !folded) return folded.error();
  recovered.log_events_read = recovered.world.last_seq - from;
  prune(recovered.world);
  return recovered;
}

Result<LiveSetCheck> check_live_set(const storage::EventStore& store) {
  LiveSetCheck check;
  auto checkpoint = store.checkpoint(kLiveSetConsumer);
  if (!checkpoint) return checkpoint.error();
  check.checkpoint = *checkpoint;
  if (*checkpoint == 0) return check;
  auto set = read_live_set(store, *checkpoint);
  if (!set) {
    check.differing = 1;
    check.first_difference = set.error().message;
    return check;
  }
  auto fresh = fold_log(store, *checkpoint);
  if (!fresh) return fresh.error();
  prune(*fresh);
  check.records = set->agents.size() + set->items.size() + set->calls.size() + set->numbers.size();
  auto compare = [&](const auto& stored, const auto& folded, std::string_view prefix) {
    for (const auto& [id, entry] : folded) {
      auto found = stored.find(id);
      if (found != stored.end() && found->second == entry) continue;
      if (check.first_difference.empty()) check.first_difference = std::string{prefix} + id;
      ++check.differing;
    }
    for (const auto& [id, entry] : stored) {
      if (folded.contains(id)) continue;
      if (check.first_difference.empty()) check.first_difference = std::string{prefix} + id;
      ++check.differing;
    }
  };
  compare(set->agents, fresh->agents, "agent-");
  compare(set->items, fresh->items, "queue-");
  compare(set->calls, fresh->calls, "call-");
  compare(set->numbers, fresh->numbers, "number-");
  if (set->events != fresh->events) {
    if (check.first_difference.empty())
      check.first_difference = "the count of events folded: " + std::to_string(set->events) +
                               " against " + std::to_string(fresh->events);
    ++check.differing;
  }
  return check;
}

}  // namespace dialer::actors
