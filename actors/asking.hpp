#pragma once

// The one way to ask an aggregate actor (an agent, an item, a number, ...) for its state:
// with a command, or as a read when there is none. The dialer asks from its callers'
// threads and waits; an actor (a call) asks from its behaviour and is answered later.
// Either way a request that lands on an actor that passivated meanwhile is bounced by CAF
// (request_receiver_down) and asked again, once, of the actor the registry now gives; no
// other failure is asked twice, since a command that timed out may still have been applied.

#include <caf/all.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/protocols.hpp"
#include "actors/registry.hpp"

namespace dialer::actors {

template <class Traits>
struct Question {
  std::string id;
  std::optional<typename Traits::Command> command;  // none: a read
};

namespace asking {

inline bool passivated(const caf::error& error) {
  return error == caf::sec::request_receiver_down;
}

template <class Traits>
Error unanswered(const std::string& id) {
  return Error{ErrorCode::unavailable, std::string{Traits::name} + " " + id + " did not answer"};
}

template <class Traits, class Self, class Actors>
auto send(Self* self, Actors& actors, const Question<Traits>& question, caf::duration timeout) {
  auto target = actors.template get<Traits>(question.id);
  if constexpr (Commanded<Traits>) {
    if (question.command) {
      return self->request(target, timeout, command_atom::value, *question.command);
    }
  }
  return self->request(target, timeout, get_atom::value);
}

}  // namespace asking

// Every question at once (so that their appends share group commits), each answered in its
// order; waits at most `timeout` for each. `actors` gives the actor of an id (the Registry).
template <class Traits, class Actors = Registry>
std::vector<Result<typename Traits::State>> ask_each(
    caf::actor_system& system, Actors& actors, std::chrono::milliseconds timeout,
    const std::vector<Question<Traits>>& questions) {
  using State = typename Traits::State;
  std::vector<std::optional<Result<State>>> answers(questions.size());
  std::vector<std::size_t> to_ask(questions.size());
  for (std::size_t i = 0; i < to_ask.size(); ++i) to_ask[i] = i;
  caf::scoped_actor self{system};
  for (int round = 0; round < 2 && !to_ask.empty(); ++round) {
    using Handle = decltype(asking::send(self.ptr(), actors, questions.front(), {}));
    std::vector<Handle> pending;
    pending.reserve(to_ask.size());
    for (auto i : to_ask) {
      pending.push_back(asking::send(self.ptr(), actors, questions[i], caf::duration{timeout}));
    }
    std::vector<std::size_t> again;
    for (std::size_t k = 0; k < pending.size(); ++k) {
      auto i = to_ask[k];
      pending[k].receive([&](Reply<State>& reply) { answers[i] = std::move(reply.result); },
                         [&](caf::error& error) {
                           if (round == 0 && asking::passivated(error)) again.push_back(i);
                         });
    }
    to_ask = std::move(again);
  }
  std::vector<Result<State>> out;
  out.reserve(answers.size());
  for (std::size_t i = 0; i < answers.size(); ++i) {
    out.push_back(answers[i] ? std::move(*answers[i])
                             : Result<State>{asking::unanswered<Traits>(questions[i].id)});
  }
  return out;
}

// From an event-based actor: `then` gets the answer, or why there is none; waits as long as
// it takes (the actor's own timers bound what it waits for).
template <class Traits, class Self, class Then, class Actors = Registry>
void ask_from(Self* self, Actors& actors, Question<Traits> question, Then then,
              bool first_try = true) {
  asking::send(self, actors, question, caf::duration{caf::infinite})
      .then([then](Reply<typename Traits::State>& reply) mutable { then(std::move(reply.result)); },
            [self, &actors, question, then, first_try](caf::error& error) mutable {
              if (first_try && asking::passivated(error)) {
                return ask_from<Traits>(self, actors, std::move(question), std::move(then), false);
              }
              then(Result<typename Traits::State>{
                  Error{ErrorCode::unavailable, self->system().render(error)}});
            });
}

}  // namespace dialer::actors
