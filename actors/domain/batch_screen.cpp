#include "actors/domain/batch_screen.hpp"

#include <unordered_map>

namespace dialer::domain {

BatchScreen screen_batch(const DoNotCallState& blocked, const std::vector<std::string>& numbers) {
  BatchScreen screen;
  screen.refused.resize(numbers.size());
  screen.first_of.resize(numbers.size());
  std::unordered_map<std::string, std::size_t> first_of_number;
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    screen.first_of[i] = i;
    if (auto allowed = may_queue(blocked, numbers[i]); !allowed) {
      screen.refused[i] = allowed.error();
      continue;
    }
    auto [first, inserted] = first_of_number.emplace(numbers[i], i);
    screen.first_of[i] = first->second;
    (inserted ? screen.first : screen.later).push_back(i);
  }
  return screen;
}

Error later_answer(const std::string& phone_number, const Status& first) {
  if (!first && first.error().code == ErrorCode::conflict) return first.error();
  return Error{ErrorCode::invalid_argument, phone_number + " appears twice in this request",
               "phoneNumber"};
}

}  // namespace dialer::domain
