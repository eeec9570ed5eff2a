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
  std::string marked_wrong_by;  // the call whose wrong-number disposition marked it; empty: not
  // When its latest calls were made, oldest first (at most kKeptAttempts), and the last one.
  std::vector<std::int64_t> attempts_ms;
  std::string last_call_id;
  bool operator==(const NumberState&) const = default;

  // Every field, for the live set's records.
  static void describe(auto& self, auto&& field) {
    field("phoneNumber", self.phone_number);
    field("heldBy", self.held_by);
    field("claimedAt", self.claimed_at_ms);
    field("markedWrongBy", self.marked_wrong_by);
    field("attempts", self.attempts_ms);
    field("lastCallId", self.last_call_id);
  }
};

// More than any cap counts (compliance.maxAttemptsPerNumber is at most 100).
inline constexpr std::size_t kKeptAttempts = 100;

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

// An agent's wrong-number disposition of call `call_id`: the number is not queued again.
struct MarkWrong {
  std::string item_id;
  std::string call_id;
};

// Call `call_id` of item `item_id` is about to ring the number.
struct RecordAttempt {
  std::string item_id;
  std::string call_id;
};

using Command = std::variant<Claim, Release, MarkWrong, RecordAttempt>;

}  // namespace number

// The number follows its item: taken while the item is pending or dialled, given up after.
number::Command follow_item(const QueueItemState& item);

Result<std::vector<events::Event>> decide(const NumberState& state, const number::Command& command);
NumberState evolve(NumberState state, const events::Event& event, std::int64_t recorded_at_ms);

}  // namespace dialer::domain
