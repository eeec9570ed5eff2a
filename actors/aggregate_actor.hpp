#pragma once

#include <caf/all.hpp>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "actors/aggregates.hpp"
#include "actors/registry.hpp"

namespace dialer::actors {

template <class Traits>
struct AggregateActorState {
  std::unique_ptr<AggregateCore<Traits>> core;
  std::optional<Error> broken;  // the stream could not be loaded
  std::uint64_t activity = 0;
  static inline const char* name = Traits::name;
};

template <class Traits>
using Adopted = std::optional<std::pair<typename Traits::State, std::uint64_t>>;

template <class Traits>
using AggregateSelf =
    typename Traits::Actor::template stateful_pointer<AggregateActorState<Traits>>;

// One agent, queue item, config or do-not-call list: loads its stream (or adopts the state
// recovery folded), answers commands and reads, and is passivated after a quiet spell when
// its state allows.
template <class Traits>
typename Traits::Actor::behavior_type aggregate_actor(AggregateSelf<Traits> self,
                                                      Services* services, std::string id,
                                                      Adopted<Traits> adopted) {
  using State = typename Traits::State;
  auto& st = self->state;
  st.core = std::make_unique<AggregateCore<Traits>>(*services, id);
  if (adopted) {
    st.core->adopt(std::move(adopted->first), adopted->second);
  } else if (auto loaded = st.core->load(); !loaded) {
    st.broken = loaded.error();
  }
  Traits::observe(*services, *st.core);

  auto touched = [self, services] {
    auto activity = ++self->state.activity;
    self->delayed_send(self, services->passivate_after, passivate_atom::value, activity);
  };

  return {
      [self, touched](command_atom,
                      typename Traits::Command& command) -> caf::result<Reply<State>> {
        if (self->state.broken) return Reply<State>{*self->state.broken};
        auto promise = self->template make_response_promise<Reply<State>>();
        self->state.core->submit(self, std::move(command),
                                 [promise, touched](const Result<State>& result) mutable {
                                   promise.deliver(Reply<State>{result});
                                   touched();
                                 });
        return promise;
      },
      [self, touched](get_atom) -> Reply<State> {
        touched();
        if (self->state.broken) return Reply<State>{*self->state.broken};
        return Reply<State>{self->state.core->state()};
      },
      [self](appended_atom, Result<storage::AppendOutcome>& outcome) {
        self->state.core->appended(self, std::move(outcome));
      },
      [self, services, id](passivate_atom, std::uint64_t activity) {
        auto& state = self->state;
        if (activity != state.activity || !state.core->idle() ||
            !Traits::may_passivate(state.core->state())) {
          return;
        }
        services->registry->forget(Traits::kind, id, self->address());
        self->quit();
      },
  };
}

}  // namespace dialer::actors
