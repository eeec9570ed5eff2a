// domain::settle: what a call's end tells its item and its agent, for every way it ends.

#include "actors/domain/settlement.hpp"

#include <catch2/catch.hpp>

using namespace dialer;
using namespace dialer::domain;
using events::CallFailure;
using events::CallOutcome;

namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;
const std::string kCall = "c-1";

DialerSettings settings() {
  DialerSettings s;
  s.max_retries = 2;
  s.retry_delay_ms = 5 * 60'000;
  s.retry_on = {CallOutcome::no_answer, CallOutcome::busy};
  s.wrap_up_ms = 45'000;
  return s;
}

CallState ended(std::optional<std::int64_t> answered_at, std::int64_t ended_at,
                CallOutcome outcome) {
  CallState call;
  call.phase = CallPhase::ended;
  call.request.call_id = kCall;
  call.answered_at_ms = answered_at;
  events::CallEnded details;
  details.ended_at_ms = ended_at;
  details.outcome = outcome;
  call.ended = details;
  return call;
}

CallState failed(CallFailure failure) {
  CallState call;
  call.phase = CallPhase::start_failed;
  call.request.call_id = kCall;
  call.failure = failure;
  return call;
}

}  // namespace

TEST_CASE("settle: an answered call records its outcome and starts the agent's wrap-up") {
  auto [item, agent] =
      settle(kCall, ended(kNow - 95'500, kNow - 500, CallOutcome::connected), settings(), kNow);
  const auto& outcome = std::get<queue_item::RecordOutcome>(item);
  CHECK(outcome.call_id == kCall);
  CHECK(outcome.outcome == CallOutcome::connected);
  CHECK(outcome.now_ms == kNow);
  CHECK(outcome.policy.max_retries == 2);
  CHECK(outcome.policy.retry_delay_ms == 5 * 60'000);
  CHECK(outcome.policy.retry_on == settings().retry_on);
  const auto& end = std::get<agent::CallEnded>(agent);
  CHECK(end.call_id == kCall);
  CHECK(end.talk_seconds == 95);
  CHECK(end.now_ms == kNow);
  CHECK(end.wrap_up_ms == 45'000);
}

TEST_CASE("settle: a call nobody answered has no talk time, and its outcome decides the retry") {
  auto [item, agent] =
      settle(kCall, ended(std::nullopt, kNow, CallOutcome::no_answer), settings(), kNow);
  CHECK(std::get<queue_item::RecordOutcome>(item).outcome == CallOutcome::no_answer);
  CHECK(std::get<agent::CallEnded>(agent).talk_seconds == 0);
}

TEST_CASE("settle: a talk time that ends before its answer, by clocks' skew, counts as none") {
  auto [item, agent] =
      settle(kCall, ended(kNow, kNow - 2'000, CallOutcome::connected), settings(), kNow);
  CHECK(std::get<agent::CallEnded>(agent).talk_seconds == 0);
}

TEST_CASE("settle: a number Aircall refuses is a wrong number, an attempt spent") {
  auto [item, agent] = settle(kCall, failed(CallFailure::bad_number), settings(), kNow);
  const auto& outcome = std::get<queue_item::RecordOutcome>(item);
  CHECK(outcome.outcome == CallOutcome::wrong_number);
  const auto& release = std::get<agent::Release>(agent);
  CHECK(release.reason == CallFailure::bad_number);
  CHECK(release.hold_until_ms == 0);
}

TEST_CASE("settle: an agent Aircall calls unavailable is held back 30 seconds") {
  auto [item, agent] = settle(kCall, failed(CallFailure::user_unavailable), settings(), kNow);
  CHECK(std::get<queue_item::Release>(item).reason == CallFailure::user_unavailable);
  const auto& release = std::get<agent::Release>(agent);
  CHECK(release.reason == CallFailure::user_unavailable);
  CHECK(release.hold_until_ms == kNow + kUnavailableHoldMs);
}

TEST_CASE("settle: other refused starts give both back at once, with no attempt spent") {
  for (auto failure : {CallFailure::refused, CallFailure::rate_limited, CallFailure::agent_left,
                       CallFailure::not_reserved}) {
    auto [item, agent] = settle(kCall, failed(failure), settings(), kNow);
    const auto& item_release = std::get<queue_item::Release>(item);
    CHECK(item_release.call_id == kCall);
    CHECK(item_release.reason == failure);
    const auto& agent_release = std::get<agent::Release>(agent);
    CHECK(agent_release.reason == failure);
    CHECK(agent_release.hold_until_ms == 0);
  }
}

TEST_CASE("settle: a call Aircall has no trace of gives both back as lost") {
  CallState lost;
  lost.phase = CallPhase::lost;
  lost.failure = CallFailure::lost;
  auto [item, agent] = settle(kCall, lost, settings(), kNow);
  CHECK(std::get<queue_item::Release>(item).reason == CallFailure::lost);
  CHECK(std::get<agent::Release>(agent).reason == CallFailure::lost);
}

TEST_CASE("settle: a call never requested gives back what was reserved, under its own id") {
  auto [item, agent] = settle(kCall, CallState{}, settings(), kNow);
  const auto& item_release = std::get<queue_item::Release>(item);
  CHECK(item_release.call_id == kCall);
  CHECK(item_release.reason == CallFailure::not_requested);
  CHECK(std::get<agent::Release>(agent).call_id == kCall);
}
