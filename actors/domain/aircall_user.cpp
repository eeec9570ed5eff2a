#include "actors/domain/aircall_user.hpp"

#include <optional>

namespace dialer::domain {
namespace {

using Events = std::vector<events::Event>;

struct AircallUserDecider {
  const AircallUserState& s;

  std::optional<Error> refusal(const std::string& agent_id, const std::string& stale_holder) const {
    if (agent_id.empty()) {
      return Error{ErrorCode::invalid_argument, "a claim needs an agent", "agentId"};
    }
    if (!s.held_by.empty() && s.held_by != agent_id && s.held_by != stale_holder) {
      return Error{ErrorCode::conflict,
                   "Aircall user " + std::to_string(s.aircall_user_id) + " is dialling as agent " +
                       s.held_by + "; stop that agent first",
                   "aircallUserId"};
    }
    return std::nullopt;
  }

  Result<Events> operator()(const aircall_user::Claim& c) const {
    if (auto refused = refusal(c.agent_id, c.stale_holder)) return *refused;
    if (s.held_by == c.agent_id) return Events{};
    return Events{events::AircallUserClaimed{c.agent_id}};
  }

  Result<Events> operator()(const aircall_user::Check& c) const {
    if (auto refused = refusal(c.agent_id, {})) return *refused;
    return Events{};
  }

  Result<Events> operator()(const aircall_user::Release& c) const {
    if (s.held_by.empty() || s.held_by != c.agent_id) return Events{};
    return Events{events::AircallUserReleased{c.agent_id}};
  }
};

}  // namespace

bool dials_as(const AgentState& agent, std::int64_t aircall_user_id) {
  return agent.mode != AgentMode::offline && agent.aircall_user_id == aircall_user_id;
}

std::int64_t user_given_up(const AgentState& before, const AgentState& after) {
  auto user = before.aircall_user_id;
  return user != 0 && dials_as(before, user) && !dials_as(after, user) ? user : 0;
}

bool claim_is_stale(const AircallUserState& user, const AgentState& holder, std::int64_t now_ms) {
  if (user.held_by.empty() || dials_as(holder, user.aircall_user_id)) return false;
  return now_ms - user.claimed_at_ms > kUserClaimGraceMs;
}

Result<Events> decide(const AircallUserState& state, const aircall_user::Command& command) {
  return std::visit(AircallUserDecider{state}, command);
}

AircallUserState evolve(AircallUserState state, const events::Event& event,
                        std::int64_t recorded_at_ms) {
  if (const auto* claimed = std::get_if<events::AircallUserClaimed>(&event)) {
    state.held_by = claimed->agent_id;
    state.claimed_at_ms = recorded_at_ms;
  } else if (const auto* released = std::get_if<events::AircallUserReleased>(&event)) {
    if (state.held_by == released->agent_id) state.held_by.clear();
  }
  return state;
}

}  // namespace dialer::domain
