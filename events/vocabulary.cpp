#include "events/vocabulary.hpp"

#include <array>
#include <utility>

namespace dialer::events {
namespace {

template <class E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value) {
  for (const auto& [candidate, name] : names)
    if (candidate == value) return name;
  return "unknown";
}

template <class E, std::size_t N>
bool parse(const std::array<std::pair<E, std::string_view>, N>& names, std::string_view text,
           E& value) {
  for (const auto& [candidate, name] : names) {
    if (name == text) {
      value = candidate;
      return true;
    }
  }
  return false;
}

constexpr std::array<std::pair<CallOutcome, std::string_view>, 6> outcome_names{{
    {CallOutcome::connected, "connected"},
    {CallOutcome::no_answer, "no-answer"},
    {CallOutcome::busy, "busy"},
    {CallOutcome::voicemail, "voicemail"},
    {CallOutcome::wrong_number, "wrong-number"},
    {CallOutcome::error, "error"},
}};

constexpr std::array<std::pair<ManualStatus, std::string_view>, 4> manual_status_names{{
    {ManualStatus::pending, "pending"},
    {ManualStatus::skipped, "skipped"},
    {ManualStatus::completed, "completed"},
    {ManualStatus::failed, "failed"},
}};

}  // namespace

std::string_view to_string(CallOutcome outcome) {
  return name_of(outcome_names, outcome);
}
bool from_string(std::string_view text, CallOutcome& outcome) {
  return parse(outcome_names, text, outcome);
}

std::string_view to_string(ManualStatus status) {
  return name_of(manual_status_names, status);
}
bool from_string(std::string_view text, ManualStatus& status) {
  return parse(manual_status_names, text, status);
}

}  // namespace dialer::events
