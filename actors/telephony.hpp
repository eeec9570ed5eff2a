#pragma once

// The telephony port: what the actors need of Aircall, and nothing of HTTP. The real
// client (http/) and the simulator both implement it; both answer asynchronously, on
// threads of their own.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "actors/domain/agent.hpp"
#include "actors/domain/telephony_call.hpp"
#include "events/catalogue.hpp"
#include "events/result.hpp"

namespace dialer::actors {

using domain::CallQuery;
using domain::FoundCall;
using domain::StartCall;
using domain::StartResult;
using domain::StartStatus;
using domain::TelephonyEvent;

class TelephonyPort {
 public:
  virtual ~TelephonyPort() = default;
  // Blocking, for the dialer's callers (never for actors): Aircall's live word on a user, on
  // the line the agent's calls would go through; an unknown user is not_found. A port with
  // no directory to ask (the in-process simulation) answers nothing.
  virtual Result<std::optional<domain::LiveUser>> live_user(std::int64_t /*aircall_user_id*/,
                                                            bool /*mock_mode*/) {
    return std::optional<domain::LiveUser>{};
  }
  virtual void start_call(const StartCall& call, std::function<void(StartResult)> done) = 0;
  virtual void find_call(const CallQuery& query,
                         std::function<void(Result<std::optional<FoundCall>>)> done) = 0;
  // Aircall has no hang-up endpoint: only a port that truly can hang up says yes.
  virtual bool can_hang_up() const { return false; }
  virtual void hang_up(std::int64_t /*aircall_call_id*/) {}
  // Posts `text` to the call as a comment (Aircall: POST /v1/calls/:id/comments); a port
  // with nowhere to post it drops it. Fire and forget: a note is never worth a retry storm.
  virtual void comment(std::int64_t /*aircall_call_id*/, std::string /*text*/, bool /*mock_mode*/) {
  }
};

}  // namespace dialer::actors
