#pragma once

// When a client may be rung: within the operator's business hours (their zone, business
// days, holidays) and within the callee's calling window in the callee's local time. When
// the callee's zone is unknown, the window must be open in every zone of the number's
// country (tzdata's zone1970.tab).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/result.hpp"

namespace date {
class time_zone;
}

namespace dialer::rules {

struct DailyWindow {
  int start_minute = 8 * 60;  // minutes after local midnight, inclusive
  int end_minute = 21 * 60;   // exclusive
};

struct BusinessHours {
  const date::time_zone* zone = nullptr;
  DailyWindow hours{9 * 60, 17 * 60};
  std::vector<int> days{1, 2, 3, 4, 5};  // ISO weekdays
  std::vector<std::string> holidays;     // YYYY-MM-DD, local
};

// The zone, or an invalid_argument error naming it.
Result<const date::time_zone*> find_zone(std::string_view name);

// The zones of a country (ISO 3166 code) in tzdata's zone1970.tab; empty when unknown.
const std::vector<const date::time_zone*>& zones_of_region(std::string_view region);

// The callee's zones: the given IANA zone, else every zone of the number's country.
std::vector<const date::time_zone*> callee_zones(std::string_view time_zone, std::string_view e164);

bool window_open(std::int64_t at_ms, const std::vector<const date::time_zone*>& zones,
                 DailyWindow window);
bool business_open(std::int64_t at_ms, const BusinessHours& hours);
// Whether `at_ms` falls on one of the operator's holidays, in their zone.
bool is_holiday(std::int64_t at_ms, const BusinessHours& hours);

// The first instant at or after `from_ms` at which both the business hours and the callee's
// window are open; nothing when there is none within a fortnight (the windows never meet).
std::optional<std::int64_t> next_dialable(std::int64_t from_ms, const BusinessHours& hours,
                                          const std::vector<const date::time_zone*>& zones,
                                          DailyWindow window);

}  // namespace dialer::rules
