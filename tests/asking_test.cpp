// The one way to ask an aggregate actor (actors/asking.hpp): a request bounced by an actor
// that passivated is asked again of its successor, once; any other failure is not.

#include "actors/asking.hpp"

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <map>

#include "support/dialer_fixture.hpp"

using namespace dialer;
using namespace dialer::actors;

namespace {

using NumberActor = NumberTraits::Actor;

// Stands in for an aggregate actor: a read answers its number; a Claim is held by it.
NumberActor::behavior_type number_stub(NumberActor::pointer, std::string held_by) {
  return {
      [held_by](get_atom) {
        domain::NumberState state;
        state.held_by = held_by;
        return Reply<domain::NumberState>{state};
      },
      [held_by](command_atom, const domain::number::Command&) {
        domain::NumberState state;
        state.held_by = held_by;
        return Reply<domain::NumberState>{state};
      },
      [](appended_atom, const Result<storage::AppendOutcome>&) {},
      [](passivate_atom, std::uint64_t) {},
  };
}

// An actor that has already stopped, as one does once it has passivated.
NumberActor stopped_actor(caf::actor_system& system) {
  auto actor = system.spawn(number_stub, "gone");
  caf::scoped_actor self{system};
  self->send_exit(actor, caf::exit_reason::user_shutdown);
  self->wait_for(actor);
  return actor;
}

// Stands in for the registry: gives each id its actors in turn, and counts the lookups.
struct ScriptedActors {
  std::map<std::string, std::vector<NumberActor>> script;
  std::map<std::string, int> lookups;

  template <class Traits>
  NumberActor get(const std::string& id) {
    auto& turn = lookups[id];
    auto& actors = script.at(id);
    return actors[std::min<std::size_t>(static_cast<std::size_t>(turn++), actors.size() - 1)];
  }
};

constexpr std::chrono::milliseconds kTimeout{5'000};

}  // namespace

TEST_CASE("asking: a question bounced by a passivated actor is asked of its successor once") {
  caf::actor_system_config config;
  caf::actor_system system{dialer::testing::two_threads(config)};
  ScriptedActors actors;
  actors.script["+33612345678"] = {stopped_actor(system), system.spawn(number_stub, "q1")};
  actors.script["+33612345679"] = {system.spawn(number_stub, "q2")};

  auto answers = ask_each<NumberTraits>(
      system, actors, kTimeout,
      {{"+33612345678", std::nullopt}, {"+33612345679", domain::number::Claim{"q2", {}}}});

  REQUIRE(answers.size() == 2);
  REQUIRE(answers[0].ok());
  CHECK(answers[0]->held_by == "q1");
  REQUIRE(answers[1].ok());
  CHECK(answers[1]->held_by == "q2");
  CHECK(actors.lookups["+33612345678"] == 2);
  CHECK(actors.lookups["+33612345679"] == 1);
}

TEST_CASE("asking: an actor that stays gone is asked twice and then said not to answer") {
  caf::actor_system_config config;
  caf::actor_system system{dialer::testing::two_threads(config)};
  ScriptedActors actors;
  actors.script["+33612345678"] = {stopped_actor(system)};

  auto answers = ask_each<NumberTraits>(system, actors, kTimeout, {{"+33612345678", std::nullopt}});

  REQUIRE(answers.size() == 1);
  REQUIRE_FALSE(answers[0].ok());
  CHECK(answers[0].error().code == ErrorCode::unavailable);
  CHECK(answers[0].error().message == "number +33612345678 did not answer");
  CHECK(actors.lookups["+33612345678"] == 2);
}

TEST_CASE("asking: a question the actor refuses is not asked again") {
  caf::actor_system_config config;
  caf::actor_system system{dialer::testing::two_threads(config)};
  ScriptedActors actors;
  // Answers nothing it is asked (a handle the registry got wrong): CAF bounces the request
  // as an unexpected message.
  actors.script["+33612345678"] = {caf::actor_cast<NumberActor>(
      system.spawn([](caf::event_based_actor*) -> caf::behavior { return {[](int) {}}; }))};

  auto answers = ask_each<NumberTraits>(system, actors, kTimeout, {{"+33612345678", std::nullopt}});

  REQUIRE_FALSE(answers[0].ok());
  CHECK(actors.lookups["+33612345678"] == 1);
}

TEST_CASE("asking: an actor's question bounced by a passivated actor is asked again") {
  caf::actor_system_config config;
  caf::actor_system system{dialer::testing::two_threads(config)};
  ScriptedActors actors;
  actors.script["+33612345678"] = {stopped_actor(system), system.spawn(number_stub, "q1")};

  caf::scoped_actor waiter{system};
  auto asker = system.spawn([&actors, to = caf::actor{waiter}](caf::event_based_actor* self) {
    ask_from<NumberTraits>(self, actors,
                           Question<NumberTraits>{"+33612345678", domain::number::Claim{"q1", {}}},
                           [self, to](Result<domain::NumberState> answer) {
                             self->send(to, answer.ok() ? answer->held_by : answer.error().message);
                           });
  });
  std::string heard;
  waiter->receive([&](const std::string& what) { heard = what; },
                  caf::after(kTimeout) >> [] { FAIL("the asking actor heard no answer"); });
  CHECK(heard == "q1");
  CHECK(actors.lookups["+33612345678"] == 2);
  caf::anon_send_exit(asker, caf::exit_reason::user_shutdown);
}
