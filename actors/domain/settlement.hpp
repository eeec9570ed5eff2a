#pragma once

// How a call's end settles its item and its agent: the retry policy for the item's
// outcome, a wrong number for a number Aircall refused, the agent's wrap-up after a call,
// a hold on an agent Aircall refused as unavailable, and the reservations given back when
// no call took place. Pure: the call actor only sends what this returns.

#include <cstdint>
#include <string>

#include "actors/domain/agent.hpp"
#include "actors/domain/call.hpp"
#include "actors/domain/config.hpp"
#include "actors/domain/queue_item.hpp"

namespace dialer::domain {

// An agent Aircall refused as unavailable (405) is not offered another call before this:
// dialling again at once would only spend the company's API budget on more refusals.
inline constexpr std::int64_t kUnavailableHoldMs = 30'000;

struct Settlement {
  queue_item::Command item;
  agent::Command agent;
};

// What the item and the agent are told once call `call_id` is finished (ended, refused or
// lost), or when it never got as far as its request (its state is then empty).
// The retry policy the settings give an item's outcome and its disposition alike.
RetryPolicy retry_policy(const DialerSettings& settings);

Settlement settle(const std::string& call_id, const CallState& call, const DialerSettings& settings,
                  std::int64_t now_ms);

}  // namespace dialer::domain
