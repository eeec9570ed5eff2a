#pragma once

// Numbers that must never be dialled, kept in a stream of their own.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "events/codec.hpp"
#include "events/result.hpp"

namespace dialer::domain {

struct DoNotCallListing {
  std::string reason;
  std::int64_t added_at_ms = 0;
  bool operator==(const DoNotCallListing&) const = default;
};

struct DoNotCallState {
  std::set<std::string> numbers;                     // E.164
  std::map<std::string, DoNotCallListing> listings;  // the same numbers: why and since when
  bool operator==(const DoNotCallState&) const = default;
};

namespace do_not_call {
struct Add {
  std::string phone_number;  // E.164
  std::string reason;
};
struct Remove {
  std::string phone_number;
};
using Command = std::variant<Add, Remove>;
}  // namespace do_not_call

// A number on the list may not be queued: refused, naming it.
Status may_queue(const DoNotCallState& state, const std::string& phone_number);

Result<std::vector<events::Event>> decide(const DoNotCallState& state,
                                          const do_not_call::Command& command);
DoNotCallState evolve(DoNotCallState state, const events::Event& event, std::int64_t at_ms);

}  // namespace dialer::domain
