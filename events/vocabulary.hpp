#pragma once

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

}  // namespace dialer::events
