#pragma once

// A phone number (E.164) as the dialer keeps it, in a stream of its own: the queue item
// that holds it, so that one number has at most one item pending or being dialled at a
// time, whoever adds it and however many add it at once.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "actors/domain/queue_item.hpp"
#include "events/codec.hpp"
#include "events/result.hpp"

namespace dialer::domain {

struct NumberState {
  std::string phone_number;  // E.164
  std::string held_by;       // the item that holds it; empty when it is free
  std::int64_t claimed_at_ms = 0;
  bool operator==(const NumberState&) const = default;
};

// An item is added just after it claims its number; a claim whose item is still not there
// after this long was left behind by a crash between the two.
inline constexpr std::int64_t kClaimGraceMs = 60'000;

// Whether the number's holder no longer holds it in truth: its item (`holder`, as it is
// now) ended without giving the number back, or never came to exist.
bool claim_is_stale(const NumberState& number, const QueueItemState& holder, std::int64_t now_ms);

namespace number {

// `item_id` takes the number. It may take it from `stale_holder`, an item its caller found
// no longer pending nor dialled (a claim left behind by a crash between two appends).
struct Claim {
  std::string item_id;
  std::string stale_holder;
};
// `item_id` gives the number up; nothing happens if it does not hold it.
struct Release {
  std::string item_id;
};

using Command = std::variant<Claim, Release>;

}  // namespace number

Result<std::vector<events::Event>> decide(const NumberState& state, const number::Command& command);
NumberState evolve(NumberState state, const events::Event& event, std::int64_t recorded_at_ms);

}  // namespace dialer::domain
