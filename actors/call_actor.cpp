#include "actors/call_actor.hpp"

#include "actors/asking.hpp"
#include "actors/domain/settlement.hpp"
#include "actors/registry.hpp"
#include "actors/rules/phone.hpp"

namespace dialer::actors {
namespace {

using Self = caf::stateful_actor<CallActorState>;
using domain::CallPhase;

constexpr std::int64_t kLookupSlackMs = 60'000;

// Sends a command to an aggregate actor and hands its answer to `then` (actors/asking.hpp).
template <class Traits, class Then>
void ask(Self* self, Services* services, const std::string& id, typename Traits::Command command,
         Then then) {
  ask_from<Traits>(self, *services->registry, Question<Traits>{id, std::move(command)},
                   std::move(then));
}

void done(Self* self, Services* services) {
  services->registry->forget(Kind::call, self->state.core->id(), self->address());
  self->quit();
}

void submit(Self* self, domain::call::Command command) {
  self->state.core->submit(self, std::move(command), [](Result<domain::CallState>) {});
}

// One more answer from the item or the agent while settling; the last one ends the actor.
void settled_reply(Self* self, Services* services) {
  if (--self->state.replies_due == 0) done(self, services);
}

// The end is known: tell the item its outcome and the agent it is free again, as the
// domain's settlement says.
void settle(Self* self, Services* services) {
  auto& st = self->state;
  if (st.settling) return;
  st.settling = true;
  const auto& call_id = st.core->id();
  caf::anon_send(services->router, forget_atom::value, call_id);
  auto [for_item, for_agent] =
      domain::settle(call_id, st.core->state(), *services->settings(), services->clock->now_ms());
  st.replies_due = 0;
  if (!st.item_id.empty()) {
    ++st.replies_due;
    ask<ItemTraits>(
        self, services, st.item_id, for_item,
        [self, services](Result<domain::QueueItemState>) { settled_reply(self, services); });
  }
  if (!st.agent_id.empty()) {
    ++st.replies_due;
    ask<AgentTraits>(
        self, services, st.agent_id, for_agent,
        [self, services](Result<domain::AgentState>) { settled_reply(self, services); });
  }
  if (st.replies_due == 0) done(self, services);
}

void lookup(Self* self, Services* services) {
  auto& st = self->state;
  if (st.asking) return;
  st.asking = true;
  const auto& request = st.core->state().request;
  CallQuery query{st.core->state().aircall_call_id, request.aircall_user_id, request.phone_number,
                  st.core->state().requested_at_ms - kLookupSlackMs, request.mock_mode};
  services->telephony->find_call(
      query, [handle = caf::actor_cast<caf::actor>(self)](Result<std::optional<FoundCall>> found) {
        caf::anon_send(handle, found_atom::value, std::move(found));
      });
}

void arm_timeout(Self* self, Services* services) {
  self->delayed_send(self, services->creation_timeout, timeout_atom::value);
}

// One check at a time, for as long as Aircall knows the call and has not said it ended.
void arm_live_check(Self* self, Services* services) {
  const auto& call = self->state.core->state();
  if (self->state.check_armed || call.aircall_call_id == 0 || domain::finished(call)) return;
  self->state.check_armed = true;
  self->delayed_send(self, services->live_call_check, check_atom::value);
}

void start_call(Self* self, Services* services) {
  const auto& request = self->state.core->state().request;
  caf::anon_send(services->router, expect_atom::value, request.aircall_user_id,
                 rules::digits_only(request.phone_number), request.call_id);
  // Armed now, not on the answer: a start that is never answered must be asked about too.
  arm_timeout(self, services);
  services->telephony->start_call(
      StartCall{request.call_id, request.aircall_user_id, request.number_id, request.phone_number,
                request.mock_mode},
      [handle = caf::actor_cast<caf::actor>(self)](StartResult result) {
        caf::anon_send(handle, started_atom::value, std::move(result));
      });
}

// A call reserved ahead of its agent's wrap-up starts the moment that ends, if the agent is
// still there to take it; if not, the reservation is given back.
void start_when_due(Self* self, Services* services) {
  auto& st = self->state;
  auto agent = services->agents.find(st.agent_id);
  if (!agent || agent->mode != domain::AgentMode::active || agent->call_id != st.core->id() ||
      !domain::aircall_available(*agent)) {
    return submit(self, domain::call::StartFailed{events::CallFailure::agent_left,
                                                  "the agent left before the call started"});
  }
  auto wait = std::chrono::microseconds{st.start_at_ms * 1000 - services->clock->now_us()};
  if (wait.count() > 0) return self->delayed_send(self, wait, go_atom::value);
  start_call(self, services);
}

// The reservations and the request all answered: start the call, or, if either side
// refused, close the request and give back what was reserved.
void reserved(Self* self, Services* services) {
  auto& st = self->state;
  if (--st.replies_due > 0) return;
  if (st.item_reserved && st.agent_reserved && st.requested && st.attempt_recorded) {
    return start_when_due(self, services);
  }
  if (!st.item_reserved) st.item_id.clear();
  if (!st.agent_reserved) st.agent_id.clear();
  if (st.requested) {
    // Closing the request settles the call, which releases whichever side was reserved.
    return submit(self, domain::call::StartFailed{events::CallFailure::not_reserved, st.refusal});
  }
  settle(self, services);
}

void reserve(Self* self, Services* services) {
  auto& st = self->state;
  // Ahead of the agent's wrap-up end, both are reserved for when the call is to start.
  auto now = std::max(services->clock->now_ms(), st.start_at_ms);
  const auto& call_id = st.core->id();
  st.replies_due = 4;
  ask<ItemTraits>(self, services, st.item_id, domain::queue_item::Assign{st.agent_id, call_id, now},
                  [self, services](Result<domain::QueueItemState> item) {
                    self->state.item_reserved = item.ok();
                    if (!item) self->state.refusal = item.error().message;
                    reserved(self, services);
                  });
  ask<AgentTraits>(self, services, st.agent_id, domain::agent::Reserve{call_id, st.item_id, now},
                   [self, services](Result<domain::AgentState> agent) {
                     self->state.agent_reserved = agent.ok();
                     if (!agent) self->state.refusal = agent.error().message;
                     reserved(self, services);
                   });
  // The number counts the attempt before it rings: compliance caps hold across restarts.
  ask<NumberTraits>(self, services, st.item.phone_number,
                    domain::number::RecordAttempt{st.item_id, call_id},
                    [self, services](Result<domain::NumberState> number) {
                      self->state.attempt_recorded = number.ok();
                      if (!number) self->state.refusal = number.error().message;
                      reserved(self, services);
                    });
  events::CallRequested request{call_id,
                                st.item_id,
                                st.agent_id,
                                st.agent.aircall_user_id,
                                st.agent.number_id,
                                st.item.phone_number,
                                st.item.next_attempt,
                                st.agent.mock_mode};
  st.core->submit(self, domain::call::Request{request},
                  [self, services](Result<domain::CallState> requested) {
                    self->state.requested = requested.ok();
                    reserved(self, services);
                  });
}

// Picks up a call recovery (or a late message) found: settles what ended, asks Aircall about
// what is still open.
void resume(Self* self, Services* services) {
  auto& st = self->state;
  const auto& call = st.core->state();
  if (call.phase == CallPhase::none || domain::finished(call)) return settle(self, services);
  if (call.aircall_call_id != 0) {
    caf::anon_send(services->router, known_atom::value, call.aircall_call_id, st.core->id());
    // Known to Aircall: its call list says at once how far the call got meanwhile.
    lookup(self, services);
    return arm_live_check(self, services);
  }
  caf::anon_send(services->router, expect_atom::value, call.request.aircall_user_id,
                 rules::digits_only(call.request.phone_number), st.core->id());
  // Not seen yet: its call.created may be among the deliveries stored before the stop, or
  // among those Aircall redelivers now. Aircall's list is asked if none comes in time.
  arm_timeout(self, services);
}

void observe(Self* self, Services* services) {
  self->state.core->observe([self, services](const domain::CallState& before,
                                             const domain::CallState& after,
                                             const std::vector<events::Event>&) {
    auto& st = self->state;
    if (after.aircall_call_id != 0 && before.aircall_call_id == 0) {
      caf::anon_send(services->router, known_atom::value, after.aircall_call_id, st.core->id());
      arm_live_check(self, services);
      if (st.hang_up_on_creation && !domain::finished(after))
        services->telephony->hang_up(after.aircall_call_id);
    }
    if (after.answered_at_ms && !before.answered_at_ms && !domain::finished(after) &&
        !st.agent_id.empty()) {
      ask<AgentTraits>(self, services, st.agent_id, domain::agent::CallAnswered{st.core->id()},
                       [](Result<domain::AgentState>) {});
    }
    if (domain::finished(after) && !domain::finished(before)) settle(self, services);
  });
}

}  // namespace

caf::behavior call_actor(Self* self, Services* services, CallTask task) {
  auto& st = self->state;
  st.core = std::make_unique<AggregateCore<CallTraits>>(*services, task.call_id);
  observe(self, services);
  switch (task.mode) {
    case CallTask::Mode::dial:
      st.item_id = task.plan.item.item_id;
      st.agent_id = task.plan.agent.agent_id;
      st.agent = std::move(task.plan.agent);
      st.item = std::move(task.plan.item);
      st.start_at_ms = task.plan.start_at_ms;
      reserve(self, services);
      break;
    case CallTask::Mode::resume:
    case CallTask::Mode::follow:
      if (task.adopted) {
        st.core->adopt(std::move(task.adopted->first), task.adopted->second);
      } else if (auto loaded = st.core->load(); !loaded) {
        self->quit(caf::make_error(caf::sec::runtime_error, loaded.error().message));
        return {};
      }
      st.item_id = task.item_id.empty() ? st.core->state().request.queue_item_id : task.item_id;
      st.agent_id = task.agent_id.empty() ? st.core->state().request.agent_id : task.agent_id;
      if (task.mode == CallTask::Mode::resume || !domain::finished(st.core->state())) {
        resume(self, services);
      } else {
        // Loaded only to be looked at: it goes once nobody has asked for a while.
        self->delayed_send(self, services->passivate_after, passivate_atom::value, st.activity);
      }
      break;
  }

  return {
      [self](appended_atom, Result<storage::AppendOutcome>& outcome) {
        self->state.core->appended(self, std::move(outcome));
      },
      [self, services](go_atom) {
        if (self->state.core->state().phase == CallPhase::requested) {
          start_when_due(self, services);
        }
      },
      [self, services](get_atom) -> Reply<domain::CallState> {
        auto& call = self->state;
        if (domain::finished(call.core->state()) && !call.settling) {
          self->delayed_send(self, services->passivate_after, passivate_atom::value,
                             ++call.activity);
        }
        return Reply<domain::CallState>{call.core->state()};
      },
      [self, services](passivate_atom, std::uint64_t activity) {
        auto& call = self->state;
        if (activity == call.activity && call.core->idle() && !call.settling &&
            domain::finished(call.core->state())) {
          done(self, services);
        }
      },
      [self](started_atom, StartResult& result) {
        using events::CallFailure;
        auto fail = [&](CallFailure code) {
          submit(self, domain::call::StartFailed{code, std::move(result.message)});
        };
        switch (result.status) {
          case StartStatus::accepted:
            return submit(self, domain::call::StartAccepted{});
          case StartStatus::unknown:
            return;  // the timeout armed at the start asks Aircall
          case StartStatus::user_unavailable:
            return fail(CallFailure::user_unavailable);
          case StartStatus::bad_number:
            return fail(CallFailure::bad_number);
          case StartStatus::refused:
            return fail(CallFailure::refused);
          case StartStatus::rate_limited:
            return fail(CallFailure::rate_limited);
        }
      },
      [self, services](timeout_atom) {
        auto phase = self->state.core->state().phase;
        if (phase == CallPhase::requested || phase == CallPhase::accepted) lookup(self, services);
      },
      [self, services](check_atom) {
        self->state.check_armed = false;
        if (domain::finished(self->state.core->state())) return;
        lookup(self, services);
        arm_live_check(self, services);
      },
      [self, services](found_atom, Result<std::optional<FoundCall>>& found) {
        self->state.asking = false;
        if (!found) return arm_timeout(self, services);
        const auto& call = self->state.core->state();
        if (!*found) {
          if (call.phase == CallPhase::requested || call.phase == CallPhase::accepted) {
            submit(self, domain::call::Lost{
                             "no call.created came, and Aircall's call list has no such call"});
          } else {
            submit(self, domain::call::Vanished{"the telephony has no trace of the call any more",
                                                services->clock->now_ms()});
          }
          return;
        }
        const auto& known = **found;
        submit(self, domain::call::Created{known.aircall_call_id, known.started_at_ms});
        if (known.answered_at_ms)
          submit(self, domain::call::Answered{known.aircall_call_id, *known.answered_at_ms});
        if (known.ended) submit(self, domain::call::Ended{*known.ended});
      },
      [self, services](hang_up_atom) {
        const auto& call = self->state.core->state();
        if (domain::finished(call) || !services->telephony->can_hang_up()) return;
        if (call.aircall_call_id == 0) {
          self->state.hang_up_on_creation = true;  // its id is not known yet
          return;
        }
        services->telephony->hang_up(call.aircall_call_id);
      },
      [self](telephony_atom, TelephonyEvent& event) {
        using K = TelephonyEvent::Kind;
        switch (event.kind) {
          case K::created:
            submit(self, domain::call::Created{event.aircall_call_id, event.at_ms});
            break;
          case K::answered:
            submit(self, domain::call::Answered{event.aircall_call_id, event.at_ms});
            break;
          case K::hungup:
            submit(self, domain::call::HungUp{event.aircall_call_id, event.at_ms});
            break;
          case K::ended:
            if (event.ended) submit(self, domain::call::Ended{*event.ended});
            break;
          case K::user_status:
            break;
        }
      },
  };
}

}  // namespace dialer::actors
