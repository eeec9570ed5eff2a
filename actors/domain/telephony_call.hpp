#pragma once

// What the telephony is asked about a call and what it answers: plain values, shared by the
// telephony port (actors/telephony.hpp) and the call's process (call_process.hpp).

#include <cstdint>
#include <optional>
#include <string>

#include "events/catalogue.hpp"

namespace dialer::domain {

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

}  // namespace dialer::domain
