// Dispositions and callbacks in the domain: the team's list, what each action does to the
// item (at once, or when the call ends), the agent's wrap-up, and callbacks in dispatch.

#include "actors/domain/disposition.hpp"

#include <catch2/catch.hpp>

#include "actors/dispatch/dispatch_index.hpp"
#include "actors/domain/agent.hpp"
#include "actors/domain/number.hpp"
#include "actors/domain/queue_item.hpp"
#include "support/civil_time.hpp"
#include "support/fold.hpp"

using namespace dialer;
using namespace dialer::domain;
using dialer::events::CallOutcome;
using dialer::events::DispositionAction;
using namespace dialer::testing;
using nlohmann::json;

namespace {
constexpr std::int64_t kNow = 1'790'000'000'000;
constexpr std::int64_t kMinute = 60'000;

RetryPolicy policy() {
  return {2, 10 * kMinute, {CallOutcome::no_answer, CallOutcome::busy, CallOutcome::error}};
}

QueueItemState added() {
  events::QueueItemAdded item;
  item.item_id = "q-1";
  item.phone_number = "+33612345678";
  return accept(QueueItemState{}, queue_item::Command{queue_item::Add{item}}, kNow);
}

QueueItemState dialled(QueueItemState s, const std::string& call_id, std::int64_t at) {
  return accept(s, queue_item::Command{queue_item::Assign{"agent-1", call_id, at}}, at);
}

QueueItemState ended(QueueItemState s, const std::string& call_id, CallOutcome outcome,
                     std::int64_t at) {
  return accept(
      s,
      queue_item::Command{queue_item::RecordOutcome{call_id, outcome, at, policy(), 15 * kMinute}},
      at);
}

events::QueueItemDispositioned decision(std::string call_id, DispositionAction action,
                                        std::optional<std::int64_t> callback_at = {},
                                        std::string callback_agent = {}) {
  events::QueueItemDispositioned d;
  d.call_id = std::move(call_id);
  d.agent_id = "agent-1";
  d.disposition = std::string{to_string(action)};
  d.action = action;
  d.notes = "spoke to the owner";
  d.callback_at_ms = callback_at;
  d.callback_agent = std::move(callback_agent);
  d.source = "api";
  return d;
}

queue_item::Command dispose(events::QueueItemDispositioned d, std::int64_t at) {
  return queue_item::Dispose{std::move(d), at, policy(), 15 * kMinute};
}

DialerSettings defaults() {
  return dialer_settings(ConfigState{});
}

CallState call_of(std::string agent_id, CallPhase phase = CallPhase::ended) {
  CallState call;
  call.phase = phase;
  call.request.call_id = "c-1";
  call.request.agent_id = std::move(agent_id);
  call.request.queue_item_id = "q-1";
  return call;
}
}  // namespace

TEST_CASE("dispositions: the defaults and the checks of dialer.dispositions") {
  auto s = defaults();
  REQUIRE(s.dispositions.size() == 7);
  CHECK(s.find_disposition("callback")->action == DispositionAction::callback);
  CHECK(s.find_disposition("Wrong Number")->code == "wrong-number");  // a label, case folded
  CHECK(s.find_disposition("DO-NOT-CALL")->action == DispositionAction::do_not_call);
  CHECK(s.find_disposition("sold") == nullptr);

  const auto* spec = find_setting("dialer.dispositions");
  REQUIRE(spec);
  auto field_of = [&](json value) {
    auto checked = validate_setting(*spec, value);
    REQUIRE_FALSE(checked.ok());
    return checked.error().field;
  };
  auto one = [](json code, json label, json action) {
    return json{{"code", code}, {"label", label}, {"action", action}};
  };
  CHECK(field_of(json::array()) == "dialer.dispositions");
  CHECK(field_of(json::array({one("a", "A", "complete"), one("a", "B", "retry")})) ==
        "dialer.dispositions[1].code");
  CHECK(field_of(json::array({one("a", "A", "sell")})) == "dialer.dispositions[0].action");
  CHECK(field_of(json::array({one("Has Space", "A", "retry")})) == "dialer.dispositions[0].code");
  CHECK(field_of(json::array({one("a", "", "retry")})) == "dialer.dispositions[0].label");
  auto extra = one("a", "A", "retry");
  extra["colour"] = "red";
  CHECK(field_of(json::array({extra})) == "dialer.dispositions[0].colour");
  CHECK(field_of(json::array({"a"})) == "dialer.dispositions[0]");

  auto sold = validate_setting(*spec, json::array({one("sold", "Sold", "complete")}));
  REQUIRE(sold.ok());
  ConfigState config;
  config.values["dialer.dispositions"] = *sold;
  CHECK(dialer_settings(config).find_disposition("sold")->label == "Sold");
}

TEST_CASE("dispositions: a request is checked against the list and the clock") {
  auto s = defaults();
  DispositionRequest request{"interested", "keen", std::nullopt, CallbackScope::agent, "api"};
  auto ok = check_disposition(s, "c-1", call_of("agent-1"), request, kNow);
  REQUIRE(ok.ok());
  CHECK(ok->agent_id == "agent-1");
  CHECK(ok->action == DispositionAction::complete);
  CHECK(ok->notes == "keen");

  auto field = [&](DispositionRequest r) {
    auto checked = check_disposition(s, "c-1", call_of("agent-1"), r, kNow);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().code == ErrorCode::invalid_argument);
    return checked.error().field;
  };
  CHECK(field({"sold", "", std::nullopt, CallbackScope::agent, "api"}) == "disposition");
  CHECK(field({"callback", "", std::nullopt, CallbackScope::agent, "api"}) == "callbackAt");
  CHECK(field({"callback", "", kNow - 1, CallbackScope::agent, "api"}) == "callbackAt");
  CHECK(field({"callback", "", kNow + kMaxCallbackAheadMs + 1, CallbackScope::agent, "api"}) ==
        "callbackAt");
  CHECK(field({"interested", "", kNow + kMinute, CallbackScope::agent, "api"}) == "callbackAt");

  auto pinned =
      check_disposition(s, "c-1", call_of("agent-1"),
                        {"callback", "", kNow + 60 * kMinute, CallbackScope::agent, "api"}, kNow);
  REQUIRE(pinned.ok());
  CHECK(pinned->callback_agent == "agent-1");
  auto open =
      check_disposition(s, "c-1", call_of("agent-1"),
                        {"callback", "", kNow + 60 * kMinute, CallbackScope::anyone, "api"}, kNow);
  REQUIRE(open.ok());
  CHECK(open->callback_agent.empty());

  auto never =
      check_disposition(s, "c-1", call_of("agent-1", CallPhase::start_failed), request, kNow);
  REQUIRE_FALSE(never.ok());
  CHECK(never.error().code == ErrorCode::conflict);
  auto unknown = check_disposition(s, "c-9", CallState{}, request, kNow);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::not_found);
}

TEST_CASE("dispositions: after the call, the item's fate follows the action at once") {
  auto answered = ended(dialled(added(), "c-1", kNow), "c-1", CallOutcome::connected, kNow);
  REQUIRE(answered.status == ItemStatus::completed);
  auto no_answer = ended(dialled(added(), "c-1", kNow), "c-1", CallOutcome::no_answer, kNow);
  REQUIRE(no_answer.status == ItemStatus::pending);
  REQUIRE(no_answer.retry_due_ms);
  auto later = kNow + 5 * kMinute;

  SECTION("complete ends a retry") {
    auto s = accept(no_answer, dispose(decision("c-1", DispositionAction::complete), later), later);
    CHECK(s.status == ItemStatus::completed);
    CHECK(s.last_result == CallOutcome::no_answer);
    REQUIRE(s.disposition);
    CHECK(s.disposition->notes == "spoke to the owner");
  }
  SECTION("retry re-queues an answered call with the retry policy") {
    auto s = accept(answered, dispose(decision("c-1", DispositionAction::retry), later), later);
    CHECK(s.status == ItemStatus::pending);
    CHECK(s.retry_due_ms == later + 10 * kMinute);
    // A retry already scheduled stays as it is.
    auto events = events_of(no_answer, dispose(decision("c-1", DispositionAction::retry), later));
    CHECK(events.size() == 1);
  }
  SECTION("a callback re-queues a completed item, pinned to its agent for the grace") {
    auto at = kNow + 24 * 60 * kMinute;
    auto s =
        accept(answered,
               dispose(decision("c-1", DispositionAction::callback, at, "agent-1"), later), later);
    CHECK(s.status == ItemStatus::pending);
    CHECK(s.due_at_ms() == at);
    CHECK_FALSE(dialable(s, at - 1));
    CHECK(dialable(s, at));
    CHECK(pinned_agent(s, at) == "agent-1");
    CHECK(pinned_agent(s, at + 15 * kMinute - 1) == "agent-1");
    CHECK(pinned_agent(s, at + 15 * kMinute).empty());
    CHECK(refusal(s, queue_item::Command{queue_item::Assign{"agent-2", "c-2", at}}) ==
          ErrorCode::conflict);
    auto taken =
        accept(s, queue_item::Command{queue_item::Assign{"agent-2", "c-2", at + 15 * kMinute}},
               at + 15 * kMinute);
    CHECK(taken.status == ItemStatus::in_progress);
    CHECK_FALSE(taken.callback_due_ms);
  }
  SECTION("an open callback is anyone's at once") {
    auto at = kNow + 60 * kMinute;
    auto s =
        accept(answered, dispose(decision("c-1", DispositionAction::callback, at), later), later);
    CHECK(pinned_agent(s, at).empty());
  }
  SECTION("wrong number fails the item") {
    auto s =
        accept(no_answer, dispose(decision("c-1", DispositionAction::wrong_number), later), later);
    CHECK(s.status == ItemStatus::failed);
    CHECK(s.last_result == CallOutcome::wrong_number);
  }
  SECTION("do-not-call ends a pending item") {
    auto s =
        accept(no_answer, dispose(decision("c-1", DispositionAction::do_not_call), later), later);
    CHECK(s.status == ItemStatus::completed);
  }
  SECTION("the latest disposition counts") {
    auto at = kNow + 60 * kMinute;
    auto s =
        accept(answered, dispose(decision("c-1", DispositionAction::callback, at), later), later);
    s = accept(s, dispose(decision("c-1", DispositionAction::complete), later), later);
    CHECK(s.status == ItemStatus::completed);
    CHECK(s.disposition->action == DispositionAction::complete);
  }
  SECTION("a call before the item's latest attempt is refused") {
    auto again = dialled(no_answer, "c-2", *no_answer.retry_due_ms);
    CHECK(refusal(again, dispose(decision("c-1", DispositionAction::complete), later)) ==
          ErrorCode::conflict);
    CHECK(refusal(added(), dispose(decision("c-1", DispositionAction::complete), later)) ==
          ErrorCode::conflict);
  }
}

TEST_CASE("dispositions: given during the call, the call's end applies it") {
  auto on_call = dialled(added(), "c-1", kNow);
  auto events = events_of(on_call, dispose(decision("c-1", DispositionAction::complete), kNow));
  REQUIRE(events.size() == 1);
  auto s = accept(on_call, dispose(decision("c-1", DispositionAction::complete), kNow), kNow);
  CHECK(s.status == ItemStatus::in_progress);
  // No answer would be retried; the agent said complete.
  s = ended(s, "c-1", CallOutcome::no_answer, kNow + kMinute);
  CHECK(s.status == ItemStatus::completed);
  CHECK(s.last_result == CallOutcome::no_answer);

  auto callback = accept(
      on_call, dispose(decision("c-1", DispositionAction::callback, kNow + 90 * kMinute), kNow),
      kNow);
  callback = ended(callback, "c-1", CallOutcome::connected, kNow + kMinute);
  CHECK(callback.status == ItemStatus::pending);
  CHECK(callback.due_at_ms() == kNow + 90 * kMinute);
  CHECK(callback.attempts == 1);
}

TEST_CASE("dispositions: the agent's wrap-up ends with one, or waits for one") {
  AgentState s;
  s.user_id = "agent-1";
  s = accept(s, agent::Command{agent::Start{11, 22, true}}, kNow);
  s = accept(s, agent::Command{agent::Reserve{"c-1", "q-1", kNow}}, kNow);
  CHECK(s.last_call_id == "c-1");

  SECTION("a disposition after the call ends the wrap-up") {
    auto after = accept(s, agent::Command{agent::CallEnded{"c-1", 30, kNow, 30'000, false}}, kNow);
    CHECK_FALSE(can_take_call(after, kNow + 1000));
    after = accept(after, agent::Command{agent::Dispose{"c-1", true}}, kNow + 1000);
    CHECK(can_take_call(after, kNow + 1000));
    CHECK(after.last_call_id == "c-1");
  }
  SECTION("a disposition during the call leaves no wrap-up after it") {
    auto during = accept(s, agent::Command{agent::Dispose{"c-1", true}}, kNow);
    during = accept(during, agent::Command{agent::CallEnded{"c-1", 30, kNow + 5000, 30'000, true}},
                    kNow + 5000);
    CHECK(can_take_call(during, kNow + 5000));
    CHECK_FALSE(during.awaiting_disposition);
  }
  SECTION("with wrapUpEndsOnDisposition off, the wrap-up runs its time") {
    auto after = accept(s, agent::Command{agent::CallEnded{"c-1", 30, kNow, 30'000, false}}, kNow);
    after = accept(after, agent::Command{agent::Dispose{"c-1", false}}, kNow + 1000);
    CHECK_FALSE(can_take_call(after, kNow + 1000));
    CHECK(can_take_call(after, kNow + 30'000));
  }
  SECTION("ready ends the wrap-up without a disposition") {
    auto after = accept(s, agent::Command{agent::CallEnded{"c-1", 30, kNow, 30'000, false}}, kNow);
    after = accept(after, agent::Command{agent::Ready{kNow + 2000}}, kNow + 2000);
    CHECK(can_take_call(after, kNow + 2000));
    CHECK(events_of(after, agent::Command{agent::Ready{kNow + 3000}}).empty());
  }
  SECTION("a required disposition holds the agent in wrap-up, ready included") {
    auto after = accept(s, agent::Command{agent::CallEnded{"c-1", 30, kNow, 30'000, true}}, kNow);
    CHECK(after.awaiting_disposition);
    CHECK_FALSE(can_take_call(after, kNow + 3'600'000));
    CHECK(status_label(after, kNow + 3'600'000) == "wrap-up");
    CHECK(refusal(after, agent::Command{agent::Ready{kNow + 60'000}}) == ErrorCode::conflict);
    after = accept(after, agent::Command{agent::Dispose{"c-1", true}}, kNow + 60'000);
    CHECK(can_take_call(after, kNow + 60'000));
    CHECK(status_label(after, kNow + 60'000) == "available");
  }
  SECTION("ready on a call is refused; a disposition of an older call leaves the agent be") {
    CHECK(refusal(s, agent::Command{agent::Ready{kNow}}) == ErrorCode::conflict);
    CHECK(events_of(s, agent::Command{agent::Dispose{"c-0", true}}).empty());
  }
}

TEST_CASE("dispositions: a number marked wrong is not queued again") {
  NumberState number;
  number.phone_number = "+33612345678";
  number = accept(number, number::Command{number::Claim{"q-1", {}}}, kNow);
  number = accept(number, number::Command{number::Release{"q-1"}}, kNow);
  number = accept(number, number::Command{number::MarkWrong{"q-1", "c-1"}}, kNow);
  CHECK(number.marked_wrong_by == "c-1");
  CHECK(refusal(number, number::Command{number::Claim{"q-2", {}}}) == ErrorCode::conflict);
}

TEST_CASE("dispositions: callbacks in dispatch wait for their agent, then anyone, and go first") {
  auto noon = dialer::testing::civil_ms("Europe/Paris", 2026, 11, 27, 12, 0);
  DialerSettings s;
  s.time_zone = "Europe/Paris";
  s.requests_per_minute = 1000;
  s.call_rate_limit_per_minute = 20;
  dispatch::DispatchIndex index;
  index.configure(s);

  dispatch::PendingItem ordinary{"plain", 5, noon - kMinute, "+33612345678", "", ""};
  dispatch::PendingItem callback{"cb", 5, noon, "+33612345679", "", "agent-1"};
  callback.callback = true;
  callback.pinned_until_ms = noon + 15 * kMinute;
  index.item_pending(ordinary);
  index.item_pending(callback);

  // Another agent gets the ordinary item; the callback waits for agent-1.
  index.agent_free({"agent-2", 1, 2, 0});
  auto first = index.take_matches(noon);
  REQUIRE(first.size() == 1);
  CHECK(first[0].item.item_id == "plain");
  index.agent_free({"agent-3", 1, 2, 0});
  CHECK(index.take_matches(noon + 15 * kMinute - 1).empty());
  // Its agent did not come within the grace: anyone's.
  REQUIRE(index.next_wake() == noon + 15 * kMinute);
  auto late = index.take_matches(noon + 15 * kMinute);
  REQUIRE(late.size() == 1);
  CHECK(late[0].item.item_id == "cb");
  CHECK(late[0].agent.agent_id == "agent-3");

  // A callback goes before an ordinary item of the same priority, due earlier or not.
  dispatch::DispatchIndex order;
  order.configure(s);
  order.item_pending({"plain", 5, noon - 60 * kMinute, "+33612345678", "", ""});
  dispatch::PendingItem open_callback{"cb", 5, noon, "+33612345679", "", ""};
  open_callback.callback = true;
  order.item_pending(open_callback);
  order.agent_free({"agent-1", 1, 2, 0});
  auto matched = order.take_matches(noon);
  REQUIRE(matched.size() == 1);
  CHECK(matched[0].item.item_id == "cb");
}

TEST_CASE("dispositions: Aircall's tags name one, the latest first, and comments count once") {
  auto s = defaults();
  s.tag_dispositions["sale"] = "interested";
  CHECK(s.disposition_of_tags({"VIP", "Sale"})->code == "interested");
  CHECK(s.disposition_of_tags({"Not Interested", "VIP"})->code == "not-interested");
  CHECK(s.disposition_of_tags({"Wrong Number", "Sale"})->code == "interested");
  CHECK(s.disposition_of_tags({"VIP"}) == nullptr);
  CHECK(s.disposition_of_tags({}) == nullptr);

  auto answered = ended(dialled(added(), "c-1", kNow), "c-1", CallOutcome::connected, kNow);
  auto from_aircall = decision("c-1", DispositionAction::complete);
  from_aircall.source = "aircall";
  auto tagged = accept(answered, dispose(from_aircall, kNow), kNow);
  auto withdrawn =
      accept(tagged, queue_item::Command{queue_item::WithdrawDisposition{"c-1"}}, kNow);
  CHECK_FALSE(withdrawn.disposition);
  CHECK(withdrawn.status == ItemStatus::completed);  // what the action did stands
  // One the agent gave through the API is theirs: a tag taken off leaves it.
  auto by_agent =
      accept(answered, dispose(decision("c-1", DispositionAction::complete), kNow), kNow);
  CHECK(events_of(by_agent, queue_item::Command{queue_item::WithdrawDisposition{"c-1"}}).empty());

  auto commented =
      accept(answered, queue_item::Command{queue_item::Comment{"c-1", 7, "call after 5"}}, kNow);
  CHECK(commented.comment_ids == std::vector<std::int64_t>{7});
  CHECK(events_of(commented, queue_item::Command{queue_item::Comment{"c-1", 7, "call after 5"}})
            .empty());
  CHECK(refusal(QueueItemState{}, queue_item::Command{queue_item::Comment{"c-1", 8, "x"}}) ==
        ErrorCode::not_found);
}
