#include "actors/aggregates.hpp"

#include <algorithm>

#include "actors/registry.hpp"

namespace dialer::actors {

std::optional<dispatch::FreeAgent> free_agent_of(const domain::AgentState& s) {
  if (s.mode != domain::AgentMode::active || !s.call_id.empty() || s.awaiting_disposition ||
      !domain::aircall_available(s)) {
    return std::nullopt;
  }
  return dispatch::FreeAgent{s.user_id, s.aircall_user_id, s.number_id, s.wrap_up_until_ms,
                             s.mock_mode};
}

std::optional<dispatch::PendingItem> pending_item_of(const domain::QueueItemState& s) {
  if (!s.exists || s.status != domain::ItemStatus::pending) return std::nullopt;
  dispatch::PendingItem item{s.details.item_id,      s.details.priority,  s.due_at_ms(),
                             s.details.phone_number, s.details.time_zone, s.details.assigned_to,
                             s.attempts + 1};
  if (item.pinned_agent.empty() && !s.callback_agent.empty()) {
    item.pinned_agent = s.callback_agent;
    item.pinned_until_ms = s.pinned_until_ms;
  }
  item.callback = s.callback_due_ms.has_value();
  item.retrying = !item.callback && s.retry_due_ms.has_value();
  return item;
}

namespace {
bool same(const std::optional<dispatch::FreeAgent>& a,
          const std::optional<dispatch::FreeAgent>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return a->aircall_user_id == b->aircall_user_id && a->number_id == b->number_id &&
         a->free_at_ms == b->free_at_ms && a->mock_mode == b->mock_mode;
}
bool same(const std::optional<dispatch::PendingItem>& a,
          const std::optional<dispatch::PendingItem>& b) {
  if (!a || !b) return a.has_value() == b.has_value();
  return a->priority == b->priority && a->due_ms == b->due_ms &&
         a->pinned_agent == b->pinned_agent && a->pinned_until_ms == b->pinned_until_ms &&
         a->callback == b->callback && a->retrying == b->retrying &&
         a->next_attempt == b->next_attempt;
}
}  // namespace

void AgentTraits::observe(Services& services, AggregateCore<AgentTraits>& core) {
  services.agents.publish(core.id(), core.state());
  core.observe([&services, id = core.id()](const State& before, const State& after,
                                           const std::vector<events::Event>& changes) {
    services.agents.publish(id, after);
    if (after.aircall_user_id != 0) services.link_aircall_user(after.aircall_user_id, id);
    if (auto user = domain::user_given_up(before, after)) {
      caf::anon_send(services.registry->get<AircallUserTraits>(std::to_string(user)),
                     command_atom::value,
                     domain::aircall_user::Command{domain::aircall_user::Release{id}});
    }
    bool stopped = std::any_of(changes.begin(), changes.end(), [](const events::Event& e) {
      return std::holds_alternative<events::AgentStopped>(e);
    });
    // Aircall cannot hang up a call: stopping leaves it to the agent. A telephony that can
    // is asked to.
    if (stopped && !before.call_id.empty() && services.telephony->can_hang_up()) {
      caf::anon_send(services.registry->get<CallTraits>(before.call_id), hang_up_atom::value);
    }
    auto was = free_agent_of(before);
    auto now = free_agent_of(after);
    if (same(was, now)) return;
    if (now) {
      if (services.on_agent_free) services.on_agent_free(id, now->free_at_ms);
      caf::anon_send(services.dispatcher, agent_free_atom::value, *now);
    } else {
      caf::anon_send(services.dispatcher, agent_gone_atom::value, id);
    }
  });
}

void ItemTraits::observe(Services& services, AggregateCore<ItemTraits>& core) {
  core.observe(
      [&services](const State& before, const State& after, const std::vector<events::Event>&) {
        // A claim here repeats the one its add made first, or, for an item set pending
        // again by hand, takes the number back if it is free.
        if (domain::holds_number(before) != domain::holds_number(after)) {
          caf::anon_send(services.registry->get<NumberTraits>(after.details.phone_number),
                         command_atom::value, domain::follow_item(after));
        }
        auto was = pending_item_of(before);
        auto now = pending_item_of(after);
        if (same(was, now)) return;
        if (now) {
          caf::anon_send(services.dispatcher, item_pending_atom::value, *now);
        } else {
          caf::anon_send(services.dispatcher, item_gone_atom::value, after.details.item_id);
        }
      });
}

void ConfigTraits::observe(Services& services, AggregateCore<ConfigTraits>& core) {
  core.observe([&services](const State&, const State& after, const std::vector<events::Event>&) {
    caf::anon_send(services.dispatcher, settings_atom::value, domain::dialer_settings(after));
  });
}

void DoNotCallTraits::observe(Services& services, AggregateCore<DoNotCallTraits>& core) {
  core.observe([&services](const State&, const State& after, const std::vector<events::Event>&) {
    caf::anon_send(services.dispatcher, dnc_atom::value, after.numbers);
  });
}

}  // namespace dialer::actors
