#pragma once

#include <caf/all.hpp>
#include <memory>
#include <optional>
#include <string>

#include "actors/aggregates.hpp"
#include "actors/domain/call_process.hpp"
#include "actors/protocols.hpp"

namespace dialer::actors {

// What a call actor is spawned to do.
struct CallTask {
  enum class Mode {
    dial,    // reserve the item and the agent, record the request, start the call
    resume,  // after a restart: settle or keep following a call recovery found open
    follow,  // load the call and handle whatever comes for it
  };
  Mode mode = Mode::follow;
  std::string call_id;
  CallPlan plan;  // dial
  // resume: the state recovery folded, and who the call was for
  std::optional<std::pair<domain::CallState, std::uint64_t>> adopted;
  std::string item_id;
  std::string agent_id;

  static CallTask dial(CallPlan plan) {
    CallTask task;
    task.mode = Mode::dial;
    task.call_id = plan.call_id;
    task.plan = std::move(plan);
    return task;
  }
  static CallTask follow(std::string call_id) {
    CallTask task;
    task.call_id = std::move(call_id);
    return task;
  }
  static CallTask resume(std::string call_id,
                         std::optional<std::pair<domain::CallState, std::uint64_t>> adopted,
                         std::string item_id, std::string agent_id) {
    CallTask task;
    task.mode = Mode::resume;
    task.call_id = std::move(call_id);
    task.adopted = std::move(adopted);
    task.item_id = std::move(item_id);
    task.agent_id = std::move(agent_id);
    return task;
  }
};

struct CallActorState {
  std::unique_ptr<AggregateCore<CallTraits>> core;
  domain::call_process::Process process;
  std::uint64_t activity = 0;
  static inline const char* name = "call";
};

// One dialling attempt, from reservation to its end: it reserves the item and the agent,
// counts the attempt on the number and records the request, all four in one round of
// appends, and asks the telephony only once all four are durable (so that a restart knows a
// call may exist, and asks before dialling again); it follows the call through the telephony's
// events, and at the end tells the item its outcome and the agent it is free. What to do at
// each turn is the call's process (domain/call_process.hpp); the actor runs what it says.
CallActor::behavior_type call_actor(CallActor::stateful_pointer<CallActorState> self,
                                    Services* services, CallTask task);

}  // namespace dialer::actors
