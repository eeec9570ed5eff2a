// domain::aircall_user: one dialler agent per Aircall user, as its own aggregate.

#include "actors/domain/aircall_user.hpp"

#include <catch2/catch.hpp>

using namespace dialer;
using namespace dialer::domain;
using namespace dialer::domain::aircall_user;

namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;

AircallUserState held_by(const std::string& agent_id, std::int64_t at_ms = kNow) {
  AircallUserState user;
  user.aircall_user_id = 21;
  user = evolve(user, events::AircallUserClaimed{agent_id}, at_ms);
  return user;
}

AgentState an_agent(AgentMode mode, std::int64_t aircall_user_id = 21) {
  AgentState state;
  state.mode = mode;
  state.aircall_user_id = aircall_user_id;
  return state;
}

}  // namespace

TEST_CASE("aircall user: a free user is claimed and its holder claiming again changes nothing") {
  AircallUserState user;
  user.aircall_user_id = 21;
  auto claimed = decide(user, Claim{"agent-1", {}});
  REQUIRE(claimed.ok());
  REQUIRE(claimed->size() == 1);
  CHECK(std::get<events::AircallUserClaimed>(claimed->front()).agent_id == "agent-1");
  user = evolve(user, claimed->front(), kNow);
  CHECK(user.held_by == "agent-1");
  CHECK(user.claimed_at_ms == kNow);
  CHECK(decide(user, Claim{"agent-1", {}})->empty());
}

TEST_CASE("aircall user: another agent is refused and told who dials as the user") {
  auto user = held_by("agent-1");
  auto refused = decide(user, Claim{"agent-2", {}});
  REQUIRE(!refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK(refused.error().field == "aircallUserId");
  CHECK(refused.error().message.find("agent-1") != std::string::npos);
  CHECK(refused.error().message.find("21") != std::string::npos);
  // Taking over needs the holder named: one found stale, not any other.
  CHECK(!decide(user, Claim{"agent-2", "agent-9"}).ok());
  auto taken = decide(user, Claim{"agent-2", "agent-1"});
  REQUIRE(taken.ok());
  CHECK(std::get<events::AircallUserClaimed>(taken->front()).agent_id == "agent-2");
}

TEST_CASE("aircall user: only the holder's release frees the user") {
  auto user = held_by("agent-1");
  CHECK(decide(user, Release{"agent-2"})->empty());
  auto released = decide(user, Release{"agent-1"});
  REQUIRE(released->size() == 1);
  user = evolve(user, released->front(), kNow + 1);
  CHECK(user.held_by.empty());
  CHECK(decide(user, Claim{"agent-2", {}})->size() == 1);
  CHECK(decide(AircallUserState{}, Claim{"", {}}).error().field == "agentId");
}

TEST_CASE("aircall user: an agent gives its user up when it stops or moves to another") {
  CHECK(user_given_up(an_agent(AgentMode::active), an_agent(AgentMode::offline)) == 21);
  CHECK(user_given_up(an_agent(AgentMode::paused), an_agent(AgentMode::offline)) == 21);
  CHECK(user_given_up(an_agent(AgentMode::active), an_agent(AgentMode::active, 22)) == 21);
  CHECK(user_given_up(an_agent(AgentMode::active), an_agent(AgentMode::paused)) == 0);
  CHECK(user_given_up(an_agent(AgentMode::offline), an_agent(AgentMode::active)) == 0);
  CHECK(user_given_up(an_agent(AgentMode::active, 0), an_agent(AgentMode::offline, 0)) == 0);
}

TEST_CASE(
    "aircall user: a claim is stale only once its holder no longer dials as the user and "
    "the grace has passed") {
  auto user = held_by("agent-1", kNow);
  auto later = kNow + kUserClaimGraceMs + 1;
  CHECK(!claim_is_stale(user, an_agent(AgentMode::active), later));
  CHECK(!claim_is_stale(user, an_agent(AgentMode::paused), later));
  // A start in progress: claimed, not started yet.
  CHECK(!claim_is_stale(user, an_agent(AgentMode::offline), kNow + 1'000));
  CHECK(claim_is_stale(user, an_agent(AgentMode::offline), later));
  CHECK(claim_is_stale(user, an_agent(AgentMode::active, 22), later));
  CHECK(!claim_is_stale(AircallUserState{}, an_agent(AgentMode::offline), later));
}
