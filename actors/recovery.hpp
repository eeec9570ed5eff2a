#pragma once

// Rebuilding the world from the log in one pass: every agent, queue item and call, the
// config and the do-not-call list, each with the stream version it reached. Pure: the
// actors are started from this afterwards.

#include <cstdint>
#include <string>
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
};

struct World {
  std::unordered_map<std::string, Folded<domain::AgentState>> agents;
  std::unordered_map<std::string, Folded<domain::QueueItemState>> items;
  std::unordered_map<std::string, Folded<domain::CallState>> calls;
  std::unordered_map<std::string, Folded<domain::NumberState>> numbers;
  Folded<domain::ConfigState> config;
  Folded<domain::DoNotCallState> do_not_call;
  std::uint64_t events = 0;
  std::uint64_t last_seq = 0;
};

// Folds the log up to `until_seq` (everything when 0).
Result<World> fold_log(const storage::EventStore& store, std::uint64_t until_seq = 0);

// Folds one envelope into the world; events of unknown streams (webhooks) are skipped.
Status fold_into(World& world, const storage::Envelope& envelope);

// The appends that make the numbers' claims agree with the items: a number held by an item
// no longer pending nor dialled is released; an item pending or dialled whose number names
// no such holder claims it (a log from before numbers had streams, or a crash between an
// item's change and its number's). Empty when they agree, as they do but after a crash.
std::vector<storage::AppendRequest> number_repairs(const World& world);

}  // namespace dialer::actors
