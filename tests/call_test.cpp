#include "actors/domain/call.hpp"

#include <catch2/catch.hpp>

#include "support/fold.hpp"

using namespace dialer;
using namespace dialer::domain;
using namespace dialer::testing;

namespace {
constexpr std::int64_t kAircallId = 812345678901;
constexpr std::int64_t kT = 1'790'000'000'000;

events::CallRequested request() {
  return {"c-1", "q-1", "agent-7", 123, 456, "+43720880079", 1};
}

CallState requested() {
  return accept(CallState{}, call::Command{call::Request{request()}}, kT);
}

events::CallEnded ended(std::optional<std::int64_t> answered = kT + 8000) {
  events::CallEnded e;
  e.aircall_call_id = kAircallId;
  e.started_at_ms = kT + 1000;
  e.answered_at_ms = answered;
  e.ended_at_ms = kT + 100'000;
  e.duration_seconds = 99;
  e.outcome = answered ? events::CallOutcome::connected : events::CallOutcome::no_answer;
  return e;
}
}  // namespace

TEST_CASE("call: requested, accepted, created, answered, hung up, ended") {
  auto s = requested();
  CHECK(s.phase == CallPhase::requested);
  CHECK(start_unresolved(s));
  s = accept(s, call::Command{call::StartAccepted{}});
  CHECK(s.phase == CallPhase::accepted);
  CHECK_FALSE(start_unresolved(s));
  s = accept(s, call::Command{call::Created{kAircallId, kT + 1000}});
  CHECK(s.phase == CallPhase::created);
  CHECK(s.aircall_call_id == kAircallId);
  s = accept(s, call::Command{call::Answered{kAircallId, kT + 8000}});
  CHECK(s.phase == CallPhase::answered);
  s = accept(s, call::Command{call::HungUp{kAircallId, kT + 99'000}});
  CHECK(s.phase == CallPhase::hung_up);
  s = accept(s, call::Command{call::Ended{ended()}});
  CHECK(s.phase == CallPhase::ended);
  CHECK(finished(s));
  CHECK(s.ended->duration_seconds == 99);
}

TEST_CASE("call: a request needs its parts and is made once") {
  auto bad = request();
  bad.aircall_user_id = 0;
  CHECK(refusal(CallState{}, call::Command{call::Request{bad}}) == ErrorCode::invalid_argument);
  auto s = requested();
  CHECK(events_of(s, call::Command{call::Request{request()}}).empty());
  auto other = request();
  other.phone_number = "+33100000000";
  CHECK(refusal(s, call::Command{call::Request{other}}) == ErrorCode::conflict);
}

TEST_CASE("call: a refused start ends it, and later news changes nothing") {
  auto s = accept(requested(),
                  call::Command{call::StartFailed{events::CallFailure::user_unavailable, "405"}});
  CHECK(s.phase == CallPhase::start_failed);
  CHECK(finished(s));
  CHECK(events_of(s, call::Command{call::StartAccepted{}}).empty());
  CHECK(events_of(s, call::Command{call::Created{kAircallId, kT}}).empty());
  CHECK(events_of(s, call::Command{call::Ended{ended()}}).empty());
}

TEST_CASE("call: duplicate telephony events change nothing") {
  auto s = accept(requested(), call::Command{call::Created{kAircallId, kT}});
  CHECK(events_of(s, call::Command{call::Created{kAircallId, kT}}).empty());
  s = accept(s, call::Command{call::Answered{kAircallId, kT + 5}});
  CHECK(events_of(s, call::Command{call::Answered{kAircallId, kT + 5}}).empty());
  s = accept(s, call::Command{call::Ended{ended()}});
  CHECK(events_of(s, call::Command{call::Ended{ended()}}).empty());
  CHECK(events_of(s, call::Command{call::HungUp{kAircallId, kT}}).empty());
}

TEST_CASE("call: events before call.created imply it, an ended call never rings again") {
  std::vector<events::Event> out;
  auto s = accept(requested(), call::Command{call::Ended{ended(std::nullopt)}}, kT, &out);
  REQUIRE(out.size() == 2);
  CHECK(std::holds_alternative<events::CallCreated>(out[0]));
  CHECK(s.phase == CallPhase::ended);
  CHECK(s.aircall_call_id == kAircallId);
  CHECK(events_of(s, call::Command{call::Created{kAircallId, kT}}).empty());
  CHECK(events_of(s, call::Command{call::Lost{"late"}}).empty());
}

TEST_CASE("call: a late answered is recorded but does not reopen the call") {
  auto s = accept(requested(), call::Command{call::Created{kAircallId, kT}});
  s = accept(s, call::Command{call::HungUp{kAircallId, kT + 30'000}});
  s = accept(s, call::Command{call::Answered{kAircallId, kT + 9000}});
  CHECK(s.phase == CallPhase::hung_up);
  CHECK(s.answered_at_ms == kT + 9000);
  s = accept(s, call::Command{call::Ended{ended()}});
  auto late = accept(s, call::Command{call::Answered{kAircallId, kT + 9000}});
  CHECK(late.phase == CallPhase::ended);
}

TEST_CASE("call: events of another Aircall call are ignored") {
  auto s = accept(requested(), call::Command{call::Created{kAircallId, kT}});
  CHECK(events_of(s, call::Command{call::Answered{kAircallId + 1, kT}}).empty());
  auto other = ended();
  other.aircall_call_id = kAircallId + 1;
  CHECK(events_of(s, call::Command{call::Ended{other}}).empty());
}

TEST_CASE("call: a start with no trace at Aircall is lost") {
  auto s =
      accept(requested(), call::Command{call::Lost{"no call.created and none in the call list"}});
  CHECK(s.phase == CallPhase::lost);
  CHECK(finished(s));
  auto created = accept(requested(), call::Command{call::Created{kAircallId, kT}});
  CHECK(events_of(created, call::Command{call::Lost{"x"}}).empty());
}

TEST_CASE("call: one the telephony forgot is lost before its creation, ended after it") {
  auto lost = accept(requested(), call::Command{call::Vanished{"forgot", kT + 9}});
  CHECK(lost.phase == CallPhase::lost);

  auto ringing = accept(requested(), call::Command{call::Created{kAircallId, kT}});
  auto ended = accept(ringing, call::Command{call::Vanished{"forgot", kT + 60'000}});
  REQUIRE(ended.phase == CallPhase::ended);
  CHECK(ended.ended->outcome == events::CallOutcome::error);
  CHECK(ended.ended->ended_at_ms == kT + 60'000);
  CHECK(ended.ended->duration_seconds == 60);
  CHECK(ended.ended->hangup_cause == "vanished");

  auto answered = accept(ringing, call::Command{call::Answered{kAircallId, kT + 5'000}});
  auto talked = accept(answered, call::Command{call::Vanished{"forgot", kT + 90'000}});
  CHECK(talked.ended->outcome == events::CallOutcome::connected);
  CHECK(events_of(talked, call::Command{call::Vanished{"again", kT + 99'000}}).empty());
}
