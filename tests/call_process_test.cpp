// domain::call_process: a dialling attempt input by input, without CAF: what it asks, what it
// starts, what it arms, and how it settles.

#include "actors/domain/call_process.hpp"

#include <catch2/catch.hpp>

using namespace dialer;
using namespace dialer::domain;
using namespace dialer::domain::call_process;
using events::CallFailure;

namespace {

constexpr std::int64_t kNow = 1'790'000'000'000;

// The effects by name, in order, so a test reads as the sequence it expects.
std::vector<std::string> names(const Effects& effects) {
  std::vector<std::string> out;
  for (const auto& effect : effects) {
    out.push_back(std::visit(
        [](const auto& e) -> std::string {
          using E = std::decay_t<decltype(e)>;
          if constexpr (std::is_same_v<E, Submit>) return "submit";
          if constexpr (std::is_same_v<E, AskItem>) return "ask item";
          if constexpr (std::is_same_v<E, AskAgent>) return "ask agent";
          if constexpr (std::is_same_v<E, AskNumber>) return "ask number";
          if constexpr (std::is_same_v<E, Expect>) return "expect";
          if constexpr (std::is_same_v<E, Known>) return "known";
          if constexpr (std::is_same_v<E, Forget>) return "forget";
          if constexpr (std::is_same_v<E, StartTelephony>) return "start";
          if constexpr (std::is_same_v<E, FindCall>) return "find";
          if constexpr (std::is_same_v<E, HangUp>) return "hang up";
          if constexpr (std::is_same_v<E, ArmTimeout>) return "arm timeout";
          if constexpr (std::is_same_v<E, ArmLiveCheck>) return "arm live check";
          if constexpr (std::is_same_v<E, ArmGo>) return "arm go";
          if constexpr (std::is_same_v<E, ReadAgent>) return "read agent";
          if constexpr (std::is_same_v<E, Finish>) return "finish";
        },
        effect));
  }
  return out;
}

template <class E>
const E& nth(const Effects& effects, std::size_t index) {
  REQUIRE(index < effects.size());
  const auto* effect = std::get_if<E>(&effects[index]);
  REQUIRE(effect != nullptr);
  return *effect;
}

template <class Command>
const Command& submitted(const Effects& effects, std::size_t index) {
  const auto* command = std::get_if<Command>(&nth<Submit>(effects, index).command);
  REQUIRE(command != nullptr);
  return *command;
}

events::CallRequested request() {
  events::CallRequested r;
  r.call_id = "c-1";
  r.queue_item_id = "i-1";
  r.agent_id = "a-1";
  r.aircall_user_id = 77;
  r.number_id = 5;
  r.phone_number = "+33 6 12 34 56 78";
  r.attempt = 1;
  return r;
}

CallState requested_call() {
  CallState call;
  call.phase = CallPhase::requested;
  call.request = request();
  call.requested_at_ms = kNow;
  return call;
}

AgentState reserved_agent() {
  AgentState agent;
  agent.mode = AgentMode::active;
  agent.call_id = "c-1";
  return agent;
}

Process started_process() {
  Process process;
  process.call_id = "c-1";
  return process;
}

// A call's process and the world it steps in.
struct Fixture {
  DialerSettings settings;
  std::int64_t now_us = kNow * 1000;
  bool can_hang_up = false;
  Process process = started_process();
  CallState call;

  Effects step(const Input& input) {
    return call_process::step(process, call, input, Context{settings, now_us, can_hang_up});
  }
  // Dials and has all four reservations granted.
  Effects dial_granted(std::int64_t start_at_ms = 0) {
    step(Dial{request(), start_at_ms});
    call = requested_call();
    for (auto party : {Party::item, Party::agent, Party::number}) step(Reserved{party});
    return step(Reserved{Party::request});
  }
};

}  // namespace

TEST_CASE("call process: dialling asks for all four reservations at once and starts nothing") {
  Fixture f;
  auto effects = f.step(Dial{request(), 0});
  REQUIRE(names(effects) ==
          std::vector<std::string>{"ask item", "ask agent", "ask number", "submit"});
  CHECK(nth<AskItem>(effects, 0).id == "i-1");
  CHECK(std::get<queue_item::Assign>(nth<AskItem>(effects, 0).command).now_ms == kNow);
  CHECK(nth<AskAgent>(effects, 1).id == "a-1");
  CHECK(nth<AskNumber>(effects, 2).id == "+33 6 12 34 56 78");
  CHECK(submitted<call::Request>(effects, 3).request.call_id == "c-1");
  for (std::size_t i = 0; i < effects.size(); ++i) {
    std::visit(
        [](const auto& e) {
          if constexpr (requires { e.then; }) CHECK(e.then == Then::reserved);
        },
        effects[i]);
  }
}

TEST_CASE("call process: a call reserved ahead of the wrap-up's end reserves for that moment") {
  Fixture f;
  auto effects = f.step(Dial{request(), kNow + 20'000});
  CHECK(std::get<queue_item::Assign>(nth<AskItem>(effects, 0).command).now_ms == kNow + 20'000);
  CHECK(std::get<agent::Reserve>(nth<AskAgent>(effects, 1).command).now_ms == kNow + 20'000);
}

TEST_CASE("call process: the telephony is asked only after the fourth reservation answers") {
  Fixture f;
  f.step(Dial{request(), 0});
  f.call = requested_call();
  CHECK(f.step(Reserved{Party::request}).empty());
  CHECK(f.step(Reserved{Party::number}).empty());
  CHECK(f.step(Reserved{Party::agent}).empty());
  REQUIRE(names(f.step(Reserved{Party::item})) == std::vector<std::string>{"read agent"});

  auto agent = reserved_agent();
  auto effects = f.step(AgentIs{&agent});
  REQUIRE(names(effects) == std::vector<std::string>{"expect", "arm timeout", "start"});
  CHECK(nth<Expect>(effects, 0).digits == "33612345678");
  CHECK(nth<Expect>(effects, 0).aircall_user_id == 77);
  const auto& start = nth<StartTelephony>(effects, 2).call;
  CHECK(start.call_id == "c-1");
  CHECK(start.aircall_user_id == 77);
  CHECK(start.number_id == 5);
  CHECK(start.to == "+33 6 12 34 56 78");
}

TEST_CASE("call process: a start before its hour waits for it and then starts") {
  Fixture f;
  f.dial_granted(kNow + 1'500);
  auto agent = reserved_agent();
  auto effects = f.step(AgentIs{&agent});
  REQUIRE(names(effects) == std::vector<std::string>{"arm go"});
  CHECK(nth<ArmGo>(effects, 0).wait_us == 1'500'000);

  f.now_us = (kNow + 1'500) * 1000;
  REQUIRE(names(f.step(Go{})) == std::vector<std::string>{"read agent"});
  CHECK(names(f.step(AgentIs{&agent})) ==
        std::vector<std::string>{"expect", "arm timeout", "start"});
}

TEST_CASE("call process: an agent who left or is busy at Aircall before the start gives it back") {
  Fixture f;
  f.dial_granted();
  auto agent = reserved_agent();
  SECTION("paused") {
    agent.mode = AgentMode::paused;
  }
  SECTION("reserved for another call") {
    agent.call_id = "c-2";
  }
  SECTION("wrapping up at Aircall") {
    agent.aircall_wrapping_up = true;
  }
  SECTION("not on the board") {
    auto effects = f.step(AgentIs{nullptr});
    CHECK(submitted<call::StartFailed>(effects, 0).code == CallFailure::agent_left);
    return;
  }
  auto effects = f.step(AgentIs{&agent});
  REQUIRE(names(effects) == std::vector<std::string>{"submit"});
  CHECK(submitted<call::StartFailed>(effects, 0).code == CallFailure::agent_left);
}

TEST_CASE(
    "call process: a refused reservation closes the request and settles only what was "
    "reserved") {
  Fixture f;
  f.step(Dial{request(), 0});
  f.call = requested_call();
  f.step(Reserved{Party::item});
  f.step(Reserved{Party::agent, "the agent is paused"});
  f.step(Reserved{Party::number});
  auto effects = f.step(Reserved{Party::request});
  REQUIRE(names(effects) == std::vector<std::string>{"submit"});
  const auto& failed = submitted<call::StartFailed>(effects, 0);
  CHECK(failed.code == CallFailure::not_reserved);
  CHECK(failed.message == "the agent is paused");

  // The request's close is durable: the settlement goes to the item only.
  auto before = f.call;
  f.call.phase = CallPhase::start_failed;
  f.call.failure = CallFailure::not_reserved;
  effects = f.step(Changed{before});
  REQUIRE(names(effects) == std::vector<std::string>{"forget", "ask item"});
  CHECK(nth<AskItem>(effects, 1).then == Then::settled);
  CHECK(names(f.step(Settled{})) == std::vector<std::string>{"finish"});
}

TEST_CASE("call process: with no request recorded the reservations are given back at once") {
  Fixture f;
  f.step(Dial{request(), 0});
  f.step(Reserved{Party::item, "already being dialled"});
  f.step(Reserved{Party::agent});
  f.step(Reserved{Party::number});
  auto effects = f.step(Reserved{Party::request, "conflict"});
  REQUIRE(names(effects) == std::vector<std::string>{"forget", "ask agent"});
  CHECK(nth<AskAgent>(effects, 1).id == "a-1");
  CHECK(f.process.item_id.empty());
  CHECK(names(f.step(Settled{})) == std::vector<std::string>{"finish"});
}

TEST_CASE("call process: the telephony's answer to the start becomes the call's command") {
  Fixture f;
  f.call = requested_call();
  auto started = [&](StartStatus status) {
    return f.step(Started{StartResult{status, "said Aircall"}});
  };
  CHECK(std::holds_alternative<call::StartAccepted>(
      nth<Submit>(started(StartStatus::accepted), 0).command));
  CHECK(started(StartStatus::unknown).empty());
  CHECK(submitted<call::StartFailed>(started(StartStatus::user_unavailable), 0).code ==
        CallFailure::user_unavailable);
  CHECK(submitted<call::StartFailed>(started(StartStatus::bad_number), 0).code ==
        CallFailure::bad_number);
  CHECK(submitted<call::StartFailed>(started(StartStatus::refused), 0).code ==
        CallFailure::refused);
  auto limited = started(StartStatus::rate_limited);
  CHECK(submitted<call::StartFailed>(limited, 0).code == CallFailure::rate_limited);
  CHECK(submitted<call::StartFailed>(limited, 0).message == "said Aircall");
}

TEST_CASE("call process: a late call.created makes it ask Aircall's call list once at a time") {
  Fixture f;
  f.call = requested_call();
  auto effects = f.step(Timeout{});
  REQUIRE(names(effects) == std::vector<std::string>{"find"});
  const auto& query = nth<FindCall>(effects, 0).query;
  CHECK(query.aircall_user_id == 77);
  CHECK(query.since_ms == kNow - kLookupSlackMs);
  CHECK(f.step(Timeout{}).empty());  // the first lookup has not answered

  SECTION("not found: lost") {
    auto found = f.step(Found{std::optional<FoundCall>{}});
    CHECK(!submitted<call::Lost>(found, 0).reason.empty());
    CHECK(!f.process.asking);
  }
  SECTION("the list could not be read: ask again later") {
    CHECK(names(f.step(Found{Error{ErrorCode::unavailable, "down"}})) ==
          std::vector<std::string>{"arm timeout"});
  }
  SECTION("found, answered and ended: the three facts in order") {
    FoundCall known{9001, kNow + 1'000, kNow + 5'000, events::CallEnded{}};
    auto found = f.step(Found{std::optional<FoundCall>{known}});
    REQUIRE(names(found) == std::vector<std::string>{"submit", "submit", "submit"});
    CHECK(submitted<call::Created>(found, 0).aircall_call_id == 9001);
    CHECK(submitted<call::Answered>(found, 1).answered_at_ms == kNow + 5'000);
    CHECK(std::holds_alternative<call::Ended>(nth<Submit>(found, 2).command));
  }
}

TEST_CASE("call process: a call Aircall once knew and no longer lists has vanished") {
  Fixture f;
  f.call = requested_call();
  f.call.phase = CallPhase::answered;
  f.call.aircall_call_id = 9001;
  f.step(LiveCheck{});
  auto effects = f.step(Found{std::optional<FoundCall>{}});
  CHECK(submitted<call::Vanished>(effects, 0).at_ms == kNow);
}

TEST_CASE("call process: once Aircall names the call it is known and checked while it lives") {
  Fixture f;
  f.call = requested_call();
  auto before = f.call;
  f.call.phase = CallPhase::created;
  f.call.aircall_call_id = 9001;
  auto effects = f.step(Changed{before});
  REQUIRE(names(effects) == std::vector<std::string>{"known", "arm live check"});
  CHECK(nth<Known>(effects, 0).aircall_call_id == 9001);

  REQUIRE(names(f.step(LiveCheck{})) == std::vector<std::string>{"find", "arm live check"});
  // While the lookup is out, the next check arms again but does not ask twice.
  CHECK(names(f.step(LiveCheck{})) == std::vector<std::string>{"arm live check"});
}

TEST_CASE("call process: the agent hears the call was answered while it goes on") {
  Fixture f;
  f.call = requested_call();
  f.process.agent_id = "a-1";
  f.call.phase = CallPhase::created;
  f.call.aircall_call_id = 9001;
  auto before = f.call;
  f.call.phase = CallPhase::answered;
  f.call.answered_at_ms = kNow + 3'000;
  auto effects = f.step(Changed{before});
  REQUIRE(names(effects) == std::vector<std::string>{"ask agent"});
  CHECK(std::holds_alternative<agent::CallAnswered>(nth<AskAgent>(effects, 0).command));
  CHECK(nth<AskAgent>(effects, 0).then == Then::nothing);
}

TEST_CASE("call process: a hang-up asked before Aircall names the call waits for its name") {
  Fixture f;
  f.can_hang_up = true;
  f.call = requested_call();
  CHECK(f.step(HangUpAsked{}).empty());
  auto before = f.call;
  f.call.phase = CallPhase::created;
  f.call.aircall_call_id = 9001;
  auto effects = f.step(Changed{before});
  REQUIRE(names(effects) == std::vector<std::string>{"known", "arm live check", "hang up"});
  CHECK(nth<HangUp>(effects, 2).aircall_call_id == 9001);
  CHECK(names(f.step(HangUpAsked{})) == std::vector<std::string>{"hang up"});
}

TEST_CASE("call process: a telephony that cannot hang up is not asked to") {
  Fixture f;
  f.call = requested_call();
  f.call.aircall_call_id = 9001;
  f.call.phase = CallPhase::answered;
  CHECK(f.step(HangUpAsked{}).empty());
}

TEST_CASE(
    "call process: the end settles the item and the agent once and finishes on both "
    "answers") {
  Fixture f;
  f.process.item_id = "i-1";
  f.process.agent_id = "a-1";
  f.call = requested_call();
  f.call.phase = CallPhase::answered;
  f.call.aircall_call_id = 9001;
  auto before = f.call;
  f.call.phase = CallPhase::ended;
  f.call.ended = events::CallEnded{};
  auto effects = f.step(Changed{before});
  REQUIRE(names(effects) == std::vector<std::string>{"forget", "ask item", "ask agent"});
  CHECK(nth<Forget>(effects, 0).call_id == "c-1");
  CHECK(f.step(Changed{before}).empty());  // settled once
  CHECK(f.step(Settled{}).empty());
  CHECK(names(f.step(Settled{})) == std::vector<std::string>{"finish"});
  CHECK(f.step(LiveCheck{}).empty());  // an ended call is not checked
}

TEST_CASE("call process: a resumed call picks up where the log left it") {
  Fixture f;
  f.process.item_id = "i-1";
  f.process.agent_id = "a-1";
  SECTION("never requested: the reservations go back") {
    CHECK(names(f.step(Resume{})) == std::vector<std::string>{"forget", "ask item", "ask agent"});
  }
  SECTION("known to Aircall: ask its list now and keep checking") {
    f.call = requested_call();
    f.call.phase = CallPhase::created;
    f.call.aircall_call_id = 9001;
    CHECK(names(f.step(Resume{})) == std::vector<std::string>{"known", "find", "arm live check"});
  }
  SECTION("not seen yet: expect its call.created, and ask if none comes") {
    f.call = requested_call();
    auto effects = f.step(Resume{});
    REQUIRE(names(effects) == std::vector<std::string>{"expect", "arm timeout"});
    CHECK(nth<Expect>(effects, 0).call_id == "c-1");
  }
}

TEST_CASE("call process: the telephony's word becomes the call's command") {
  Fixture f;
  f.call = requested_call();
  auto heard = [&](TelephonyEvent::Kind kind) {
    TelephonyEvent event;
    event.kind = kind;
    event.aircall_call_id = 9001;
    event.at_ms = kNow + 7;
    return f.step(Heard{event});
  };
  CHECK(submitted<call::Created>(heard(TelephonyEvent::Kind::created), 0).started_at_ms ==
        kNow + 7);
  CHECK(submitted<call::Answered>(heard(TelephonyEvent::Kind::answered), 0).answered_at_ms ==
        kNow + 7);
  CHECK(submitted<call::HungUp>(heard(TelephonyEvent::Kind::hungup), 0).hungup_at_ms == kNow + 7);
  CHECK(heard(TelephonyEvent::Kind::ended).empty());  // without its details it says nothing
  CHECK(heard(TelephonyEvent::Kind::user_status).empty());
}
