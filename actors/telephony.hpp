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
#include "events/catalogue.hpp"
#include "events/result.hpp"

namespace dialer::actors {

struct StartCall {
  std::string call_id;  // ours, for logs; Aircall's answer carries no id
  std::int64_t aircall_user_id = 0;
  std::int64_t number_id = 0;
  std::string to;          // E.164
  bool mock_mode = false;  // for the simulator inside dialerd, not Aircall
};

enum class StartStatus {
  accepted,          // 204: the call exists at Aircall, its id comes with call.created
  user_unavailable,  // 405: not available, or already on a call
  bad_number,        // 400
  refused,           // 401/403/422: credentials or request refused
  rate_limited,      // 429 after the client's own waiting
  unknown,           // no answer: the call may or may not exist; ask before anything else
};

struct StartResult {
  StartStatus status = StartStatus::accepted;
  std::string message;
};

// A call Aircall knows of, as its call list reports it.
struct FoundCall {
  std::int64_t aircall_call_id = 0;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;
  std::optional<events::CallEnded> ended;
};

struct CallQuery {
  std::int64_t aircall_call_id = 0;  // when known: that call, whatever the rest says
  std::int64_t aircall_user_id = 0;
  std::string to;  // E.164
  std::int64_t since_ms = 0;
  bool mock_mode = false;
};

// What Aircall reports, from its webhooks or the simulator.
struct TelephonyEvent {
  enum class Kind { created, answered, hungup, ended, user_status };
  Kind kind = Kind::created;
  std::int64_t aircall_call_id = 0;
  std::int64_t aircall_user_id = 0;
  std::string digits;  // the other party, digits only
  bool outbound = true;
  std::int64_t at_ms = 0;
  std::optional<events::CallEnded> ended;  // Kind::ended
  // Kind::user_status
  std::optional<bool> connected;
  std::optional<bool> opened;
  std::optional<bool> wrapping_up;
  std::string source_event;
};

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
