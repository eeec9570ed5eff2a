#pragma once

// Rebuilding the world from the log: every agent, queue item and call, the config and the
// do-not-call list, each with the stream version it reached. Pure but for the reads: the
// actors are started from this afterwards. The live set (live_set.hpp) keeps the part of it
// a restart needs, so that the whole log is folded only when that set is missing or bad.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "actors/domain/agent.hpp"
#include "actors/domain/call.hpp"
#include "actors/domain/config.hpp"
#include "actors/domain/do_not_call.hpp"
#include "actors/domain/number.hpp"
#include "actors/domain/queue_item.hpp"
#include "storage/event_store.hpp"

namespace dialer::actors {

template <class State>
struct Folded {
  State state{};
  std::uint64_t version = 0;
  std::uint64_t first_seq = 0;  // where the stream began in the log
  bool operator==(const Folded&) const = default;
};

struct World {
  std::unordered_map<std::string, Folded<domain::AgentState>> agents;
  std::unordered_map<std::string, Folded<domain::QueueItemState>> items;
  std::unordered_map<std::string, Folded<domain::CallState>> calls;
  std::unordered_map<std::string, Folded<domain::NumberState>> numbers;
  Folded<domain::ConfigState> config;
  Folded<domain::DoNotCallState> do_not_call;
  std::uint64_t events = 0;  // of the streams above, up to last_seq
  std::uint64_t last_seq = 0;
};

// Whether the world folds this stream's events (webhooks and the dispatcher's own are not).
bool is_world_stream(std::string_view stream);

// Where fold_into finds a stream's state before `before_version` when the world does not
// hold it: a stream dropped from the world when it finished and written to again since.
using EarlierState =
    std::function<Status(World& world, std::string_view stream, std::uint64_t before_version)>;

// Folds one envelope into the world; events of other streams are skipped. Without
// `earlier`, a stream the world lacks starts from nothing.
Status fold_into(World& world, const storage::Envelope& envelope, const EarlierState& earlier = {});

// Reads the stream from the log up to `before_version`.
EarlierState earlier_from_log(const storage::EventStore& store);

// Folds the log up to `until_seq` (everything when 0).
Result<World> fold_log(const storage::EventStore& store, std::uint64_t until_seq = 0);

// Folds what the log holds after `world.last_seq`.
Status fold_tail(World& world, const storage::EventStore& store);

// What a restart needs to hold: the items pending or being dialled, the calls not ended,
// the numbers an item holds, and every agent (a team, not a history).
bool is_live(const domain::QueueItemState& item);
bool is_live(const domain::CallState& call);
bool is_live(const domain::NumberState& number);

// Drops what is not live.
void prune(World& world);

// Reads from the log what the start needs beyond the live: the calls a live item or agent
// still names, and the number of every live item.
Status complete(World& world, const storage::EventStore& store);

// The appends that make the numbers' claims agree with the items: a number held by an item
// no longer pending nor dialled is released; an item pending or dialled whose number names
// no such holder claims it (a log from before numbers had streams, or a crash between an
// item's change and its number's). Empty when they agree, as they do but after a crash.
// The world holds the numbers of its live items (see complete).
std::vector<storage::AppendRequest> number_repairs(const World& world);

}  // namespace dialer::actors
