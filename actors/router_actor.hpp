#pragma once

#include <caf/all.hpp>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>

#include "actors/services.hpp"

namespace dialer::actors {

// Takes the telephony's events to the call they concern. Aircall's start-call answer has no
// id, so a call waits under (Aircall user, dialled digits) until the outbound call.created
// that matches it names its id; from then on it is found by that id. Events of calls the
// dialer did not start (inbound, dialled by hand) are left alone; user events go to the
// agent of that Aircall user.
struct RouterState {
  std::map<std::pair<std::int64_t, std::string>, std::deque<std::string>> awaiting;
  std::unordered_map<std::string, std::pair<std::int64_t, std::string>> awaiting_key;
  std::unordered_map<std::int64_t, std::string> by_aircall_id;
  std::unordered_map<std::string, std::int64_t> aircall_id_of;
  static inline const char* name = "call-router";
};

RouterActor::behavior_type router_actor(RouterActor::stateful_pointer<RouterState> self,
                                        Services* services);

}  // namespace dialer::actors
