// The words of the domain's enumerations, as the API, the log's projections and the tools
// say them: one table each, read both ways (events/names.hpp).

#include "actors/domain/agent.hpp"
#include "actors/domain/call.hpp"
#include "actors/domain/config.hpp"
#include "actors/domain/queue_item.hpp"
#include "events/names.hpp"

namespace dialer::domain {
namespace {

constexpr NameTable<AgentMode, 3> kModeNames{{
    {AgentMode::offline, "offline"},
    {AgentMode::active, "active"},
    {AgentMode::paused, "paused"},
}};

constexpr NameTable<CallPhase, 9> kPhaseNames{{
    {CallPhase::none, "none"},
    {CallPhase::requested, "requested"},
    {CallPhase::accepted, "accepted"},
    {CallPhase::created, "ringing"},
    {CallPhase::answered, "answered"},
    {CallPhase::hung_up, "hungup"},
    {CallPhase::ended, "ended"},
    {CallPhase::start_failed, "start-failed"},
    {CallPhase::lost, "lost"},
}};

constexpr NameTable<ItemStatus, 6> kStatusNames{{
    {ItemStatus::pending, "pending"},
    {ItemStatus::in_progress, "in-progress"},
    {ItemStatus::completed, "completed"},
    {ItemStatus::failed, "failed"},
    {ItemStatus::skipped, "skipped"},
    {ItemStatus::cancelled, "cancelled"},
}};

// The type words of the original's config documents.
constexpr NameTable<ValueType, 11> kTypeNames{{
    {ValueType::string, "string"},
    {ValueType::integer, "number"},
    {ValueType::boolean, "boolean"},
    {ValueType::time_of_day, "time"},
    {ValueType::time_zone, "timezone"},
    {ValueType::integer_list, "number[]"},
    {ValueType::date_list, "date[]"},
    {ValueType::outcome_list, "string[]"},
    {ValueType::string_list, "string[]"},
    {ValueType::disposition_list, "object[]"},
    {ValueType::string_map, "object"},
}};

}  // namespace

std::string_view to_string(AgentMode mode) {
  return name_in(kModeNames, mode, "offline");
}

bool from_string(std::string_view text, AgentMode& mode) {
  return value_in(kModeNames, text, mode);
}

std::string_view to_string(CallPhase phase) {
  return name_in(kPhaseNames, phase, "none");
}

bool from_string(std::string_view text, CallPhase& phase) {
  return value_in(kPhaseNames, text, phase);
}

std::string_view to_string(ItemStatus status) {
  return name_in(kStatusNames, status, "pending");
}

bool from_string(std::string_view text, ItemStatus& status) {
  return value_in(kStatusNames, text, status);
}

std::string_view to_string(ValueType type) {
  return name_in(kTypeNames, type, "string");
}

}  // namespace dialer::domain
