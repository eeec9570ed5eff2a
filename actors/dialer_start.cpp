// Dialer::start_agent: an agent's session starts once it holds its Aircall user and
// Aircall's word on the user allows it.

#include "actors/dialer.hpp"

namespace dialer::actors {

Result<std::string> Dialer::stale_holder_of(const std::string& agent_id,
                                            std::int64_t aircall_user_id) {
  auto user = std::to_string(aircall_user_id);
  auto checked = ask<AircallUserTraits>(user, domain::aircall_user::Check{agent_id});
  if (checked) return std::string{};
  if (checked.error().code != ErrorCode::conflict) return checked.error();
  // A claim a crash left behind (between a claim and its start, or a stop and its release)
  // is taken over.
  auto held = ask<AircallUserTraits>(user, std::nullopt);
  if (!held) return held.error();
  if (held->held_by.empty()) return std::string{};  // released since the check
  auto holder = agent(held->held_by);
  if (holder && domain::claim_is_stale(*held, *holder, services_.clock->now_ms())) {
    return held->held_by;
  }
  return checked.error();
}

AgentStart Dialer::start_agent(const std::string& user_id, domain::agent::Start start) {
  auto user = std::to_string(start.aircall_user_id);
  // Checked before anything is written: a refused start changes nothing.
  auto stale_holder = stale_holder_of(user_id, start.aircall_user_id);
  if (!stale_holder) return {stale_holder.error(), std::nullopt};
  auto live = live_word(user_id, start);
  if (live.refused) return std::move(*live.refused);
  auto claimed = ask<AircallUserTraits>(user, domain::aircall_user::Claim{user_id, *stale_holder});
  if (!claimed) return {claimed.error(), std::nullopt};  // another start took it meanwhile
  auto started = agent(user_id, start);
  // The live word supersedes what earlier webhooks said: a user seen closed long ago and
  // available now takes calls at once.
  if (started && live.status) started = agent(user_id, *live.status);
  // Nothing half-done: a start that did not go through gives the user back, unless the agent
  // dials as it still (a second start of an agent already on its way).
  if (!started) {
    auto now = agent(user_id);
    if (!now || !domain::dials_as(*now, start.aircall_user_id)) {
      (void)ask<AircallUserTraits>(user, domain::aircall_user::Release{user_id});
    }
  }
  return {std::move(started), std::nullopt};
}

Result<domain::AgentState> Dialer::stop_agent(const std::string& user_id) {
  auto stopped = agent(user_id, domain::agent::Stop{});
  if (!stopped || stopped->aircall_user_id == 0) return stopped;
  // The agent's own release went out as its stop became durable; this one, queued behind it,
  // answers once the user is free, so the stop's answer comes after everything it led to.
  (void)ask<AircallUserTraits>(std::to_string(stopped->aircall_user_id),
                               domain::aircall_user::Release{user_id});
  return stopped;
}

Dialer::LiveWord Dialer::live_word(const std::string& user_id, const domain::agent::Start& start) {
  auto live = services_.telephony->live_user(start.aircall_user_id, start.mock_mode);
  if (!live) {
    if (live.error().code == ErrorCode::not_found) {
      return {AgentStart{Error{ErrorCode::invalid_argument,
                               "Aircall has no user " + std::to_string(start.aircall_user_id),
                               "aircallUserId"},
                         std::nullopt},
              std::nullopt};
    }
    return {AgentStart{live.error(), std::nullopt}, std::nullopt};
  }
  domain::AgentState before;
  if (!*live) {
    auto known = agent(user_id);
    if (!known) return {AgentStart{known.error(), std::nullopt}, std::nullopt};
    before = std::move(*known);
  }
  if (auto refusal = domain::check_start(before, start, *live)) {
    return {AgentStart{refusal->error, std::move(refusal)}, std::nullopt};
  }
  if (*live && (*live)->status) return {std::nullopt, (*live)->status};
  return {};
}

}  // namespace dialer::actors
