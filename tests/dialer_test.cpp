#include <algorithm>
#include <catch2/catch.hpp>
#include <map>
#include <set>

#include "actors/recovery.hpp"
#include "support/dialer_fixture.hpp"
#include "support/dialer_steps.hpp"

using namespace dialer;
using namespace dialer::actors;
using namespace dialer::domain;
using namespace dialer::testing;
using namespace dialer::testing::steps;
using nlohmann::json;

namespace {

constexpr std::int64_t kMinute = 60'000;

// Runs `work(i)` on `threads` threads at once, i from 0, and waits for them all.
void at_once(int threads, const std::function<void(int)>& work) {
  std::vector<std::thread> running;
  for (int i = 0; i < threads; ++i) running.emplace_back(work, i);
  for (auto& thread : running) thread.join();
}

}  // namespace

TEST_CASE(
    "dialer: a free agent meets a queued client at once, the call ends and the item completes") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  configure(*f.dialer, {});
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "q1", "+33612345678");
  auto completed =
      eventually([&] { return f.dialer->item("q1")->status == ItemStatus::completed; });
  INFO(f.log_text());
  REQUIRE(completed);
  auto item = *f.dialer->item("q1");
  CHECK(item.attempts == 1);
  CHECK(item.last_result == events::CallOutcome::connected);
  auto records = f.telephony.records();
  REQUIRE(records.size() == 1);
  CHECK(records[0].call.aircall_user_id == 101);
  CHECK(records[0].call.to == "+33612345678");
  REQUIRE(eventually([&] { return f.dialer->agent("agent-1")->call_id.empty(); }));
  auto agent_state = *f.dialer->agent("agent-1");
  CHECK(agent_state.calls_completed == 1);
  CHECK(status_label(agent_state, f.clock.now_ms()) == "wrap-up");
}

TEST_CASE("dialer: a paused agent gets no call, started again, it does") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  configure(*f.dialer, {});
  start_agent(*f.dialer, "agent-1", 101);
  REQUIRE(f.dialer->agent("agent-1", agent::Command{agent::Pause{"break"}}).ok());
  add_item(*f.dialer, "q1", "+33612345678");
  f.dialer->tick();
  CHECK(f.dialer->dispatcher_stats().index.ready_items == 1);
  CHECK(f.telephony.records().empty());
  start_agent(*f.dialer, "agent-1", 101);
  REQUIRE(eventually([&] { return f.dialer->item("q1")->status == ItemStatus::completed; }));
}

// One call made and ended: the agent is in its wrap-up, a second item waits. Answers when
// the wrap-up ends.
std::int64_t first_call_then_wrap_up(DialerFixture& f) {
  configure(*f.dialer, {{"dialer.wrapUpSeconds", 10}});
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "q1", "+33612345678");
  REQUIRE(eventually([&] {
    return f.dialer->item("q1")->status == ItemStatus::completed &&
           f.dialer->agent("agent-1")->call_id.empty();
  }));
  add_item(*f.dialer, "q2", "+33612345679");
  return f.dialer->agent("agent-1")->wrap_up_until_ms;
}

TEST_CASE("dialer: the next call is reserved before the wrap-up ends and starts when it ends") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  auto wrap_up_end = first_call_then_wrap_up(f);
  REQUIRE(wrap_up_end > f.clock.now_ms());

  // Further from the end than the head start: nothing is reserved yet.
  f.clock.set(wrap_up_end - 60);
  f.dialer->tick();
  CHECK(f.dialer->dispatcher_stats().index.ready_items == 1);
  CHECK(f.dialer->agent("agent-1")->call_id.empty());

  // Within it: the item and the agent are reserved and the request is durable...
  f.clock.set(wrap_up_end - 30);
  f.dialer->tick();
  REQUIRE(eventually([&] {
    return !f.dialer->agent("agent-1")->call_id.empty() &&
           f.dialer->item("q2")->status == ItemStatus::in_progress;
  }));
  auto agent = *f.dialer->agent("agent-1");
  CHECK(status_label(agent, f.clock.now_ms()) == "wrap-up");
  // ...but nothing rings before the wrap-up ends.
  CHECK(f.telephony.records().size() == 1);

  f.clock.set(wrap_up_end);
  REQUIRE(eventually([&] { return f.telephony.records().size() == 2; }));
  CHECK(f.telephony.records()[1].call.to == "+33612345679");
  REQUIRE(eventually([&] { return f.dialer->item("q2")->status == ItemStatus::completed; }));
}

TEST_CASE("dialer: an agent who pauses while the next call waits for the wrap-up is not called") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  auto wrap_up_end = first_call_then_wrap_up(f);
  f.clock.set(wrap_up_end - 30);
  f.dialer->tick();
  REQUIRE(eventually([&] { return !f.dialer->agent("agent-1")->call_id.empty(); }));
  REQUIRE(f.dialer->agent("agent-1", agent::Command{agent::Pause{"break"}}).ok());
  f.clock.set(wrap_up_end);

  // The reservation is given back: the item waits for the next agent, no attempt spent.
  REQUIRE(eventually([&] {
    return f.dialer->agent("agent-1")->call_id.empty() &&
           f.dialer->item("q2")->status == ItemStatus::pending;
  }));
  INFO(f.log_text());
  CHECK(f.dialer->item("q2")->attempts == 0);
  REQUIRE(eventually([&] { return settled(f); }));
  CHECK(f.telephony.records().size() == 1);
}

TEST_CASE(
    "dialer: an agent Aircall closes while the next call waits for the wrap-up is not called") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  auto wrap_up_end = first_call_then_wrap_up(f);
  f.clock.set(wrap_up_end - 30);
  f.dialer->tick();
  REQUIRE(eventually([&] { return !f.dialer->agent("agent-1")->call_id.empty(); }));
  f.dialer->telephony_event(user_opened(101, false));
  REQUIRE(eventually([&] { return !f.dialer->agent("agent-1")->aircall_opened; }));
  f.clock.set(wrap_up_end);

  REQUIRE(eventually([&] {
    return f.dialer->agent("agent-1")->call_id.empty() &&
           f.dialer->item("q2")->status == ItemStatus::pending;
  }));
  CHECK(f.dialer->item("q2")->attempts == 0);
  REQUIRE(eventually([&] { return settled(f); }));
  CHECK(f.telephony.records().size() == 1);
}

TEST_CASE("dialer: an agent Aircall reports unavailable is released and the item waits") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  configure(*f.dialer, {});
  f.telephony.set_available(101, false);
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "q1", "+33612345678");
  // The start is refused (405): nothing rang, so no attempt counts, and the item is pending.
  REQUIRE(eventually([&] {
    auto agent = f.dialer->agent("agent-1");
    return agent->wrap_up_until_ms > f.clock.now_ms() && agent->call_id.empty() &&
           f.dialer->item("q1")->status == ItemStatus::pending;
  }));
  CHECK(f.telephony.records().empty());
  // Aircall then says the user is closed: no further attempt is made.
  f.dialer->telephony_event(user_opened(101, false));
  REQUIRE(eventually([&] { return !f.dialer->agent("agent-1")->aircall_opened; }));
  f.telephony.set_available(101, true);
  f.dialer->tick();
  CHECK(f.dialer->item("q1")->attempts == 0);
  f.dialer->telephony_event(user_opened(101, true));
  // Refused once, the agent is held back half a minute before it is offered a call again.
  REQUIRE(eventually([&] { return f.dialer->agent("agent-1")->aircall_opened; }));
  f.clock.advance(29'000);
  f.dialer->tick();
  CHECK(f.telephony.records().empty());
  f.clock.advance(1'000);
  f.dialer->tick();
  REQUIRE(eventually([&] { return f.dialer->item("q1")->status == ItemStatus::completed; }));
  CHECK(f.dialer->item("q1")->attempts == 1);
}

TEST_CASE("dialer: a number whose local time is 23:00 is not dialled until its window opens") {
  auto eleven_pm = dialer::testing::civil_ms("Europe/Paris", 2026, 11, 27, 23);
  DialerFixture f{eleven_pm, {.answer_rate = 1.0}};
  // Business hours all day, every day: only the callee's window holds the call back.
  configure(*f.dialer, {{"scheduling.businessHoursStart", "00:00"},
                        {"scheduling.businessHoursEnd", "23:59"},
                        {"scheduling.businessDays", json::array({1, 2, 3, 4, 5, 6, 7})}});
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "q1", "+33612345678");
  f.dialer->tick();
  auto stats = f.dialer->dispatcher_stats();
  CHECK(stats.index.waiting_items == 1);
  REQUIRE(stats.next_wake_ms);
  auto opens = dialer::testing::civil_ms("Europe/Paris", 2026, 11, 28, 8);
  CHECK(*stats.next_wake_ms == opens);
  f.clock.set(opens - 1);
  f.dialer->tick();
  CHECK(f.telephony.records().empty());
  f.clock.set(opens);
  f.dialer->tick();
  REQUIRE(eventually([&] { return f.telephony.records().size() == 1; }));
  CHECK(f.telephony.records()[0].started_at_ms >= opens);
}

TEST_CASE("dialer: numbers on the do-not-call list are never dialled") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  configure(*f.dialer, {});
  REQUIRE(
      f.dialer->do_not_call(do_not_call::Command{do_not_call::Add{"+33612345678", "asked"}}).ok());
  add_item(*f.dialer, "q1", "+33612345678");
  start_agent(*f.dialer, "agent-1", 101);
  REQUIRE(eventually([&] { return f.dialer->item("q1")->status == ItemStatus::skipped; }));
  CHECK(f.telephony.records().empty());
}

TEST_CASE("dialer: N agents and M items reach terminal states within every limit") {
  constexpr int kAgents = 6;
  constexpr int kItems = 80;
  constexpr int kRatePerAgent = 3;
  constexpr int kBudget = 12;
  DialerFixture f{kNoon, {.answer_rate = 0.5, .voicemail_rate = 0.1, .busy_rate = 0.2, .seed = 7}};
  configure(*f.dialer, {{"dialer.callRateLimit", kRatePerAgent},
                        {"aircall.requestsPerMinute", kBudget},
                        {"dialer.maxRetries", 1},
                        {"dialer.retryDelay", 5},
                        {"dialer.wrapUpSeconds", 10}});
  for (int a = 0; a < kAgents; ++a) start_agent(*f.dialer, "agent-" + std::to_string(a), 100 + a);
  for (int i = 0; i < kItems; ++i) {
    std::optional<std::int64_t> scheduled;
    if (i % 5 == 0) scheduled = kNoon + (i % 3 + 1) * 7 * kMinute;
    std::string pinned = i % 11 == 0 ? "agent-" + std::to_string(i % kAgents) : "";
    add_item(*f.dialer, "q" + std::to_string(i), french_number(i), i % 4, scheduled, pinned);
  }
  auto all_terminal = [&] {
    for (int i = 0; i < kItems; ++i) {
      if (!terminal(f.dialer->item("q" + std::to_string(i))->status)) return false;
    }
    return true;
  };
  // Time moves in ten-second steps; at each, the dialer settles before time moves again.
  bool finished = false;
  for (int step = 0; step < 6 * 120 && !finished; ++step) {
    INFO("step " << step << ": " << f.dialer->services().registry->count(Kind::call)
                 << " call actors, " << f.telephony.active_calls() << " calls at the telephony");
    REQUIRE(eventually([&] { return settled(f); }));
    finished = all_terminal();
    f.clock.advance(10'000);
    f.dialer->tick();
  }
  REQUIRE(finished);
  CHECK(f.telephony.overlaps() == 0);

  auto records = f.telephony.records();
  std::map<std::string, int> attempts_per_number;
  std::map<std::int64_t, std::vector<std::int64_t>> starts_per_user;
  std::vector<std::int64_t> starts;
  for (const auto& record : records) {
    ++attempts_per_number[record.call.to];
    starts_per_user[record.call.aircall_user_id].push_back(record.started_at_ms);
    starts.push_back(record.started_at_ms);
  }
  auto most_in_a_minute = [](std::vector<std::int64_t> times) {
    std::sort(times.begin(), times.end());
    long most = 0;
    for (auto t : times) {
      most = std::max<long>(most, std::count_if(times.begin(), times.end(), [t](std::int64_t u) {
                              return u >= t && u < t + kMinute;
                            }));
    }
    return most;
  };
  CHECK(most_in_a_minute(starts) <= kBudget);
  for (const auto& [user, times] : starts_per_user) {
    INFO("aircall user " << user);
    CHECK(most_in_a_minute(times) <= kRatePerAgent);
  }
  for (const auto& [number, count] : attempts_per_number) CHECK(count <= 2);  // 1 + maxRetries
  CHECK(records.size() >= static_cast<std::size_t>(kItems));

  // Pinned items went to their agent only.
  for (int i = 0; i < kItems; i += 11) {
    auto user = 100 + i % kAgents;
    for (const auto& record : records) {
      if (record.call.to == french_number(i)) CHECK(record.call.aircall_user_id == user);
    }
  }
}

TEST_CASE("dialer: after a restart every actor's state equals the state before the stop") {
  DialerFixture f{kNoon, {.answer_rate = 0.5, .voicemail_rate = 0.2, .seed = 3}};
  work_a_day(f, 3, 30, 40);
  // End of the day: every agent pauses, and what is in flight settles.
  for (int a = 0; a < 2; ++a) {
    REQUIRE(
        f.dialer->agent("agent-" + std::to_string(a), agent::Command{agent::Pause{"end of day"}})
            .ok());
  }
  REQUIRE(eventually([&] {
    auto world = fold_log(*f.store);
    for (const auto& [id, item] : world->items) {
      if (item.state.status == ItemStatus::in_progress) return false;
    }
    for (const auto& [id, agent] : world->agents) {
      if (!agent.state.call_id.empty()) return false;
    }
    return f.telephony.active_calls() == 0;
  }));

  auto world = fold_log(*f.store);
  REQUIRE(world.ok());
  auto before = snapshot(*f.dialer, *world);
  CHECK(before.items.size() == 31);
  CHECK(before.items["blocked"].status == ItemStatus::skipped);
  CHECK(before.agents["agent-2"].mode == AgentMode::paused);

  f.restart();
  check_same(snapshot(*f.dialer, *world), before);
  CHECK(f.dialer->recovery().events == world->events);
}

TEST_CASE("dialer: a call in flight when the process dies is followed, not dialled again") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  configure(*f.dialer, {});
  f.telephony.hold(true);  // Aircall's events wait, as webhooks would for a dead process
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "q1", "+33612345678");
  REQUIRE(eventually([&] { return f.telephony.records().size() == 1; }));
  REQUIRE(eventually([&] { return f.dialer->item("q1")->status == ItemStatus::in_progress; }));

  f.restart();
  auto recovered = f.dialer->recovery();
  CHECK(recovered.calls_resumed == 1);
  f.telephony.hold(false);
  REQUIRE(eventually([&] { return f.dialer->item("q1")->status == ItemStatus::completed; }));
  CHECK(f.telephony.records().size() == 1);
  CHECK(f.dialer->item("q1")->attempts == 1);
  REQUIRE(eventually([&] { return f.dialer->agent("agent-1")->call_id.empty(); }));
}

namespace {
// A telephony whose start requests vanish: no answer, no call at Aircall.
class SilentTelephony final : public TelephonyPort {
 public:
  void start_call(const StartCall&, std::function<void(StartResult)>) override { ++starts; }
  void find_call(const CallQuery&,
                 std::function<void(Result<std::optional<FoundCall>>)> done) override {
    ++lookups;
    done(std::optional<FoundCall>{});
  }
  std::atomic<int> starts{0};
  std::atomic<int> lookups{0};
};
}  // namespace

TEST_CASE("dialer: a start that left no trace at Aircall is asked about, then retried") {
  dialer::testing::TempDir dir;
  domain::ManualClock clock{kNoon};
  auto store = storage::EventStore::open(
      dir.sub("db"), {storage::OpenMode::read_write, {}, [&] { return clock.now_ms(); }, nullptr});
  REQUIRE(store.ok());
  SilentTelephony silent;
  caf::actor_system_config config;
  caf::actor_system system{dialer::testing::two_threads(config)};
  {
    auto started = Dialer::start(system, **store, silent, clock, DialerFixture::fast_options());
    REQUIRE(started.ok());
    auto& d = **started;
    configure(d, {});
    start_agent(d, "agent-1", 101);
    add_item(d, "q1", "+33612345678");
    // No answer, no call.created: after the timeout the call list is asked, says nothing,
    // and the attempt is given back without counting. The dispatcher then dials again.
    REQUIRE(eventually([&] { return silent.starts >= 2; }));
    CHECK(silent.lookups >= 1);
    CHECK(d.item("q1")->attempts == 0);
  }
}

TEST_CASE("dialer: an agent's actor starts from its snapshot and the tail of its stream") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  configure(*f.dialer, {});
  start_agent(*f.dialer, "agent-1", 101);
  for (int i = 0; i < 60; ++i) {
    REQUIRE(f.dialer->agent("agent-1", agent::Command{agent::Pause{"break " + std::to_string(i)}})
                .ok());
    start_agent(*f.dialer, "agent-1", 101);
  }
  REQUIRE(f.dialer->agent("agent-1", agent::Command{agent::Stop{}}).ok());
  auto snapshot = f.store->load_snapshot("agent-agent-1");
  REQUIRE(snapshot.ok());
  REQUIRE(snapshot->has_value());
  CHECK((*snapshot)->version >= 100);
  auto folded = fold_log(*f.store)->agents.at("agent-1");

  // Stopped, the agent is not rebuilt at start; its actor loads on first use.
  f.restart();
  CHECK(*f.dialer->agent("agent-1") == folded.state);

  // A snapshot is what the actor starts from: a planted one at the stream's end shows.
  auto planted = folded.state;
  planted.calls_completed = 4242;
  REQUIRE(
      f.store->save_snapshot("agent-agent-1", folded.version, AgentTraits::encode_snapshot(planted))
          .ok());
  f.restart();
  CHECK(f.dialer->agent("agent-1")->calls_completed == 4242);

  // One this build cannot read is passed over: the stream alone rebuilds the agent.
  REQUIRE(f.store->save_snapshot("agent-agent-1", folded.version, "\x7f not a snapshot").ok());
  f.restart();
  CHECK(*f.dialer->agent("agent-1") == folded.state);
}

namespace {
// A telephony that can hang up, unlike Aircall.
class HangingUpTelephony final : public TelephonyPort {
 public:
  explicit HangingUpTelephony(TelephonyPort& inner) : inner_(inner) {}
  void start_call(const StartCall& call, std::function<void(StartResult)> done) override {
    inner_.start_call(call, std::move(done));
  }
  void find_call(const CallQuery& q,
                 std::function<void(Result<std::optional<FoundCall>>)> done) override {
    inner_.find_call(q, std::move(done));
  }
  bool can_hang_up() const override { return true; }
  void hang_up(std::int64_t aircall_call_id) override { hung_up = aircall_call_id; }
  std::atomic<std::int64_t> hung_up{0};

 private:
  TelephonyPort& inner_;
};
}  // namespace

TEST_CASE("dialer: stopping leaves a live call to the agent, or hangs up where the telephony can") {
  // Aircall (the simulator) cannot hang up: stop changes nothing for the call.
  DialerFixture f{kNoon, {.ring_ms = 60'000, .answer_rate = 1.0}};
  configure(*f.dialer, {});
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "q1", "+33612345678");
  REQUIRE(eventually([&] { return f.dialer->item("q1")->status == ItemStatus::in_progress; }));
  REQUIRE(f.dialer->agent("agent-1", agent::Command{agent::Stop{}}).ok());
  CHECK_FALSE(f.dialer->agent("agent-1")->call_id.empty());  // the call goes on

  // A telephony that can hang up is asked to, for that call.
  dialer::testing::TempDir dir;
  domain::ManualClock clock{kNoon};
  SimulatedTelephony simulator{clock, {.ring_ms = 60'000, .answer_rate = 1.0}};
  HangingUpTelephony telephony{simulator};
  auto store = storage::EventStore::open(
      dir.sub("db"), {storage::OpenMode::read_write, {}, [&] { return clock.now_ms(); }, nullptr});
  caf::actor_system_config config;
  caf::actor_system system{dialer::testing::two_threads(config)};
  {
    auto started = Dialer::start(system, **store, telephony, clock, DialerFixture::fast_options());
    REQUIRE(started.ok());
    auto& d = **started;
    simulator.connect([&d](TelephonyEvent event) { d.telephony_event(std::move(event)); });
    configure(d, {});
    start_agent(d, "agent-1", 101);
    add_item(d, "q1", "+33612345678");
    REQUIRE(eventually([&] {
      return d.item("q1")->status == ItemStatus::in_progress && !simulator.records().empty();
    }));
    REQUIRE(d.agent("agent-1", agent::Command{agent::Stop{}}).ok());
    REQUIRE(eventually([&] { return telephony.hung_up != 0; }));
    CHECK(telephony.hung_up == simulator.records().front().aircall_call_id);
    simulator.connect({});
  }
}

TEST_CASE("simulated telephony: answered calls talk for a spread of times when asked") {
  domain::SystemClock clock;
  SimulatedTelephony telephony{clock, {.answer_rate = 1.0, .talk_spread_ms = 400}};
  std::mutex mutex;
  std::vector<std::chrono::steady_clock::time_point> hung_up;
  telephony.connect([&](TelephonyEvent event) {
    if (event.kind != TelephonyEvent::Kind::hungup) return;
    std::lock_guard lock{mutex};
    hung_up.push_back(std::chrono::steady_clock::now());
  });
  for (int user = 1; user <= 8; ++user) {
    telephony.start_call({"c" + std::to_string(user), user, 7, french_number(user)},
                         [](StartResult result) { CHECK(result.status == StartStatus::accepted); });
  }
  REQUIRE(eventually([&] {
    std::lock_guard lock{mutex};
    return hung_up.size() == 8;
  }));
  telephony.connect({});
  auto [first, last] = std::minmax_element(hung_up.begin(), hung_up.end());
  CHECK(*last - *first >= std::chrono::milliseconds(50));
}

TEST_CASE("dialer: a live call whose end never arrives is looked up and closed") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  f.stop();
  auto options = DialerFixture::fast_options();
  options.live_call_check = std::chrono::milliseconds(200);
  f.start(options);
  lose_call_ends(f);
  configure(*f.dialer, {});
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "q1", "+33612345678");
  REQUIRE(eventually([&] { return f.dialer->item("q1")->status == ItemStatus::completed; }));
  CHECK(f.telephony.records().size() == 1);
  REQUIRE(eventually([&] { return f.dialer->agent("agent-1")->call_id.empty(); }));
}

namespace {
events::QueueItemAdded client(const std::string& phone) {
  events::QueueItemAdded item;
  item.phone_number = phone;
  item.client_id = "crm-" + phone;
  return item;
}
}  // namespace

TEST_CASE("dialer: enqueue refuses do-not-call numbers, numbers already queued and repeats") {
  DialerFixture f{kNoon};
  REQUIRE(f.dialer->do_not_call(do_not_call::Add{"+33612345699", "asked"}).ok());
  auto first = f.dialer->enqueue({client("+33612345601")});
  REQUIRE(first.front().ok());
  auto held_by = first.front()->details.item_id;
  auto answers =
      f.dialer->enqueue({client("+33612345699"), client("+33612345601"), client("+33612345602"),
                         client("+33612345602"), client("+33612345601")});
  REQUIRE(answers.size() == 5);
  CHECK(answers[0].error().code == ErrorCode::refused);
  CHECK(answers[1].error().message == "+33612345601 is already queued (item " + held_by + ")");
  CHECK(answers[2].ok());
  CHECK(answers[3].error().message == "+33612345602 appears twice in this request");
  // A repeat of a number held elsewhere says where, as its first occurrence does.
  CHECK(answers[4].error().code == ErrorCode::conflict);
}

TEST_CASE("dialer: one number queued by many callers at once ends up in one item") {
  DialerFixture f{kNoon};
  std::atomic<int> created{0};
  at_once(8, [&](int) {
    for (int n = 0; n < 20; ++n) {
      auto answers = f.dialer->enqueue({client(french_number(n))});
      if (answers.front()) ++created;
    }
  });
  CHECK(created == 20);
}

TEST_CASE(
    "dialer: a number whose item ended can be queued again, and a stale claim is taken over") {
  DialerFixture f{kNoon};
  auto first = f.dialer->enqueue({client("+33612345601")});
  REQUIRE(first.front().ok());
  auto id = first.front()->details.item_id;
  REQUIRE(f.dialer->item(id, queue_item::Command{queue_item::Cancel{"deleted"}}).ok());
  CHECK(f.dialer->number("+33612345601")->held_by.empty());
  CHECK(f.dialer->enqueue({client("+33612345601")}).front().ok());

  // A claim a crash left behind: the number names an item that was never added.
  REQUIRE(f.dialer->enqueue({client("+33612345602")}).front().ok());
  storage::AppendRequest stale{"number-+33612345603",
                               storage::ExpectedVersion::any(),
                               {storage::NewEvent::from(events::NumberClaimed{"q-ghost"})},
                               {}};
  REQUIRE(f.store->append(std::move(stale)).ok());
  // Within a minute its item may still be on its way: the claim stands.
  CHECK(f.dialer->enqueue({client("+33612345603")}).front().error().code == ErrorCode::conflict);
  f.clock.advance(kClaimGraceMs + 1);
  auto taken = f.dialer->enqueue({client("+33612345603")});
  REQUIRE(taken.front().ok());
  CHECK(f.dialer->number("+33612345603")->held_by == taken.front()->details.item_id);
}

TEST_CASE("dialer: the rule holds across a restart, and a log without claims is repaired") {
  DialerFixture f{kNoon};
  // An item added as a log from before numbers had streams holds it: no claim at all.
  events::QueueItemAdded legacy = client("+33612345601");
  legacy.item_id = "q-legacy";
  storage::AppendRequest added{"queue-q-legacy",
                               storage::ExpectedVersion::no_stream(),
                               {storage::NewEvent::from(legacy)},
                               {}};
  REQUIRE(f.store->append(std::move(added)).ok());
  f.restart();
  CHECK(f.dialer->number("+33612345601")->held_by == "q-legacy");
  CHECK(f.dialer->enqueue({client("+33612345601")}).front().error().code == ErrorCode::conflict);
  f.restart();
  CHECK(f.dialer->enqueue({client("+33612345601")}).front().error().code == ErrorCode::conflict);
}

namespace {
Result<AgentState> start_as(DialerFixture& f, const std::string& agent_id, std::int64_t user) {
  return std::move(f.dialer->start_agent(agent_id, agent::Start{user, 900 + user, false}).agent);
}
}  // namespace

TEST_CASE("dialer: one agent per Aircall user holds across a restart and frees on a stop") {
  DialerFixture f{kNoon};
  REQUIRE(start_as(f, "agent-1", 21).ok());
  f.restart();
  auto twin = start_as(f, "agent-2", 21);
  REQUIRE(!twin.ok());
  CHECK(twin.error().code == ErrorCode::conflict);
  CHECK(twin.error().message.find("agent-1") != std::string::npos);
  // A refused start leaves no trace on the agent it was for.
  CHECK(!f.dialer->agent("agent-2")->ever_started);
  // The stop answers once the user is free.
  REQUIRE(f.dialer->stop_agent("agent-1").ok());
  CHECK(start_as(f, "agent-2", 21).ok());
  CHECK(start_as(f, "agent-2", 21).ok());
}

TEST_CASE("dialer: many agents starting on one Aircall user at once leave one dialling") {
  DialerFixture f{kNoon};
  std::atomic<int> started{0};
  at_once(8, [&](int a) {
    if (start_as(f, "agent-" + std::to_string(a), 31).ok()) ++started;
  });
  CHECK(started == 1);
}

TEST_CASE("dialer: a user claim a crash left behind is taken over after its grace") {
  DialerFixture f{kNoon};
  storage::AppendRequest stale{"aircall-user-41",
                               storage::ExpectedVersion::any(),
                               {storage::NewEvent::from(events::AircallUserClaimed{"agent-ghost"})},
                               {}};
  REQUIRE(f.store->append(std::move(stale)).ok());
  // Within the grace the ghost's start may still be on its way: the claim stands.
  CHECK(start_as(f, "agent-1", 41).error().code == ErrorCode::conflict);
  f.clock.advance(kUserClaimGraceMs + 1);
  CHECK(start_as(f, "agent-1", 41).ok());
  CHECK(start_as(f, "agent-2", 41).error().code == ErrorCode::conflict);
}

TEST_CASE(
    "dialer: an agent dialling in a log without user claims holds its user after a "
    "restart") {
  DialerFixture f{kNoon};
  // Started as a log from before users had streams: no claim was made.
  start_agent(*f.dialer, "agent-1", 51);
  f.restart();
  auto twin = start_as(f, "agent-2", 51);
  REQUIRE(!twin.ok());
  CHECK(twin.error().message.find("agent-1") != std::string::npos);
}

TEST_CASE("dialer: Aircall's call id leads to the dialer's call while it lasts and after") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  lose_call_ends(f);
  configure(*f.dialer, {});
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "q1", "+33612345678");
  std::string call_id;
  std::int64_t aircall_call_id = 0;
  REQUIRE(eventually([&] {
    call_id = f.dialer->item("q1")->call_id;
    if (call_id.empty()) return false;
    aircall_call_id = f.dialer->call(call_id)->aircall_call_id;
    return aircall_call_id != 0;
  }));
  CHECK(f.dialer->call_of_aircall(aircall_call_id) == call_id);
  CHECK(!f.dialer->call_of_aircall(aircall_call_id + 1000));
  // Calls the router let go of are found in the index of past calls.
  f.dialer->index_past_calls([](std::int64_t id) -> std::optional<std::string> {
    if (id == 4242) return "c-past";
    return std::nullopt;
  });
  CHECK(f.dialer->call_of_aircall(4242) == "c-past");
  CHECK(f.dialer->call_of_aircall(aircall_call_id) == call_id);
}
