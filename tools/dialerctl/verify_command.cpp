#include <cstdio>

#include "actors/live_set.hpp"
#include "actors/projections/projection_runner.hpp"
#include "actors/projections/store_kv.hpp"
#include "tools/dialerctl/commands.hpp"

namespace dialer::ctl {

namespace {

// The stored live set must equal a full fold of the log up to its checkpoint, pruned.
int verify_live_set(storage::EventStore& store, Output& out) {
  auto& os = out.stream();
  auto check = actors::check_live_set(store);
  if (!check) {
    std::fprintf(stderr, "dialerctl: %s\n", check.error().message.c_str());
    return unreadable;
  }
  if (check->checkpoint == 0) {
    os << "live set: none stored yet\n";
    return ok;
  }
  if (check->differing != 0) {
    os << "live set: at checkpoint " << check->checkpoint << ", " << check->differing
       << " record(s) differ from a full fold, the first: " << check->first_difference << '\n';
    return problems_found;
  }
  os << "live set: " << check->records << " records at checkpoint " << check->checkpoint
     << " equal a full fold\n";
  return ok;
}

}  // namespace

int verify(storage::EventStore& store, Output& out) {
  auto& os = out.stream();
  auto report = store.verify();
  if (!report.ok) {
    os << "log: damaged at seq " << report.first_bad_seq << ": " << report.problem << '\n';
    return problems_found;
  }
  os << "log: " << report.events_checked
     << " events, sequence, stream index and hash chain intact\n";

  const char* consumer = projections::ProjectionRunner::kConsumer;
  auto checkpoint = store.checkpoint(consumer);
  if (!checkpoint) {
    std::fprintf(stderr, "dialerctl: %s\n", checkpoint.error().message.c_str());
    return unreadable;
  }
  if (auto live = verify_live_set(store, out); live != ok) return live;
  if (*checkpoint == 0) {
    os << "projection: none stored yet\n";
    return out.good() ? ok : unwritable;
  }
  // The stored projection must equal a fresh fold of the log up to its checkpoint, and its
  // stats a fresh sum of its own history.
  auto fresh = replay(store, {*checkpoint, std::nullopt}, /*queue_view=*/true);
  if (!fresh) {
    std::fprintf(stderr, "dialerctl: %s\n", fresh.error().message.c_str());
    return unreadable;
  }
  projections::StoredView stored{store, consumer};
  std::uint64_t differing = 0;
  std::uint64_t stored_keys = 0;
  std::string first_difference;
  stored.scan("", [&](std::string_view key, std::string_view value) {
    ++stored_keys;
    auto expected = fresh->get(key);
    if (!expected || *expected != value) {
      if (first_difference.empty()) first_difference = std::string{key};
      ++differing;
    }
    return true;
  });
  if (stored_keys != fresh->size()) ++differing;
  bool stats_consistent =
      projections::query_stats(stored, {}) == projections::stats_from_history(stored, {});
  if (differing != 0 || !stats_consistent) {
    os << "projection: at checkpoint " << *checkpoint << ", " << stored_keys
       << " stored entries against " << fresh->size() << " folded afresh; " << differing
       << " differ" << (stats_consistent ? "" : "; stats do not equal a fold of the history")
       << '\n';
    return problems_found;
  }
  os << "projection: " << stored_keys << " entries at checkpoint " << *checkpoint
     << " equal a fresh fold; stats equal a fold of the history\n";
  return out.good() ? ok : unwritable;
}

}  // namespace dialer::ctl
