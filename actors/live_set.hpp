#pragma once

// The live set: the part of the world (recovery.hpp) a restart needs, kept in the store as
// a projection of its own, so that a restart reads it and the log after its checkpoint
// rather than the whole log. Its records: every agent, the items pending or being dialled,
// the calls not ended and the numbers an item holds, each with its stream version and where
// its stream began. The config and the do-not-call list are read from their own streams,
// which grow with what they hold, not with the calls made.

#include <string>

#include "actors/projections/projection_runner.hpp"
#include "actors/recovery.hpp"

namespace dialer::actors {

// Its name in the store, with the version of its record layout.
inline constexpr const char* kLiveSetConsumer = "live-set.1";

// Keeps the live set up with the log, under a ProjectionRunner. A batch's event for a stream
// the set dropped (a completed item given a callback) reads that stream's earlier events.
class LiveSetProjection final : public projections::Projection {
 public:
  explicit LiveSetProjection(const storage::EventStore& store) : store_(store) {}
  const char* consumer() const override { return kLiveSetConsumer; }
  Status fold(projections::KvWriter& kv, const std::vector<storage::Envelope>& batch) override;

 private:
  const storage::EventStore& store_;
};

// Replaces the stored live set with the world's live part, at `world.last_seq`.
Status write_live_set(storage::EventStore& store, const World& world);

// The world as the stored live set holds it at its checkpoint `checkpoint`; an error naming
// the record that cannot be read.
Result<World> read_live_set(const storage::EventStore& store, std::uint64_t checkpoint);

// A restart's world, and how it was made.
struct Recovered {
  World world;
  bool from_live_set = false;
  std::string slow_reason;  // why the whole log was folded instead
  std::uint64_t log_events_read = 0;
};

// The live set and the log after its checkpoint; the whole log, folded and pruned, when the
// set is missing, cannot be read, or is ahead of the log.
Result<Recovered> recover_world(const storage::EventStore& store);

// How the stored live set compares with a full fold of the log up to its checkpoint.
struct LiveSetCheck {
  std::uint64_t checkpoint = 0;  // 0: none stored
  std::size_t records = 0;
  std::size_t differing = 0;
  std::string first_difference;  // the stream, or why the set cannot be read
};
Result<LiveSetCheck> check_live_set(const storage::EventStore& store);

}  // namespace dialer::actors
