// Sends to the actors through their typed protocols (actors/protocols.hpp). Compiled only by
// tests/protocols/check.py, once per SEND: 0 is a send each protocol takes, and must compile;
// every other is one it does not take, and must be refused by the compiler.

#include <string>

#include "actors/aggregates.hpp"
#include "actors/protocols.hpp"

namespace dialer::actors {

void send(const Services& services, const AgentTraits::Actor& agent, const CallActor& call) {
#if SEND == 0
  caf::anon_send(services.dispatcher, item_gone_atom::value, std::string{"q1"});
  caf::anon_send(services.router, forget_atom::value, std::string{"c1"});
  caf::anon_send(agent, command_atom::value, domain::agent::Command{domain::agent::Pause{"lunch"}});
  caf::anon_send(call, hang_up_atom::value);
#elif SEND == 1
  // The dispatcher's item_pending carries the pending item, not its id.
  caf::anon_send(services.dispatcher, item_pending_atom::value, std::string{"q1"});
#elif SEND == 2
  // The router takes no tick: that is the dispatcher's.
  caf::anon_send(services.router, tick_atom::value);
#elif SEND == 3
  // An agent's actor decides agent commands, not a queue item's.
  caf::anon_send(agent, command_atom::value,
                 domain::queue_item::Command{domain::queue_item::Cancel{"deleted"}});
#elif SEND == 4
  // A call takes no command from outside.
  caf::anon_send(call, command_atom::value, domain::call::Command{});
#endif
  (void)services;
  (void)agent;
  (void)call;
}

}  // namespace dialer::actors
