#include "actors/dispatcher_actor.hpp"

#include <algorithm>
#include <cstdio>

#include "actors/call_actor.hpp"
#include "actors/messages.hpp"
#include "actors/registry.hpp"

namespace dialer::actors {
namespace {

using Self = DispatcherActor::stateful_pointer<DispatcherState>;

std::string new_call_id(std::mt19937_64& random) {
  char id[16];
  std::snprintf(id, sizeof id, "%015llx",
                static_cast<unsigned long long>(random() & 0x0fffffffffffffffULL));
  return id;
}

void arm(Self self, std::int64_t now_ms) {
  auto& st = self->state;
  auto wake = st.index.next_wake();
  if (!wake || (st.armed_for && *st.armed_for <= *wake)) return;
  st.armed_for = wake;
  auto delay = std::chrono::milliseconds{std::max<std::int64_t>(0, *wake - now_ms)};
  self->delayed_send(self, delay, wake_atom::value, *wake);
}

// The dispatcher's own facts go to its stream, for the live feed; nothing waits on them.
void record(Services* services, events::Event event) {
  storage::AppendRequest request{"dispatcher", storage::ExpectedVersion::any(), {}, {}};
  request.events.push_back(storage::NewEvent::from(event));
  services->store->append_async(std::move(request), [](Result<storage::AppendOutcome>) {});
}

// Agents waiting in line with nothing to dial is a team lead's emergency: it is recorded,
// once a minute at most, for the live feed.
constexpr std::int64_t kDryRecordEveryMs = 60'000;

void watch_for_dry(Self self, Services* services, std::int64_t now) {
  auto& st = self->state;
  auto stats = st.index.stats();
  bool dry = stats.free_agents > 0 && stats.ready_items == 0;
  if (dry && !st.dry && now - st.dry_recorded_ms >= kDryRecordEveryMs) {
    st.dry_recorded_ms = now;
    record(services, events::DispatcherRanDry{static_cast<std::uint32_t>(stats.free_agents),
                                              static_cast<std::uint32_t>(stats.waiting_items)});
  }
  st.dry = dry;
}

void publish_callbacks(Self self, Services* services) {
  auto& index = self->state.index;
  for (const auto& agent_id : index.take_callback_changes())
    services->callbacks.publish(agent_id, index.next_callback(agent_id));
}

void match(Self self, Services* services) {
  auto& st = self->state;
  auto now = services->clock->now_ms();
  for (auto& pair : st.index.take_matches(now)) {
    auto call_id = new_call_id(st.random);
    auto call =
        services->system->spawn(call_actor, services,
                                CallTask::dial(CallPlan{call_id, std::move(pair.agent),
                                                        std::move(pair.item), pair.start_at_ms}));
    services->registry->put<CallTraits>(call_id, call);
    ++st.calls_started;
  }
  for (const auto& item_id : st.index.take_refused()) {
    caf::anon_send(services->registry->get<ItemTraits>(item_id), command_atom::value,
                   domain::queue_item::Command{domain::queue_item::SetStatus{
                       events::ManualStatus::skipped, "do-not-call"}});
  }
  for (auto& due : st.index.take_due_callbacks()) {
    record(services, events::DispatcherCallbackDue{due.item_id, due.agent_id, due.due_ms});
  }
  watch_for_dry(self, services, now);
  publish_callbacks(self, services);
  arm(self, now);
}

}  // namespace

DispatcherActor::behavior_type dispatcher_actor(Self self, Services* services,
                                                DispatcherSeed seed) {
  auto& index = self->state.index;
  index.configure(seed.settings);
  index.set_reserve_ahead(services->reserve_ahead.count());
  index.set_do_not_call(std::move(seed.do_not_call));
  for (auto& agent : seed.agents) index.agent_free(std::move(agent));
  for (auto& item : seed.items) index.item_pending(std::move(item));
  for (const auto& [phone, at] : seed.attempts) index.number_attempted(phone, at);
  // Recovery may hand over work that is due at once.
  self->send(self, tick_atom::value);

  return {
      [self, services](agent_free_atom, dispatch::FreeAgent& agent) {
        self->state.index.agent_free(std::move(agent));
        match(self, services);
      },
      [self](agent_gone_atom, const std::string& agent_id) {
        self->state.index.agent_gone(agent_id);
      },
      [self, services](item_pending_atom, dispatch::PendingItem& item) {
        self->state.index.item_pending(std::move(item));
        match(self, services);
      },
      [self, services](item_gone_atom, const std::string& item_id) {
        self->state.index.item_gone(item_id);
        publish_callbacks(self, services);
      },
      [self](attempts_atom, const std::string& phone, std::vector<std::int64_t>& times) {
        self->state.index.learn_attempts(phone, std::move(times));
      },
      [self, services](settings_atom, domain::DialerSettings& settings) {
        services->set_settings(settings);
        self->state.index.configure(settings);
        match(self, services);
      },
      [self, services](dnc_atom, std::set<std::string>& numbers) {
        self->state.index.set_do_not_call(std::move(numbers));
        match(self, services);
      },
      [self, services](wake_atom, std::int64_t at) {
        if (self->state.armed_for == at) self->state.armed_for.reset();
        match(self, services);
      },
      [self, services](tick_atom) { match(self, services); },
      [self](stats_atom) -> DispatcherStats {
        auto& st = self->state;
        return {st.index.stats(), st.index.next_wake(), st.calls_started};
      },
      // A walk over every item held: asked only by the reads that show it.
      [self, services](waiting_atom) -> std::map<std::string, std::size_t> {
        return self->state.index.waiting_for(services->clock->now_ms());
      },
      [self, services](why_atom, const std::vector<std::string>& item_ids) -> WaitReport {
        auto now = services->clock->now_ms();
        WaitReport report;
        report.items.reserve(item_ids.size());
        for (const auto& id : item_ids) report.items.push_back(self->state.index.why(id, now));
        return report;
      },
  };
}

}  // namespace dialer::actors
