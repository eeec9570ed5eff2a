#include "actors/domain/number.hpp"

namespace dialer::domain {
namespace {

using Events = std::vector<events::Event>;

struct NumberDecider {
  const NumberState& s;

  Result<Events> operator()(const number::Claim& c) const {
    if (c.item_id.empty()) {
      return Error{ErrorCode::invalid_argument, "a claim needs an item", "itemId"};
    }
    if (s.held_by == c.item_id) return Events{};
    if (!s.marked_wrong_by.empty()) {
      return Error{
          ErrorCode::conflict,
          s.phone_number + " was found to be a wrong number (call " + s.marked_wrong_by + ")",
          "phoneNumber"};
    }
    if (!s.held_by.empty() && s.held_by != c.stale_holder) {
      return Error{ErrorCode::conflict,
                   s.phone_number + " is already queued (item " + s.held_by + ")", "phoneNumber"};
    }
    return Events{events::NumberClaimed{c.item_id}};
  }

  Result<Events> operator()(const number::Release& c) const {
    if (s.held_by.empty() || s.held_by != c.item_id) return Events{};
    return Events{events::NumberReleased{c.item_id}};
  }

  Result<Events> operator()(const number::RecordAttempt& c) const {
    if (c.call_id.empty())
      return Error{ErrorCode::invalid_argument, "an attempt needs a call", "callId"};
    if (s.last_call_id == c.call_id) return Events{};  // the same attempt again
    return Events{events::NumberAttempted{c.item_id, c.call_id}};
  }

  Result<Events> operator()(const number::MarkWrong& c) const {
    if (!s.marked_wrong_by.empty()) return Events{};
    return Events{events::NumberMarkedWrong{c.item_id, c.call_id}};
  }
};

}  // namespace

number::Command follow_item(const QueueItemState& item) {
  const auto& item_id = item.details.item_id;
  if (holds_number(item)) return number::Claim{item_id, {}};
  return number::Release{item_id};
}

bool claim_is_stale(const NumberState& number, const QueueItemState& holder, std::int64_t now_ms) {
  if (number.held_by.empty()) return false;
  if (holder.exists) return !holds_number(holder);
  return now_ms - number.claimed_at_ms > kClaimGraceMs;
}

Result<Events> decide(const NumberState& state, const number::Command& command) {
  return std::visit(NumberDecider{state}, command);
}

NumberState evolve(NumberState state, const events::Event& event, std::int64_t recorded_at_ms) {
  if (const auto* claimed = std::get_if<events::NumberClaimed>(&event)) {
    state.held_by = claimed->item_id;
    state.claimed_at_ms = recorded_at_ms;
  } else if (const auto* released = std::get_if<events::NumberReleased>(&event)) {
    if (state.held_by == released->item_id) state.held_by.clear();
  } else if (const auto* attempted = std::get_if<events::NumberAttempted>(&event)) {
    state.attempts_ms.push_back(recorded_at_ms);
    if (state.attempts_ms.size() > kKeptAttempts)
      state.attempts_ms.erase(state.attempts_ms.begin());
    state.last_call_id = attempted->call_id;
  } else if (const auto* wrong = std::get_if<events::NumberMarkedWrong>(&event)) {
    state.marked_wrong_by = wrong->call_id;
  }
  return state;
}

}  // namespace dialer::domain
