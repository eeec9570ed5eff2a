#include "actors/live_set.hpp"

#include <catch2/catch.hpp>

#include "support/dialer_fixture.hpp"
#include "support/dialer_steps.hpp"
#include "support/live_set_records.hpp"

using namespace dialer;
using namespace dialer::actors;
using namespace dialer::domain;
using namespace dialer::testing;
using namespace dialer::testing::steps;

namespace {

constexpr std::int64_t kMinute = 60'000;

// A morning's work (see work_a_day), then a completed item given a callback, which brings a
// stream the live set dropped back to life.
void work_a_morning(DialerFixture& f) {
  work_a_day(f, 2, 16, 16);
  REQUIRE(eventually([&] { return settled(f); }));
  auto world = fold_log(*f.store);
  REQUIRE(world.ok());
  std::string revived;
  for (const auto& [id, item] : world->items) {
    if (item.state.status == ItemStatus::completed && !item.state.last_call_id.empty()) {
      revived = id;
      DispositionRequest callback{"callback", "asked to be called after lunch",
                                  f.clock.now_ms() + 120 * kMinute, CallbackScope::anyone};
      REQUIRE(f.dialer->dispose(item.state.last_call_id, callback).ok());
      break;
    }
  }
  REQUIRE_FALSE(revived.empty());
  REQUIRE(f.dialer->item(revived)->status == ItemStatus::pending);
  REQUIRE(f.dialer->agent("agent-0", agent::Command{agent::Pause{"lunch"}}).ok());
}

bool live_set_caught_up(DialerFixture& f) {
  return *f.store->checkpoint(kLiveSetConsumer) == f.store->last_seq();
}

// A full fold of the log, kept to what a restart holds.
World pruned_fold(const storage::EventStore& store, std::uint64_t until_seq = 0) {
  auto world = fold_log(store, until_seq);
  REQUIRE(world.ok());
  prune(*world);
  return std::move(*world);
}

void check_same_world(const World& a, const World& b) {
  CHECK(a.agents == b.agents);
  CHECK(a.items == b.items);
  CHECK(a.calls == b.calls);
  CHECK(a.numbers == b.numbers);
  CHECK(a.config.state.values == b.config.state.values);
  CHECK(a.config.version == b.config.version);
  CHECK(a.do_not_call == b.do_not_call);
  CHECK(a.events == b.events);
  CHECK(a.last_seq == b.last_seq);
}

}  // namespace

TEST_CASE("live set: kept up with the log, it is what a restart reads, and the states agree") {
  DialerFixture f{kNoon, {.answer_rate = 0.5, .voicemail_rate = 0.2, .seed = 11}};
  work_a_morning(f);
  REQUIRE(eventually([&] { return live_set_caught_up(f); }));
  auto check = check_live_set(*f.store);
  REQUIRE(check.ok());
  CHECK(check->differing == 0);
  CHECK(check->first_difference.empty());
  CHECK(check->records > 2);

  auto world = fold_log(*f.store);
  REQUIRE(world.ok());
  auto before = snapshot(*f.dialer, *world);
  f.restart();
  const auto& recovered = f.dialer->recovery();
  CHECK(recovered.from_live_set);
  CHECK(recovered.slow_reason.empty());
  CHECK(recovered.events == world->events);
  // Only the log after the set's checkpoint is read: here, nothing.
  CHECK(recovered.log_events_read < 10);
  check_same(snapshot(*f.dialer, *world), before);
  CHECK(recovered.items_pending == static_cast<std::size_t>(std::count_if(
                                       before.items.begin(), before.items.end(), [](auto& item) {
                                         return item.second.status == ItemStatus::pending;
                                       })));
}

TEST_CASE(
    "live set: one left behind at any point of the log, as by a crash, plus the tail equals "
    "a full fold") {
  DialerFixture f{kNoon, {.answer_rate = 0.5, .voicemail_rate = 0.2, .seed = 12}};
  work_a_morning(f);
  f.stop();
  auto last = f.store->last_seq();
  auto full = pruned_fold(*f.store);
  std::uint64_t step = std::max<std::uint64_t>(1, last / 80);
  for (std::uint64_t at = 1; at <= last; at += step) {
    CAPTURE(at);
    REQUIRE(write_live_set(*f.store, pruned_fold(*f.store, at)).ok());
    CHECK(*f.store->checkpoint(kLiveSetConsumer) == at);
    auto recovered = recover_world(*f.store);
    REQUIRE(recovered.ok());
    CHECK(recovered->from_live_set);
    CHECK(recovered->log_events_read == last - at);
    check_same_world(recovered->world, full);
  }
}

TEST_CASE(
    "live set: missing, damaged or ahead of the log, the whole log is read and the set "
    "rebuilt") {
  DialerFixture f{kNoon, {.answer_rate = 0.5, .voicemail_rate = 0.2, .seed = 13}};
  work_a_morning(f);
  REQUIRE(eventually([&] { return live_set_caught_up(f); }));
  auto world = fold_log(*f.store);
  REQUIRE(world.ok());
  auto before = snapshot(*f.dialer, *world);
  f.stop();

  auto damage_a_record = [&] {
    storage::ProjectionChanges garbage;
    garbage.puts.emplace_back(first_item_record(*f.store), "\x01\xff\xff");
    REQUIRE(
        f.store
            ->commit_projection(kLiveSetConsumer, *f.store->checkpoint(kLiveSetConsumer), garbage)
            .ok());
  };
  struct Case {
    const char* name;
    std::function<void()> spoil;
    const char* reason;
  };
  std::vector<Case> cases{
      {"missing", [&] { REQUIRE(f.store->reset_projection(kLiveSetConsumer).ok()); },
       "no live set is stored"},
      {"damaged", damage_a_record, "cannot be read"},
      {"ahead",
       [&] {
         REQUIRE(f.store->commit_projection(kLiveSetConsumer, f.store->last_seq() + 1000, {}).ok());
       },
       "ahead of the log"},
  };
  for (const auto& spoiled : cases) {
    SECTION(spoiled.name) {
      spoiled.spoil();
      f.start();
      const auto& recovered = f.dialer->recovery();
      CHECK_FALSE(recovered.from_live_set);
      CHECK_THAT(recovered.slow_reason, Catch::Contains(spoiled.reason));
      check_same(snapshot(*f.dialer, *world), before);
      // Written again at once, whole: the next start reads it.
      CHECK(*f.store->checkpoint(kLiveSetConsumer) >= world->last_seq);
      auto check = check_live_set(*f.store);
      REQUIRE(check.ok());
      CHECK(check->differing == 0);
      f.restart();
      CHECK(f.dialer->recovery().from_live_set);
    }
  }
}

TEST_CASE("live set: a number dialled before a restart and free at it still counts its calls") {
  DialerFixture f{kNoon, {.answer_rate = 1.0}};
  configure(*f.dialer, {{"compliance.maxAttemptsPerNumber", 1}, {"dialer.wrapUpSeconds", 0}});
  start_agent(*f.dialer, "agent-1", 101);
  add_item(*f.dialer, "first", french_number(1));
  add_item(*f.dialer, "other", french_number(2));
  for (const auto* id : {"first", "other"})
    REQUIRE(eventually([&] { return f.dialer->item(id)->status == ItemStatus::completed; }));
  REQUIRE(eventually([&] { return f.dialer->number(french_number(2))->held_by.empty(); }));
  REQUIRE(eventually([&] { return live_set_caught_up(f); }));

  // Neither number is held by anything: the live set carries neither, nor their calls.
  f.restart();
  REQUIRE(f.dialer->recovery().from_live_set);
  auto capped = [&](const char* id) {
    return eventually([&] {
      auto why = f.dialer->waiting_for({id}).front();
      return why && why->reason == dispatch::WaitReason::attempt_limit;
    });
  };
  SECTION("a client queued again, as the API and the import queue") {
    events::QueueItemAdded second;
    second.item_id = "second";
    second.client_id = "client-second";
    second.phone_number = french_number(1);
    REQUIRE(f.dialer->enqueue({second}).front().ok());
    CHECK(capped("second"));
  }
  SECTION("an item set pending again by hand") {
    REQUIRE(f.dialer
                ->item("other", queue_item::Command{queue_item::SetStatus{
                                    events::ManualStatus::pending, "asked again"}})
                .ok());
    CHECK(capped("other"));
  }
  CHECK(f.telephony.records().size() == 2);
}
