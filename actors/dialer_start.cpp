// Dialer::start_agent: an agent's session starts once Aircall's word on the user allows it.

#include "actors/dialer.hpp"

namespace dialer::actors {

AgentStart Dialer::start_agent(const std::string& user_id, domain::agent::Start start) {
  // One agent per Aircall user at a time: two would be handed calls for one person.
  std::lock_guard one_start_at_a_time{starts_};
  if (auto holder = services_.agent_of(start.aircall_user_id);
      !holder.empty() && holder != user_id) {
    auto other = services_.agents.find(holder);
    if (other && other->mode != domain::AgentMode::offline &&
        other->aircall_user_id == start.aircall_user_id) {
      return {Error{ErrorCode::conflict,
                    "Aircall user " + std::to_string(start.aircall_user_id) +
                        " is dialling as agent " + holder + "; stop that agent first",
                    "aircallUserId"},
              std::nullopt};
    }
  }
  auto live = services_.telephony->live_user(start.aircall_user_id, start.mock_mode);
  if (!live) {
    if (live.error().code == ErrorCode::not_found) {
      return {
          Error{ErrorCode::invalid_argument,
                "Aircall has no user " + std::to_string(start.aircall_user_id), "aircallUserId"},
          std::nullopt};
    }
    return {live.error(), std::nullopt};
  }
  domain::AgentState before;
  if (!*live) {
    auto known = agent(user_id);
    if (!known) return {known.error(), std::nullopt};
    before = std::move(*known);
  }
  if (auto refusal = domain::check_start(before, start, *live))
    return {refusal->error, std::move(refusal)};
  auto started = agent(user_id, start);
  // The live word supersedes what earlier webhooks said: a user seen closed long ago and
  // available now takes calls at once.
  if (started && *live && (*live)->status) started = agent(user_id, *(*live)->status);
  return {std::move(started), std::nullopt};
}

}  // namespace dialer::actors
