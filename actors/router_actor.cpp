#include "actors/router_actor.hpp"

#include <algorithm>

#include "actors/messages.hpp"
#include "actors/registry.hpp"

namespace dialer::actors {
namespace {

void stop_awaiting(RouterState& st, const std::string& call_id) {
  auto key = st.awaiting_key.find(call_id);
  if (key == st.awaiting_key.end()) return;
  auto queue = st.awaiting.find(key->second);
  if (queue != st.awaiting.end()) {
    std::erase(queue->second, call_id);
    if (queue->second.empty()) st.awaiting.erase(queue);
  }
  st.awaiting_key.erase(key);
}

void link(RouterState& st, std::int64_t aircall_id, const std::string& call_id) {
  stop_awaiting(st, call_id);
  st.by_aircall_id[aircall_id] = call_id;
  st.aircall_id_of[call_id] = aircall_id;
}

}  // namespace

RouterActor::behavior_type router_actor(RouterActor::stateful_pointer<RouterState> self,
                                        Services* services) {
  return {
      [self](expect_atom, std::int64_t aircall_user_id, std::string& digits, std::string& call_id) {
        auto& st = self->state;
        if (st.aircall_id_of.contains(call_id) || st.awaiting_key.contains(call_id)) return;
        std::pair key{aircall_user_id, std::move(digits)};
        st.awaiting[key].push_back(call_id);
        st.awaiting_key.emplace(call_id, std::move(key));
      },
      [self](get_atom, std::int64_t aircall_id) -> std::string {
        auto known = self->state.by_aircall_id.find(aircall_id);
        return known == self->state.by_aircall_id.end() ? std::string{} : known->second;
      },
      [self](known_atom, std::int64_t aircall_id, std::string& call_id) {
        link(self->state, aircall_id, call_id);
      },
      [self](forget_atom, std::string& call_id) {
        auto& st = self->state;
        stop_awaiting(st, call_id);
        if (auto id = st.aircall_id_of.find(call_id); id != st.aircall_id_of.end()) {
          st.by_aircall_id.erase(id->second);
          st.aircall_id_of.erase(id);
        }
      },
      [self, services](telephony_atom, TelephonyEvent& event) {
        auto& st = self->state;
        if (event.kind == TelephonyEvent::Kind::user_status) {
          auto agent = services->agent_of(event.aircall_user_id);
          if (agent.empty()) return;
          caf::anon_send(
              services->registry->get<AgentTraits>(agent), command_atom::value,
              domain::agent::Command{domain::agent::AircallStatus{
                  event.connected, event.opened, event.wrapping_up, event.source_event}});
          return;
        }
        std::string call_id;
        if (auto known = st.by_aircall_id.find(event.aircall_call_id);
            known != st.by_aircall_id.end()) {
          call_id = known->second;
        } else if (event.outbound) {
          auto waiting = st.awaiting.find({event.aircall_user_id, event.digits});
          if (waiting == st.awaiting.end()) return;  // a call the dialer did not start
          call_id = waiting->second.front();
          link(st, event.aircall_call_id, call_id);
        } else {
          return;
        }
        caf::anon_send(services->registry->get<CallTraits>(call_id), telephony_atom::value,
                       std::move(event));
      },
  };
}

}  // namespace dialer::actors
