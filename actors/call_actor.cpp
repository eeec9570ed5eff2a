#include "actors/call_actor.hpp"

#include "actors/asking.hpp"
#include "actors/registry.hpp"

namespace dialer::actors {
namespace {

namespace process = domain::call_process;
using Self = CallActor::stateful_pointer<CallActorState>;

void run(Self self, Services* services, process::Effects effects);

// Hands an input to the call's process and runs what it answers.
void feed(Self self, Services* services, const process::Input& input) {
  auto settings = services->settings();
  process::Context context{*settings, services->clock->now_us(),
                           services->telephony->can_hang_up()};
  auto& st = self->state;
  run(self, services, process::step(st.process, st.core->state(), input, context));
}

// What the answer to a command becomes for the process, as the effect asked.
template <class State>
auto answer(Self self, Services* services, process::Party party, process::Then then) {
  return [self, services, party, then](Result<State> result) {
    switch (then) {
      case process::Then::nothing:
        return;
      case process::Then::reserved: {
        std::optional<std::string> refusal;
        if (!result) refusal = result.error().message;
        return feed(self, services, process::Reserved{party, std::move(refusal)});
      }
      case process::Then::settled:
        return feed(self, services, process::Settled{});
    }
  };
}

template <class Traits>
void ask(Self self, Services* services, std::string id, typename Traits::Command command,
         process::Party party, process::Then then) {
  ask_from<Traits>(self, *services->registry, Question<Traits>{std::move(id), std::move(command)},
                   answer<typename Traits::State>(self, services, party, then));
}

void done(Self self, Services* services) {
  services->registry->forget(Kind::call, self->state.core->id(), self->address());
  self->quit();
}

// Runs one effect; answers come back to the process through `feed`.
struct Runner {
  Self self;
  Services* services;

  void operator()(process::Submit& submit) {
    self->state.core->submit(
        self, std::move(submit.command),
        answer<domain::CallState>(self, services, process::Party::request, submit.then));
  }
  void operator()(process::AskItem& ask_item) {
    ask<ItemTraits>(self, services, std::move(ask_item.id), std::move(ask_item.command),
                    process::Party::item, ask_item.then);
  }
  void operator()(process::AskAgent& ask_agent) {
    ask<AgentTraits>(self, services, std::move(ask_agent.id), std::move(ask_agent.command),
                     process::Party::agent, ask_agent.then);
  }
  void operator()(process::AskNumber& ask_number) {
    ask<NumberTraits>(self, services, std::move(ask_number.id), std::move(ask_number.command),
                      process::Party::number, ask_number.then);
  }
  void operator()(process::Expect& expect) {
    caf::anon_send(services->router, expect_atom::value, expect.aircall_user_id,
                   std::move(expect.digits), std::move(expect.call_id));
  }
  void operator()(process::Known& known) {
    caf::anon_send(services->router, known_atom::value, known.aircall_call_id,
                   std::move(known.call_id));
  }
  void operator()(process::Forget& forget) {
    caf::anon_send(services->router, forget_atom::value, std::move(forget.call_id));
  }
  void operator()(process::StartTelephony& start) {
    services->telephony->start_call(start.call, [handle = CallActor{self}](StartResult result) {
      caf::anon_send(handle, started_atom::value, std::move(result));
    });
  }
  void operator()(process::FindCall& find) {
    services->telephony->find_call(
        find.query, [handle = CallActor{self}](Result<std::optional<FoundCall>> found) {
          caf::anon_send(handle, found_atom::value, std::move(found));
        });
  }
  void operator()(process::HangUp& hang_up) {
    services->telephony->hang_up(hang_up.aircall_call_id);
  }
  void operator()(process::ArmTimeout&) {
    self->delayed_send(self, services->creation_timeout, timeout_atom::value);
  }
  void operator()(process::ArmLiveCheck&) {
    self->delayed_send(self, services->live_call_check, check_atom::value);
  }
  void operator()(process::ArmGo& go) {
    self->delayed_send(self, std::chrono::microseconds{go.wait_us}, go_atom::value);
  }
  void operator()(process::ReadAgent&) {
    auto agent = services->agents.find(self->state.process.agent_id);
    feed(self, services, process::AgentIs{agent.get()});
  }
  void operator()(process::Finish&) { done(self, services); }
};

void run(Self self, Services* services, process::Effects effects) {
  Runner runner{self, services};
  for (auto& effect : effects) std::visit(runner, effect);
}

// Loads (or adopts) the call to follow; false if its log cannot be read.
bool load(Self self, CallTask& task) {
  auto& st = self->state;
  if (task.adopted) {
    st.core->adopt(std::move(task.adopted->first), task.adopted->second);
  } else if (auto loaded = st.core->load(); !loaded) {
    self->quit(caf::make_error(caf::sec::runtime_error, loaded.error().message));
    return false;
  }
  const auto& request = st.core->state().request;
  st.process.item_id = task.item_id.empty() ? request.queue_item_id : task.item_id;
  st.process.agent_id = task.agent_id.empty() ? request.agent_id : task.agent_id;
  return true;
}

void passivate_later(Self self, Services* services) {
  self->delayed_send(self, services->passivate_after, passivate_atom::value,
                     ++self->state.activity);
}

}  // namespace

CallActor::behavior_type call_actor(Self self, Services* services, CallTask task) {
  auto& st = self->state;
  st.core = std::make_unique<AggregateCore<CallTraits>>(*services, task.call_id);
  st.process.call_id = task.call_id;
  st.core->observe([self, services](const domain::CallState& before, const domain::CallState&,
                                    const std::vector<events::Event>&) {
    feed(self, services, process::Changed{before});
  });
  if (task.mode == CallTask::Mode::dial) {
    const auto& plan = task.plan;
    events::CallRequested request{plan.call_id,           plan.item.item_id,
                                  plan.agent.agent_id,    plan.agent.aircall_user_id,
                                  plan.agent.number_id,   plan.item.phone_number,
                                  plan.item.next_attempt, plan.agent.mock_mode};
    feed(self, services, process::Dial{std::move(request), plan.start_at_ms});
  } else if (!load(self, task)) {
    // It has quit: the behaviour below never runs.
  } else if (task.mode == CallTask::Mode::resume || !domain::finished(st.core->state())) {
    feed(self, services, process::Resume{});
  } else {
    // Loaded only to be looked at: it goes once nobody has asked for a while.
    passivate_later(self, services);
  }

  return {
      [self](appended_atom, Result<storage::AppendOutcome>& outcome) {
        self->state.core->appended(self, std::move(outcome));
      },
      [self, services](go_atom) { feed(self, services, process::Go{}); },
      [self, services](get_atom) -> Reply<domain::CallState> {
        auto& call = self->state;
        if (domain::finished(call.core->state()) && !call.process.settling) {
          passivate_later(self, services);
        }
        return Reply<domain::CallState>{call.core->state()};
      },
      [self, services](passivate_atom, std::uint64_t activity) {
        auto& call = self->state;
        if (activity == call.activity && call.core->idle() && !call.process.settling &&
            domain::finished(call.core->state())) {
          done(self, services);
        }
      },
      [self, services](started_atom, StartResult& result) {
        feed(self, services, process::Started{std::move(result)});
      },
      [self, services](timeout_atom) { feed(self, services, process::Timeout{}); },
      [self, services](check_atom) { feed(self, services, process::LiveCheck{}); },
      [self, services](found_atom, Result<std::optional<FoundCall>>& found) {
        feed(self, services, process::Found{std::move(found)});
      },
      [self, services](hang_up_atom) { feed(self, services, process::HangUpAsked{}); },
      [self, services](telephony_atom, TelephonyEvent& event) {
        feed(self, services, process::Heard{std::move(event)});
      },
  };
}

}  // namespace dialer::actors
