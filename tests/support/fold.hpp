#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "events/codec.hpp"
#include "events/result.hpp"

namespace dialer::testing {

// Decides `command` against `state`, requires success, and returns the state the events
// lead to, with the events themselves in `out` when asked.
template <class State, class Command>
State accept(const State& state, const Command& command, std::int64_t at_ms = 0,
             std::vector<events::Event>* out = nullptr) {
  auto decided = decide(state, command);
  if (!decided) FAIL(decided.error().message);
  State next = state;
  for (const auto& event : *decided) next = evolve(std::move(next), event, at_ms);
  if (out) *out = *decided;
  return next;
}

template <class State, class Command>
std::vector<events::Event> events_of(const State& state, const Command& command) {
  auto decided = decide(state, command);
  if (!decided) FAIL(decided.error().message);
  return *decided;
}

template <class State, class Command>
ErrorCode refusal(const State& state, const Command& command) {
  auto decided = decide(state, command);
  REQUIRE_FALSE(decided.ok());
  return decided.error().code;
}

}  // namespace dialer::testing
