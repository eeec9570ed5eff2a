#pragma once

// An Aircall user as the dialer keeps it, in a stream of its own: the agent dialling as that
// person, so that one Aircall user has at most one dialler agent at a time, however many
// start at once. Two agents on one user would be handed calls for one person and one phone.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "actors/domain/agent.hpp"
#include "events/codec.hpp"
#include "events/result.hpp"

namespace dialer::domain {

struct AircallUserState {
  std::int64_t aircall_user_id = 0;
  std::string held_by;  // the agent dialling as this user; empty when none
  std::int64_t claimed_at_ms = 0;
  bool operator==(const AircallUserState&) const = default;
};

// An agent's start claims its user just before it starts; a claim whose agent is still not
// dialling as the user after this long was left behind (a crash between the two).
inline constexpr std::int64_t kUserClaimGraceMs = 60'000;

// Whether `agent` is dialling as Aircall user `aircall_user_id`: started and not stopped
// (paused included: a paused agent resumes on the same phone).
bool dials_as(const AgentState& agent, std::int64_t aircall_user_id);

// The Aircall user an agent's change gave up, to be released; 0 if it gave none up.
std::int64_t user_given_up(const AgentState& before, const AgentState& after);

// Whether the user's holder no longer holds it in truth: `holder`, as it is now, is not
// dialling as the user, and its claim is older than the grace a start in progress needs.
bool claim_is_stale(const AircallUserState& user, const AgentState& holder, std::int64_t now_ms);

namespace aircall_user {

// `agent_id` takes the user; it may take it from `stale_holder`, an agent its caller found no
// longer dialling as the user (see claim_is_stale).
struct Claim {
  std::string agent_id;
  std::string stale_holder;
};
// `agent_id` gives the user up; nothing happens if it does not hold it.
struct Release {
  std::string agent_id;
};

// Whether `agent_id` could take the user now, answered after every command before it and
// writing nothing: refused as a claim would be, else the user as it is.
struct Check {
  std::string agent_id;
};

using Command = std::variant<Claim, Release, Check>;

}  // namespace aircall_user

Result<std::vector<events::Event>> decide(const AircallUserState& state,
                                          const aircall_user::Command& command);
AircallUserState evolve(AircallUserState state, const events::Event& event,
                        std::int64_t recorded_at_ms);

}  // namespace dialer::domain
