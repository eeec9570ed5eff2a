#pragma once

// The words the log and the API share: enumerations that events carry, each with its wire
// names (events/names.hpp), which are what the log stores.

#include <string_view>

namespace dialer::events {

// How one dialling attempt ended, in the API's `lastResult` vocabulary.
enum class CallOutcome { connected, no_answer, busy, voicemail, wrong_number, error };

std::string_view to_string(CallOutcome outcome);
bool from_string(std::string_view text, CallOutcome& outcome);

// The statuses an operator may set on a queue item by hand (PUT /queue/:id).
enum class ManualStatus { pending, skipped, completed, failed };

std::string_view to_string(ManualStatus status);
bool from_string(std::string_view text, ManualStatus& status);

// Why an attempt took place without a call: why its start failed, and why the item and
// the agent reserved for it were given back.
enum class CallFailure {
  user_unavailable,  // Aircall refused the start (405): the user is unavailable or on a call
  bad_number,        // Aircall refused the number (400)
  refused,           // Aircall refused the request (401, 403, 422)
  rate_limited,      // Aircall's rate limit held, past the client's own waiting
  agent_left,        // the agent paused, stopped or went unavailable before the call started
  not_reserved,      // the item or the agent could not be reserved; Aircall was never asked
  not_requested,     // the call's request was never recorded; nothing was dialled
  lost,              // Aircall has no trace of the call, even in its call list
};

std::string_view to_string(CallFailure failure);
bool from_string(std::string_view text, CallFailure& failure);

// What an agent's disposition of a call does to its item (the `action` of a configured
// disposition, dialer.dispositions).
enum class DispositionAction { complete, retry, callback, do_not_call, wrong_number };

std::string_view to_string(DispositionAction action);
bool from_string(std::string_view text, DispositionAction& action);

}  // namespace dialer::events
