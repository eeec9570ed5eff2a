#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "actors/dispatch/dispatch_index.hpp"
#include "actors/services.hpp"

namespace dialer::actors {

// What the dispatcher starts with after recovery.
struct DispatcherSeed {
  domain::DialerSettings settings;
  std::set<std::string> do_not_call;
  std::vector<dispatch::FreeAgent> agents;
  std::vector<dispatch::PendingItem> items;
  // Each number's recent attempts, for compliance's cap.
  std::vector<std::pair<std::string, std::int64_t>> attempts;
};

struct DispatcherState {
  dispatch::DispatchIndex index;
  std::optional<std::int64_t> armed_for;
  std::mt19937_64 random{std::random_device{}()};
  std::uint64_t calls_started = 0;
  bool dry = false;  // agents wait in line and nothing may be dialled
  std::int64_t dry_recorded_ms = 0;
  static inline const char* name = "dispatcher";
};

// Matches ready items with free agents the moment either appears, and wakes itself for
// what waits on time (schedules, retries, calling windows, budget and pace).
DispatcherActor::behavior_type dispatcher_actor(
    DispatcherActor::stateful_pointer<DispatcherState> self, Services* services,
    DispatcherSeed seed);

}  // namespace dialer::actors
