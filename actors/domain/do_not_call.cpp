#include "actors/domain/do_not_call.hpp"

namespace dialer::domain {

Status may_queue(const DoNotCallState& state, const std::string& phone_number) {
  if (!state.numbers.contains(phone_number)) return Done{};
  return Error{ErrorCode::refused, phone_number + " is on the do-not-call list", "phoneNumber"};
}

Result<std::vector<events::Event>> decide(const DoNotCallState& state,
                                          const do_not_call::Command& command) {
  using Events = std::vector<events::Event>;
  if (const auto* add = std::get_if<do_not_call::Add>(&command)) {
    if (add->phone_number.empty() || add->phone_number.front() != '+') {
      return Error{ErrorCode::invalid_argument, "phoneNumber must be in E.164 form", "phoneNumber"};
    }
    if (state.numbers.contains(add->phone_number)) return Events{};
    return Events{events::DoNotCallAdded{add->phone_number, add->reason}};
  }
  const auto& remove = std::get<do_not_call::Remove>(command);
  if (!state.numbers.contains(remove.phone_number)) {
    return Error{ErrorCode::not_found, remove.phone_number + " is not on the do-not-call list"};
  }
  return Events{events::DoNotCallRemoved{remove.phone_number}};
}

DoNotCallState evolve(DoNotCallState state, const events::Event& event, std::int64_t at_ms) {
  if (const auto* added = std::get_if<events::DoNotCallAdded>(&event)) {
    state.numbers.insert(added->phone_number);
    state.listings[added->phone_number] = {added->reason, at_ms};
  } else if (const auto* removed = std::get_if<events::DoNotCallRemoved>(&event)) {
    state.numbers.erase(removed->phone_number);
    state.listings.erase(removed->phone_number);
  }
  return state;
}

}  // namespace dialer::domain
