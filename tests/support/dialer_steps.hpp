#pragma once

// The steps the dialer's tests take through its API, and the settled state they wait for.

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "actors/recovery.hpp"
#include "support/dialer_fixture.hpp"

namespace dialer::testing::steps {

using namespace dialer::actors;
using namespace dialer::domain;
using nlohmann::json;

// Friday 27 November 2026, noon in Paris.
inline const std::int64_t kNoon = dialer::testing::civil_ms("Europe/Paris", 2026, 11, 27, 12);

inline void configure(Dialer& dialer, std::map<std::string, json> settings) {
  settings.emplace("scheduling.timeZone", "Europe/Paris");
  auto changed = dialer.configure(ChangeSettings{std::move(settings)});
  REQUIRE(changed.ok());
}

inline void start_agent(Dialer& dialer, const std::string& id, std::int64_t aircall_user) {
  auto started =
      dialer.agent(id, agent::Command{agent::Start{aircall_user, 900 + aircall_user, false}});
  REQUIRE(started.ok());
}

inline void add_item(Dialer& dialer, const std::string& id, const std::string& phone,
                     std::int32_t priority = 10,
                     std::optional<std::int64_t> scheduled = std::nullopt,
                     std::string pinned = {}) {
  events::QueueItemAdded item;
  item.item_id = id;
  item.client_id = "client-" + id;
  item.phone_number = phone;
  item.priority = priority;
  item.scheduled_for_ms = scheduled;
  item.assigned_to = std::move(pinned);
  auto added = dialer.item(id, queue_item::Command{queue_item::Add{item}});
  REQUIRE(added.ok());
}

inline bool terminal(ItemStatus status) {
  return status == ItemStatus::completed || status == ItemStatus::failed ||
         status == ItemStatus::skipped || status == ItemStatus::cancelled;
}

inline TelephonyEvent user_opened(std::int64_t aircall_user, bool opened) {
  TelephonyEvent event;
  event.kind = TelephonyEvent::Kind::user_status;
  event.aircall_user_id = aircall_user;
  event.opened = opened;
  event.source_event = opened ? "user.opened" : "user.closed";
  return event;
}

// Nothing in flight: every matched call has ended, been refused or been given back, and
// the dispatcher has acted on everything sent to it so far (its answer to a request comes
// after all that was already in its mailbox), without starting anything new.
// Aircall's call.hungup and call.ended never come (a webhook Aircall gave up on): calls
// stay in progress until the dialer looks them up.
inline void lose_call_ends(DialerFixture& f) {
  f.telephony.connect([d = f.dialer.get()](TelephonyEvent event) {
    if (event.kind == TelephonyEvent::Kind::hungup || event.kind == TelephonyEvent::Kind::ended)
      return;
    d->telephony_event(std::move(event));
  });
}

inline bool settled(DialerFixture& f) {
  auto quiet = [&] {
    return f.dialer->services().registry->count(Kind::call) == 0 && f.telephony.active_calls() == 0;
  };
  if (!quiet()) return false;
  f.dialer->dispatcher_stats();
  return quiet();
}

inline std::string french_number(int i) {
  auto digits = std::to_string(10'000'000 + i);
  return "+336" + digits.substr(0, 8);
}

// Every actor's state the world names, as the dialer answers for it.
struct Snapshot {
  std::map<std::string, AgentState> agents;
  std::map<std::string, QueueItemState> items;
  std::map<std::string, CallState> calls;
  ConfigState config;
  DoNotCallState do_not_call;
};

inline Snapshot snapshot(Dialer& dialer, const World& world) {
  Snapshot out;
  for (const auto& [id, folded] : world.agents) out.agents[id] = *dialer.agent(id);
  for (const auto& [id, folded] : world.items) out.items[id] = *dialer.item(id);
  for (const auto& [id, folded] : world.calls) out.calls[id] = *dialer.call(id);
  out.config = *dialer.config();
  out.do_not_call = *dialer.do_not_call();
  return out;
}

inline void check_same(const Snapshot& after, const Snapshot& before) {
  CHECK(after.agents == before.agents);
  CHECK(after.items == before.items);
  CHECK(after.calls == before.calls);
  CHECK(after.config.values == before.config.values);
  CHECK(after.do_not_call == before.do_not_call);
}

// A day in steps of 30 s: calls answered, missed and retried; at a quarter of the day the
// last agent pauses and the last item is cancelled. A client on the do-not-call list is
// queued as "blocked".
inline void work_a_day(DialerFixture& f, int agents, int items, int steps) {
  configure(*f.dialer,
            {{"dialer.maxRetries", 2}, {"dialer.retryDelay", 5}, {"dialer.wrapUpSeconds", 0}});
  REQUIRE(f.dialer->do_not_call(do_not_call::Command{do_not_call::Add{french_number(99), "asked"}})
              .ok());
  for (int a = 0; a < agents; ++a) start_agent(*f.dialer, "agent-" + std::to_string(a), 200 + a);
  for (int i = 0; i < items; ++i)
    add_item(*f.dialer, "q" + std::to_string(i), french_number(i), i % 3);
  add_item(*f.dialer, "blocked", french_number(99));
  for (int step = 0; step < steps; ++step) {
    REQUIRE(eventually([&] { return settled(f); }));
    if (step == steps / 4) {
      auto last = "agent-" + std::to_string(agents - 1);
      REQUIRE(f.dialer->agent(last, agent::Command{agent::Pause{"meeting"}}).ok());
    }
    if (step == steps / 4 + 2) {
      auto last = "q" + std::to_string(items - 1);
      (void)f.dialer->item(last, queue_item::Command{queue_item::Cancel{"no longer needed"}});
    }
    f.clock.advance(30'000);
    f.dialer->tick();
  }
}

}  // namespace dialer::testing::steps
