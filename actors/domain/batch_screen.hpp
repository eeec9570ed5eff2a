#pragma once

// The rules a batch of clients meets before any number is asked (an add, and an import's
// preview of it): a number on the do-not-call list is refused, and each number is asked once
// a batch, by its first client; a later client of the same number takes its answer from the
// first's.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "actors/domain/do_not_call.hpp"
#include "events/result.hpp"

namespace dialer::domain {

struct BatchScreen {
  std::vector<std::optional<Error>> refused;  // by client: why it is refused before any ask
  std::vector<std::size_t> first;             // the first client of each number, in order
  std::vector<std::size_t> later;             // the other clients of those numbers, in order
  std::vector<std::size_t> first_of;          // by client: its number's first client
};

BatchScreen screen_batch(const DoNotCallState& blocked, const std::vector<std::string>& numbers);

// A later client's answer, from its first client's: the same refusal when another item holds
// the number, else that the number appears twice.
Error later_answer(const std::string& phone_number, const Status& first);

}  // namespace dialer::domain
