#pragma once

// One dialling attempt: requested (durably, before the telephony is asked), accepted or
// refused by Aircall, then created, answered, hung up and ended as Aircall's events come
// in. Those events may come twice or out of order: a call never moves backwards, a
// repeated event changes nothing, and a late "answered" is recorded without reopening
// the call.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "events/codec.hpp"
#include "events/result.hpp"

namespace dialer::domain {

enum class CallPhase {
  none,
  requested,
  accepted,
  created,
  answered,
  hung_up,
  ended,
  start_failed,
  lost
};

std::string_view to_string(CallPhase phase);
bool from_string(std::string_view text, CallPhase& phase);

struct CallState {
  CallPhase phase = CallPhase::none;
  events::CallRequested request;
  std::int64_t requested_at_ms = 0;
  std::int64_t aircall_call_id = 0;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;
  std::int64_t hungup_at_ms = 0;
  std::optional<events::CallEnded> ended;
  // start_failed and lost: why no call took place.
  std::optional<events::CallFailure> failure;
  std::string failure_message;

  bool operator==(const CallState&) const = default;

  // Every field, for the live set's records.
  static void describe(auto& self, auto&& field) {
    field("phase", self.phase);
    field("request", self.request);
    field("requestedAt", self.requested_at_ms);
    field("aircallCallId", self.aircall_call_id);
    field("startedAt", self.started_at_ms);
    field("answeredAt", self.answered_at_ms);
    field("hungupAt", self.hungup_at_ms);
    field("ended", self.ended);
    field("failure", self.failure);
    field("failureMessage", self.failure_message);
  }
};

namespace call {

struct Request {
  events::CallRequested request;
};
struct StartAccepted {};
struct StartFailed {
  events::CallFailure code = events::CallFailure::refused;
  std::string message;
};
struct Created {
  std::int64_t aircall_call_id = 0;
  std::int64_t started_at_ms = 0;
};
struct Answered {
  std::int64_t aircall_call_id = 0;
  std::int64_t answered_at_ms = 0;
};
struct HungUp {
  std::int64_t aircall_call_id = 0;
  std::int64_t hungup_at_ms = 0;
};
struct Ended {
  events::CallEnded details;
};
struct Lost {
  std::string reason;
};
// The telephony no longer knows a call it once reported (a simulator restarted, a call
// Aircall dropped from its records): it is closed now, not waited on. A call not yet seen
// is lost; one seen ends, as answered if it was, else with an error.
struct Vanished {
  std::string reason;
  std::int64_t at_ms = 0;
};

using Command = std::variant<Request, StartAccepted, StartFailed, Created, Answered, HungUp, Ended,
                             Lost, Vanished>;

}  // namespace call

Result<std::vector<events::Event>> decide(const CallState& state, const call::Command& command);
CallState evolve(CallState state, const events::Event& event, std::int64_t recorded_at_ms);

// Ended, refused or lost: nothing more will happen to it.
bool finished(const CallState& state);
// Asked of the telephony, and not yet known to have reached Aircall or failed.
bool start_unresolved(const CallState& state);

}  // namespace dialer::domain
