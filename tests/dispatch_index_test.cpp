#include "actors/dispatch/dispatch_index.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <catch2/catch.hpp>
#include <map>

#include "support/civil_time.hpp"

using namespace dialer;
using namespace dialer::dispatch;

namespace {
constexpr std::int64_t kMinute = 60'000;

// Friday 2026-11-27 12:00 in Paris: inside business hours and France's calling window.
std::int64_t paris(int day, int hour, int minute = 0) {
  return dialer::testing::civil_ms("Europe/Paris", 2026, 11, static_cast<unsigned>(day), hour,
                                   minute);
}
const std::int64_t kNoon = paris(27, 12);

domain::DialerSettings settings() {
  domain::DialerSettings s;
  s.time_zone = "Europe/Paris";
  s.requests_per_minute = 1000;
  s.call_rate_limit_per_minute = 20;
  return s;
}

PendingItem item(std::string id, std::int32_t priority = 10, std::int64_t due = 0,
                 std::string pinned = {}, std::string phone = "+33612345678") {
  return {std::move(id), priority, due, std::move(phone), "", std::move(pinned)};
}

FreeAgent agent(std::string id, std::int64_t free_at = 0) {
  return {std::move(id), 1, 2, free_at};
}

DispatchIndex configured(const domain::DialerSettings& s = settings()) {
  DispatchIndex index;
  index.configure(s);
  return index;
}

// An index that matches an agent 50 ms before its wrap-up or its pace lets it call.
DispatchIndex reserving_ahead(const domain::DialerSettings& s = settings()) {
  auto index = configured(s);
  index.set_reserve_ahead(50);
  return index;
}

std::vector<std::string> items_of(const std::vector<Match>& matches) {
  std::vector<std::string> ids;
  for (const auto& m : matches) ids.push_back(m.item.item_id);
  return ids;
}
}  // namespace

TEST_CASE("dispatch: lower priority first, then the earlier due time") {
  auto index = configured();
  index.item_pending(item("late", 5, kNoon - 1 * kMinute));
  index.item_pending(item("early", 5, kNoon - 5 * kMinute));
  index.item_pending(item("urgent", 1, kNoon));
  index.item_pending(item("low", 20, kNoon - 60 * kMinute));
  for (int i = 0; i < 4; ++i) index.agent_free(agent("a" + std::to_string(i)));
  auto matches = index.take_matches(kNoon);
  CHECK(items_of(matches) == std::vector<std::string>{"urgent", "early", "late", "low"});
  CHECK(index.stats().ready_items == 0);
  CHECK(index.stats().free_agents == 0);
}

TEST_CASE("dispatch: an agent free longest gets the next call, each agent one call") {
  auto index = configured();
  index.agent_free(agent("b", kNoon - 1000));
  index.agent_free(agent("a", kNoon - 5000));
  index.item_pending(item("q1"));
  auto matches = index.take_matches(kNoon);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].agent.agent_id == "a");
  CHECK(index.take_matches(kNoon).empty());  // "a" is busy now, and no item is left
  index.item_pending(item("q2"));
  matches = index.take_matches(kNoon);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].agent.agent_id == "b");
}

TEST_CASE("dispatch: a pinned item waits for its agent") {
  auto index = configured();
  index.item_pending(item("mine", 1, 0, "b"));
  index.item_pending(item("open", 9));
  index.agent_free(agent("a"));
  auto matches = index.take_matches(kNoon);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].item.item_id == "open");
  CHECK(index.take_matches(kNoon).empty());
  index.agent_free(agent("b"));
  matches = index.take_matches(kNoon);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].item.item_id == "mine");
  CHECK(matches[0].agent.agent_id == "b");
}

TEST_CASE("dispatch: a scheduled item and an agent in wrap-up wait for their time") {
  auto index = configured();
  index.item_pending(item("later", 10, kNoon + 10 * kMinute));
  index.agent_free(agent("a"));
  CHECK(index.take_matches(kNoon).empty());
  CHECK(index.next_wake() == kNoon + 10 * kMinute);
  CHECK(index.take_matches(kNoon + 10 * kMinute).size() == 1);

  index.agent_free(agent("b", kNoon + 11 * kMinute));
  index.item_pending(item("now"));
  CHECK(index.take_matches(kNoon + 10 * kMinute).empty());
  CHECK(index.next_wake() == kNoon + 11 * kMinute);
  CHECK(index.take_matches(kNoon + 11 * kMinute).size() == 1);
}

TEST_CASE("dispatch: an agent in wrap-up is matched a head start early, its call set for the end") {
  auto index = reserving_ahead();
  auto wrap_up_end = kNoon + kMinute;
  index.agent_free(agent("a", wrap_up_end));
  index.item_pending(item("q"));
  CHECK(index.take_matches(wrap_up_end - 51).empty());
  CHECK(index.next_wake() == wrap_up_end - 50);
  auto matches = index.take_matches(wrap_up_end - 50);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].start_at_ms == wrap_up_end);

  // An agent free already starts at once.
  index.agent_free(agent("b", kNoon));
  index.item_pending(item("r"));
  matches = index.take_matches(kNoon + 2 * kMinute);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].start_at_ms == kNoon + 2 * kMinute);
}

TEST_CASE("dispatch: a call set to start ahead counts in the budget's windows from its start") {
  auto s = settings();
  s.requests_per_minute = 1;
  auto index = reserving_ahead(s);
  index.agent_free(agent("a", kNoon + 40));
  index.item_pending(item("q1"));
  REQUIRE(index.take_matches(kNoon).size() == 1);  // starts at noon + 40 ms

  // Before that start, it already fills the budget: no call now, and the next one a minute
  // after it.
  index.agent_free(agent("b", kNoon));
  index.item_pending(item("q2"));
  CHECK(index.take_matches(kNoon + 10).empty());
  CHECK(index.next_wake() == kNoon + 40 + kMinute);
  CHECK(index.take_matches(kNoon + 39 + kMinute).empty());
  CHECK(index.take_matches(kNoon + 40 + kMinute).size() == 1);
}

TEST_CASE("dispatch: an agent held by its pace is matched a head start before the pace allows") {
  auto s = settings();
  s.call_rate_limit_per_minute = 2;
  auto index = reserving_ahead(s);
  for (int i = 0; i < 3; ++i) index.item_pending(item("q" + std::to_string(i)));
  index.agent_free(agent("a", kNoon));
  REQUIRE(index.take_matches(kNoon).size() == 1);
  index.agent_free(agent("a", kNoon + 1000));
  REQUIRE(index.take_matches(kNoon + 1000).size() == 1);
  index.agent_free(agent("a", kNoon + 2000));
  CHECK(index.take_matches(kNoon + 2000).empty());
  CHECK(index.next_wake() == kNoon + kMinute - 50);
  // Woken early, the pace is still full now but not when the call starts.
  auto matches = index.take_matches(kNoon + kMinute - 50);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].start_at_ms == kNoon + kMinute);
}

TEST_CASE("dispatch: a call is not set ahead to start after the business hours close") {
  auto index = reserving_ahead();
  auto closing = paris(27, 17);
  index.agent_free(agent("a", closing + 20));
  index.item_pending(item("q"));
  CHECK(index.take_matches(closing - 10).empty());
  auto wake = index.next_wake();
  REQUIRE(wake);
  CHECK(*wake == paris(30, 9));  // Monday morning
  CHECK(index.take_matches(*wake).size() == 1);
}

TEST_CASE("dispatch: the company budget holds in every 60-second window") {
  auto s = settings();
  s.requests_per_minute = 5;
  auto index = configured(s);
  for (int i = 0; i < 40; ++i) index.item_pending(item("q" + std::to_string(i)));
  std::vector<std::int64_t> starts;
  for (std::int64_t t = kNoon; t < kNoon + 8 * kMinute; t += 7'000) {
    for (int a = 0; a < 10; ++a) index.agent_free(agent("a" + std::to_string(a), t));
    for (std::size_t n = index.take_matches(t).size(); n > 0; --n) starts.push_back(t);
    // Held back by the budget, the index says when to look again.
    if (index.stats().ready_items > 0) REQUIRE(index.next_wake().has_value());
  }
  REQUIRE(starts.size() >= 30);
  for (std::size_t i = 0; i < starts.size(); ++i) {
    auto in_window = std::count_if(starts.begin(), starts.end(), [&](std::int64_t t) {
      return t >= starts[i] && t < starts[i] + kMinute;
    });
    CHECK(in_window <= 5);
  }
}

TEST_CASE("dispatch: each agent keeps to its calls-per-minute pace") {
  auto s = settings();
  s.call_rate_limit_per_minute = 2;
  auto index = configured(s);
  for (int i = 0; i < 10; ++i) index.item_pending(item("q" + std::to_string(i)));
  int matched = 0;
  std::int64_t t = kNoon;
  for (int round = 0; round < 3; ++round, t += 1000) {
    index.agent_free(agent("a", t));
    matched += static_cast<int>(index.take_matches(t).size());
  }
  CHECK(matched == 2);
  CHECK(index.next_wake() == kNoon + kMinute);
  CHECK(index.take_matches(kNoon + kMinute).size() == 1);
}

TEST_CASE("dispatch: a callee at 23:00 local is not rung until the window opens") {
  auto index = configured();
  auto night = paris(27, 23);
  index.agent_free(agent("a"));
  // +1 808: Hawaii. At noon in Paris it is 01:00 there.
  index.item_pending(item("hawaii", 10, 0, "", "+18085550123"));
  index.item_pending(item("paris", 10, 0, "", "+33612345678"));
  auto matches = index.take_matches(kNoon);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].item.item_id == "paris");
  index.agent_free(agent("a", kNoon));
  CHECK(index.take_matches(kNoon).empty());
  CHECK(index.take_matches(night).empty());  // business hours are over in Paris
  auto wake = index.next_wake();
  REQUIRE(wake);
  CHECK(*wake > night);
}

TEST_CASE("dispatch: numbers on the do-not-call list are refused, never matched") {
  auto index = configured();
  index.set_do_not_call({"+33612345678"});
  index.item_pending(item("blocked"));
  index.item_pending(item("fine", 10, 0, "", "+33698765432"));
  index.agent_free(agent("a"));
  index.agent_free(agent("b"));
  auto matches = index.take_matches(kNoon);
  REQUIRE(matches.size() == 1);
  CHECK(matches[0].item.item_id == "fine");
  CHECK(index.take_refused() == std::vector<std::string>{"blocked"});
  CHECK_FALSE(index.has_item("blocked"));
}

TEST_CASE("dispatch: items and agents that leave are not matched") {
  auto index = configured();
  index.item_pending(item("q1"));
  index.agent_free(agent("a"));
  index.item_gone("q1");
  CHECK(index.take_matches(kNoon).empty());
  index.item_pending(item("q2"));
  index.agent_gone("a");
  CHECK(index.take_matches(kNoon).empty());
  CHECK(index.stats().ready_items == 1);
}

TEST_CASE("rate window: a call recorded ahead of one that starts sooner keeps the bound exact") {
  RateWindow window{2, kMinute};
  window.record(kNoon + 40);  // set ahead
  window.record(kNoon + 10);  // started sooner, recorded later
  CHECK_FALSE(window.allows(kNoon + 20));
  // The window must pass the earlier of the two before a third call.
  CHECK(window.next_allowed(kNoon + 20) == kNoon + 10 + kMinute);
  CHECK(window.allows(kNoon + 10 + kMinute));
}

TEST_CASE("dispatch: each pending item says why it waits and until when") {
  auto s = settings();
  s.holidays = {"2026-11-25"};
  s.call_rate_limit_per_minute = 1;
  auto index = configured(s);
  auto why = [&](const char* id, std::int64_t now) {
    auto found = index.why(id, now);
    REQUIRE(found);
    return std::pair{std::string{to_string(found->reason)}, found->eligible_at_ms};
  };
  index.item_pending(item("later", 10, kNoon + 10 * kMinute));
  auto retry = item("retry", 10, kNoon + 20 * kMinute);
  retry.retrying = true;
  index.item_pending(retry);
  index.item_pending(item("pinned", 10, 0, "b"));
  index.item_pending(item("open", 10));
  CHECK(index.take_matches(kNoon).empty());
  CHECK(why("later", kNoon) ==
        std::pair{std::string{"schedule"}, std::optional<std::int64_t>{kNoon + 10 * kMinute}});
  CHECK(why("retry", kNoon).first == "retry-backoff");
  CHECK(why("pinned", kNoon).first == "pinned-agent");
  CHECK(why("open", kNoon) == std::pair{std::string{"agent"}, std::optional<std::int64_t>{}});
  CHECK_FALSE(index.why("nothing", kNoon));

  // One agent takes "open"; its pace (one call a minute) then holds "pinned"'s neighbours.
  index.agent_free(agent("a"));
  REQUIRE(items_of(index.take_matches(kNoon)) == std::vector<std::string>{"open"});
  index.item_pending(item("next", 10));
  index.agent_free(agent("a"));
  CHECK(index.take_matches(kNoon + 1000).empty());
  CHECK(why("next", kNoon + 1000).first == "agent-pace");

  auto counts = index.waiting_for(kNoon + 1000);
  CHECK(counts["schedule"] == 1);
  CHECK(counts["retry-backoff"] == 1);
  CHECK(counts["pinned-agent"] == 1);
  CHECK(counts["agent-pace"] == 1);

  // The calling rules: after hours, on a holiday, outside the callee's own window.
  DispatchIndex rules;
  rules.configure(s);
  rules.item_pending(item("evening"));
  CHECK(rules.take_matches(paris(27, 20)).empty());
  auto evening = rules.why("evening", paris(27, 20));
  CHECK(to_string(evening->reason) == std::string{"business-hours"});
  CHECK(evening->eligible_at_ms == paris(30, 9));
  DispatchIndex holiday;
  holiday.configure(s);
  holiday.item_pending(item("xmas"));
  CHECK(holiday.take_matches(paris(25, 12)).empty());
  CHECK(to_string(holiday.why("xmas", paris(25, 12))->reason) == std::string{"holiday"});
  DispatchIndex callee;
  callee.configure(s);
  // 14:00 in Paris is 22:00 in Tokyo: the office is open, the callee's window is not.
  callee.item_pending(item("tokyo", 10, 0, "", "+81312345678"));
  callee.agent_free(agent("a"));
  CHECK(callee.take_matches(paris(27, 14)).empty());
  auto tokyo = callee.why("tokyo", paris(27, 14));
  REQUIRE(tokyo);
  CHECK(to_string(tokyo->reason) == std::string{"callee-window"});
  CHECK(tokyo->eligible_at_ms > paris(27, 14));
}

TEST_CASE("dispatch: the attempt cap per number holds across items and says when it lifts") {
  auto s = settings();
  s.max_attempts_per_number = 2;
  s.attempt_window_ms = 30LL * 24 * 60 * kMinute;
  auto index = configured(s);
  // One attempt before the restart, recorded on the number's stream.
  index.number_attempted("+33612345678", kNoon - 60 * kMinute);
  index.item_pending(item("first"));
  index.agent_free(agent("a"));
  REQUIRE(index.take_matches(kNoon).size() == 1);
  // Another item with the same number: two attempts in the window already.
  index.item_pending(item("second"));
  index.agent_free(agent("b"));
  CHECK(index.take_matches(kNoon + kMinute).empty());
  auto why = index.why("second", kNoon + kMinute);
  REQUIRE(why);
  CHECK(to_string(why->reason) == std::string{"attempt-limit"});
  CHECK(why->eligible_at_ms == kNoon - 60 * kMinute + s.attempt_window_ms + 1);
  // Another number is not held back.
  index.item_pending(item("other", 10, 0, "", "+33698765432"));
  CHECK(items_of(index.take_matches(kNoon + kMinute)) == std::vector<std::string>{"other"});
  // Without a cap, the same item goes at once.
  s.max_attempts_per_number.reset();
  index.configure(s);
  index.agent_free(agent("c"));
  CHECK(items_of(index.take_matches(kNoon + 2 * kMinute)) == std::vector<std::string>{"second"});
}

TEST_CASE("dispatch: a number's recorded calls are learnt once, never over what it saw itself") {
  auto s = settings();
  s.max_attempts_per_number = 2;
  s.attempt_window_ms = 30LL * 24 * 60 * kMinute;
  auto index = configured(s);
  // Claimed after a restart: its stream's two calls hold the item back.
  index.learn_attempts("+33612345678", {kNoon - 90 * kMinute, kNoon - 60 * kMinute});
  index.item_pending(item("first"));
  index.agent_free(agent("a"));
  CHECK(index.take_matches(kNoon).empty());
  CHECK(to_string(index.why("first", kNoon)->reason) == std::string{"attempt-limit"});
  // A number the index has seen dialled keeps its own count: a late word does not add to it.
  index.number_attempted("+33698765432", kNoon - 60 * kMinute);
  index.learn_attempts("+33698765432", {kNoon - 60 * kMinute});
  index.item_pending(item("other", 10, 0, "", "+33698765432"));
  CHECK(items_of(index.take_matches(kNoon)) == std::vector<std::string>{"other"});
}

TEST_CASE("dispatch: a pinned callback is its agent's next, and its coming due is announced once") {
  auto index = configured();
  auto callback = item("cb", 10, kNoon + 30 * kMinute, "a");
  callback.callback = true;
  callback.pinned_until_ms = kNoon + 45 * kMinute;
  index.item_pending(callback);
  auto sooner = item("cb2", 10, kNoon + 10 * kMinute, "a");
  sooner.callback = true;
  sooner.pinned_until_ms = kNoon + 25 * kMinute;
  index.item_pending(sooner);
  REQUIRE(index.next_callback("a"));
  CHECK(index.next_callback("a")->item_id == "cb2");
  CHECK_FALSE(index.next_callback("b"));
  // The agents whose next callback may have moved, once each, for the board reads go to.
  CHECK(index.take_callback_changes() == std::vector<std::string>{"a"});
  CHECK(index.take_callback_changes().empty());
  index.item_pending(item("plain", 10, kNoon, ""));
  CHECK(index.take_callback_changes().empty());

  CHECK(index.take_matches(kNoon + 10 * kMinute).empty());  // agent "a" is away
  auto due = index.take_due_callbacks();
  REQUIRE(due.size() == 1);
  CHECK(due[0].item_id == "cb2");
  CHECK(due[0].agent_id == "a");
  CHECK(index.take_matches(kNoon + 11 * kMinute).empty());
  CHECK(index.take_due_callbacks().empty());  // once

  // Past its grace the first is anyone's, and no longer the agent's callback.
  index.agent_free(agent("b"));
  CHECK(items_of(index.take_matches(kNoon + 25 * kMinute)) == std::vector<std::string>{"cb2"});
  CHECK(index.next_callback("a")->item_id == "cb");
  CHECK(index.take_callback_changes() == std::vector<std::string>{"a"});
  index.item_gone("cb");
  CHECK_FALSE(index.next_callback("a"));
  CHECK(index.take_callback_changes() == std::vector<std::string>{"a"});
}
