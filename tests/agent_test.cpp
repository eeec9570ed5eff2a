#include "actors/domain/agent.hpp"

#include <catch2/catch.hpp>

#include "support/fold.hpp"

using namespace dialer;
using namespace dialer::domain;
using namespace dialer::testing;

namespace {
constexpr std::int64_t kNow = 1'790'000'000'000;

AgentState started() {
  AgentState s;
  s.user_id = "agent-7";
  return accept(s, agent::Command{agent::Start{123, 456, false}}, kNow);
}
}  // namespace

TEST_CASE("agent: start needs both Aircall ids and opens a session") {
  AgentState fresh;
  fresh.user_id = "agent-7";
  auto decided = decide(fresh, agent::Command{agent::Start{0, 456, false}});
  REQUIRE_FALSE(decided.ok());
  CHECK(decided.error().field == "aircallUserId");
  CHECK(decide(fresh, agent::Command{agent::Start{123, 0, false}}).error().field == "numberId");

  auto s = started();
  CHECK(s.mode == AgentMode::active);
  CHECK(s.session_started_ms == kNow);
  CHECK(status_label(s, kNow) == "available");
  CHECK(can_take_call(s, kNow));
  // Starting again with the same settings changes nothing.
  CHECK(events_of(s, agent::Command{agent::Start{123, 456, false}}).empty());
}

TEST_CASE("agent: pause takes the reason as status, start again resumes the same session") {
  auto s = accept(started(), agent::Command{agent::Pause{"meeting"}}, kNow + 1000);
  CHECK(s.mode == AgentMode::paused);
  CHECK(status_label(s, kNow) == "meeting");
  CHECK_FALSE(can_take_call(s, kNow));
  auto busy = accept(started(), agent::Command{agent::Pause{""}});
  CHECK(status_label(busy, kNow) == "busy");
  CHECK(events_of(s, agent::Command{agent::Pause{"meeting"}}).empty());

  auto resumed = accept(s, agent::Command{agent::Start{123, 456, false}}, kNow + 5000);
  CHECK(resumed.mode == AgentMode::active);
  CHECK(resumed.session_started_ms == kNow);  // the same session goes on
}

TEST_CASE("agent: pausing or reserving a stopped agent is a conflict") {
  auto stopped = accept(started(), agent::Command{agent::Stop{}}, kNow + 60'000);
  CHECK(stopped.mode == AgentMode::offline);
  CHECK(stopped.session_ended_ms == kNow + 60'000);
  CHECK(refusal(stopped, agent::Command{agent::Pause{"break"}}) == ErrorCode::conflict);
  CHECK(refusal(stopped, agent::Command{agent::Reserve{"c-1", "q-1", kNow}}) ==
        ErrorCode::conflict);
  CHECK(events_of(stopped, agent::Command{agent::Stop{}}).empty());
  AgentState never;
  CHECK(refusal(never, agent::Command{agent::Stop{}}) == ErrorCode::not_found);
}

TEST_CASE("agent: one call at a time, a wrap-up after it, then available again") {
  auto s = accept(started(), agent::Command{agent::Reserve{"c-1", "q-1", kNow}});
  CHECK(status_label(s, kNow) == "dialing");
  CHECK_FALSE(can_take_call(s, kNow));
  CHECK(refusal(s, agent::Command{agent::Reserve{"c-2", "q-2", kNow}}) == ErrorCode::conflict);
  CHECK(events_of(s, agent::Command{agent::Reserve{"c-1", "q-1", kNow}}).empty());

  s = accept(s, agent::Command{agent::CallAnswered{"c-1"}});
  CHECK(status_label(s, kNow) == "in-call");
  CHECK(events_of(s, agent::Command{agent::CallAnswered{"c-1"}}).empty());
  CHECK(events_of(s, agent::Command{agent::CallAnswered{"c-9"}}).empty());
  CHECK(refusal(s, agent::Command{agent::Release{"c-1", events::CallFailure::refused}}) ==
        ErrorCode::conflict);

  s = accept(s, agent::Command{agent::CallEnded{"c-1", 95, kNow + 100'000, 30'000}});
  CHECK(s.calls_completed == 1);
  CHECK(s.talk_seconds == 95);
  CHECK(status_label(s, kNow + 110'000) == "wrap-up");
  CHECK_FALSE(can_take_call(s, kNow + 110'000));
  CHECK(can_take_call(s, kNow + 130'000));
  CHECK(events_of(s, agent::Command{agent::CallEnded{"c-1", 95, kNow, 0}}).empty());
}

TEST_CASE("agent: the status says since when it holds, a wrap-up's end included") {
  auto s = started();
  CHECK(status_since(s, kNow + 5'000) == kNow);
  s = accept(s, agent::Command{agent::Reserve{"c-1", "q-1", kNow}}, kNow + 10'000);
  CHECK(status_since(s, kNow + 12'000) == kNow + 10'000);
  s = accept(s, agent::Command{agent::CallAnswered{"c-1"}}, kNow + 20'000);
  CHECK(status_since(s, kNow + 25'000) == kNow + 20'000);
  // An event that leaves the word as it is leaves its start as it is.
  s = accept(s, agent::Command{agent::CallAnswered{"c-1"}}, kNow + 30'000);
  CHECK(status_since(s, kNow + 30'000) == kNow + 20'000);
  s = accept(s, agent::Command{agent::CallEnded{"c-1", 95, kNow + 100'000, 30'000}},
             kNow + 100'000);
  CHECK(status_label(s, kNow + 110'000) == "wrap-up");
  CHECK(status_since(s, kNow + 110'000) == kNow + 100'000);
  // The wrap-up ends by the clock: available since its end.
  CHECK(status_label(s, kNow + 140'000) == "available");
  CHECK(status_since(s, kNow + 140'000) == kNow + 130'000);
  s = accept(s, agent::Command{agent::Pause{"lunch"}}, kNow + 200'000);
  CHECK(status_since(s, kNow + 200'000) == kNow + 200'000);
}

TEST_CASE("agent: a reservation whose call never started is released") {
  auto s = accept(started(), agent::Command{agent::Reserve{"c-1", "q-1", kNow}});
  s = accept(s, agent::Command{agent::Release{"c-1", events::CallFailure::user_unavailable}});
  CHECK(s.call_id.empty());
  CHECK(s.calls_completed == 0);
  CHECK(can_take_call(s, kNow));
  CHECK(events_of(s, agent::Command{agent::Release{"c-1", events::CallFailure::refused}}).empty());
}

TEST_CASE("agent: an agent Aircall reports unavailable gets no call") {
  auto s = accept(started(), agent::Command{agent::AircallStatus{std::nullopt, false, std::nullopt,
                                                                 "user.closed"}});
  CHECK_FALSE(can_take_call(s, kNow));
  CHECK(status_label(s, kNow) == "busy");
  CHECK(refusal(s, agent::Command{agent::Reserve{"c-1", "q-1", kNow}}) == ErrorCode::conflict);
  // user.closed can come twice: the second changes nothing.
  CHECK(events_of(s, agent::Command{agent::AircallStatus{std::nullopt, false, std::nullopt,
                                                         "user.closed"}})
            .empty());
  s = accept(s,
             agent::Command{agent::AircallStatus{std::nullopt, true, std::nullopt, "user.opened"}});
  CHECK(can_take_call(s, kNow));
  s = accept(s, agent::Command{
                    agent::AircallStatus{false, std::nullopt, std::nullopt, "user.disconnected"}});
  CHECK_FALSE(can_take_call(s, kNow));
  s = accept(s, agent::Command{agent::AircallStatus{true, std::nullopt, true, "user.wut_start"}});
  CHECK(status_label(s, kNow) == "wrap-up");
  CHECK_FALSE(can_take_call(s, kNow));
}

TEST_CASE("agent: a new session after a stop starts its counts afresh") {
  auto s = accept(started(), agent::Command{agent::Reserve{"c-1", "q-1", kNow}});
  s = accept(s, agent::Command{agent::CallAnswered{"c-1"}});
  s = accept(s, agent::Command{agent::CallEnded{"c-1", 40, kNow, 0}});
  s = accept(s, agent::Command{agent::Stop{}}, kNow + 1);
  CHECK(s.calls_completed == 1);
  s = accept(s, agent::Command{agent::Start{123, 456, true}}, kNow + 2);
  CHECK(s.calls_completed == 0);
  CHECK(s.session_started_ms == kNow + 2);
  CHECK(s.mock_mode);
}

TEST_CASE("agent: a release after Aircall refused the user holds the agent back") {
  auto s = accept(started(), agent::Command{agent::Reserve{"c-1", "q-1", kNow}});
  s = accept(s, agent::Command{
                    agent::Release{"c-1", events::CallFailure::user_unavailable, kNow + 30'000}});
  CHECK(s.call_id.empty());
  CHECK_FALSE(can_take_call(s, kNow + 29'999));
  CHECK(can_take_call(s, kNow + 30'000));
}

TEST_CASE("agent: a start needs the number to be the user's and Aircall to give them calls") {
  AgentState before;
  before.user_id = "agent-7";
  agent::Start start{123, 456, false};
  LiveUser live{{455, 456}, "available", true, std::nullopt};
  CHECK_FALSE(check_start(before, start, live).has_value());

  live.number_ids = {455};
  auto not_theirs = check_start(before, start, live);
  REQUIRE(not_theirs);
  CHECK(not_theirs->error.field == "numberId");
  CHECK(not_theirs->aircall_status.empty());

  live = LiveUser{{456}, "do_not_disturb", false, std::nullopt};
  auto unavailable = check_start(before, start, live);
  REQUIRE(unavailable);
  CHECK(unavailable->error.message == "Agent is not available in Aircall");
  CHECK(unavailable->aircall_status == "do_not_disturb");
  CHECK(unavailable->connected);
  live.availability = "offline";
  CHECK_FALSE(check_start(before, start, live)->connected);
}

TEST_CASE("agent: with no directory to ask, a start goes by the webhooks' last word") {
  auto s = started();
  agent::Start again{123, 456, false};
  CHECK_FALSE(check_start(s, again, std::nullopt).has_value());
  s = accept(s, agent::Command{agent::AircallStatus{false, false, std::nullopt, "user.closed"}});
  auto refused = check_start(s, again, std::nullopt);
  REQUIRE(refused);
  CHECK(refused->aircall_status == "unavailable");
  CHECK_FALSE(refused->connected);
  // Another Aircall user: nothing is known of them.
  CHECK_FALSE(check_start(s, agent::Start{124, 456, false}, std::nullopt).has_value());
}
