#include "events/vocabulary.hpp"

#include "events/error.hpp"
#include "events/names.hpp"

namespace dialer {
namespace {

constexpr NameTable<ErrorCode, 10> kErrorNames{{
    {ErrorCode::invalid_argument, "invalid_argument"},
    {ErrorCode::not_found, "not_found"},
    {ErrorCode::conflict, "conflict"},
    {ErrorCode::refused, "refused"},
    {ErrorCode::corrupt_data, "corrupt_data"},
    {ErrorCode::unsupported_version, "unsupported_version"},
    {ErrorCode::unavailable, "unavailable"},
    {ErrorCode::io_error, "io_error"},
    {ErrorCode::unauthenticated, "unauthenticated"},
    {ErrorCode::too_large, "too_large"},
}};

}  // namespace

std::string_view to_string(ErrorCode code) {
  return name_in(kErrorNames, code);
}

}  // namespace dialer

namespace dialer::events {
namespace {

constexpr NameTable<CallOutcome, 6> kOutcomeNames{{
    {CallOutcome::connected, "connected"},
    {CallOutcome::no_answer, "no-answer"},
    {CallOutcome::busy, "busy"},
    {CallOutcome::voicemail, "voicemail"},
    {CallOutcome::wrong_number, "wrong-number"},
    {CallOutcome::error, "error"},
}};

constexpr NameTable<ManualStatus, 4> kManualStatusNames{{
    {ManualStatus::pending, "pending"},
    {ManualStatus::skipped, "skipped"},
    {ManualStatus::completed, "completed"},
    {ManualStatus::failed, "failed"},
}};

constexpr NameTable<CallFailure, 8> kFailureNames{{
    {CallFailure::user_unavailable, "user_unavailable"},
    {CallFailure::bad_number, "bad_number"},
    {CallFailure::refused, "refused"},
    {CallFailure::rate_limited, "rate_limited"},
    {CallFailure::agent_left, "agent_left"},
    {CallFailure::not_reserved, "not_reserved"},
    {CallFailure::not_requested, "not_requested"},
    {CallFailure::lost, "lost"},
}};

constexpr NameTable<DispositionAction, 5> kActionNames{{
    {DispositionAction::complete, "complete"},
    {DispositionAction::retry, "retry"},
    {DispositionAction::callback, "callback"},
    {DispositionAction::do_not_call, "do-not-call"},
    {DispositionAction::wrong_number, "wrong-number"},
}};

}  // namespace

std::string_view to_string(CallOutcome outcome) {
  return name_in(kOutcomeNames, outcome);
}
bool from_string(std::string_view text, CallOutcome& outcome) {
  return value_in(kOutcomeNames, text, outcome);
}

std::string_view to_string(ManualStatus status) {
  return name_in(kManualStatusNames, status);
}
bool from_string(std::string_view text, ManualStatus& status) {
  return value_in(kManualStatusNames, text, status);
}

std::string_view to_string(CallFailure failure) {
  return name_in(kFailureNames, failure);
}
bool from_string(std::string_view text, CallFailure& failure) {
  return value_in(kFailureNames, text, failure);
}

std::string_view to_string(DispositionAction action) {
  return name_in(kActionNames, action);
}
bool from_string(std::string_view text, DispositionAction& action) {
  return value_in(kActionNames, text, action);
}

}  // namespace dialer::events
