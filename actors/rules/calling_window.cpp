#include "actors/rules/calling_window.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "actors/rules/phone.hpp"

namespace dialer::rules {
namespace {

using namespace std::chrono;
constexpr std::int64_t kSearchHorizonMs = 14LL * 24 * 60 * 60'000;
constexpr const char* kZoneTable = "/usr/share/zoneinfo/zone1970.tab";

sys_time<milliseconds> as_time(std::int64_t ms) {
  return sys_time<milliseconds>{milliseconds{ms}};
}
std::int64_t as_ms(sys_time<milliseconds> t) {
  return t.time_since_epoch().count();
}

struct LocalMoment {
  date::local_days day;
  int minute;  // of the day
};

LocalMoment local_moment(std::int64_t at_ms, const date::time_zone* zone) {
  auto local = zone->to_local(as_time(at_ms));
  auto day = date::floor<date::days>(local);
  return {day, static_cast<int>(duration_cast<minutes>(local - day).count())};
}

// The instant a local day's minute begins; inside a DST gap, the first instant after it.
std::int64_t instant_of(date::local_days day, int minute, const date::time_zone* zone) {
  auto local = date::local_time<milliseconds>{day + minutes{minute}};
  auto info = zone->get_info(date::local_seconds{duration_cast<seconds>(local.time_since_epoch())});
  if (info.result == date::local_info::nonexistent) {
    return as_ms(sys_time<milliseconds>{info.first.end});
  }
  return as_ms(zone->to_sys(local, date::choose::earliest));
}

bool inside(int minute, DailyWindow window) {
  return minute >= window.start_minute && minute < window.end_minute;
}

// The start of the zone's next window after `at_ms`.
std::int64_t next_window_start(std::int64_t at_ms, const date::time_zone* zone,
                               DailyWindow window) {
  auto now = local_moment(at_ms, zone);
  auto day = now.minute < window.start_minute ? now.day : now.day + date::days{1};
  // Called only while closed, so the answer lies strictly ahead, even across a DST change.
  return std::max(at_ms + 1, instant_of(day, window.start_minute, zone));
}

bool business_day(date::local_days day, const BusinessHours& hours) {
  auto iso_weekday = static_cast<int>(date::weekday{day}.iso_encoding());
  if (std::find(hours.days.begin(), hours.days.end(), iso_weekday) == hours.days.end())
    return false;
  auto text = date::format("%F", day);
  return std::find(hours.holidays.begin(), hours.holidays.end(), text) == hours.holidays.end();
}

std::int64_t next_business_start(std::int64_t at_ms, const BusinessHours& hours) {
  auto now = local_moment(at_ms, hours.zone);
  auto day = now.minute < hours.hours.start_minute ? now.day : now.day + date::days{1};
  for (int i = 0; i < 366 && !business_day(day, hours); ++i) day += date::days{1};
  return std::max(at_ms + 1, instant_of(day, hours.hours.start_minute, hours.zone));
}

std::map<std::string, std::vector<const date::time_zone*>, std::less<>> load_zone_table() {
  std::map<std::string, std::vector<const date::time_zone*>, std::less<>> table;
  std::ifstream in{kZoneTable};
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    std::istringstream fields{line};
    std::string countries, coordinates, zone_name;
    if (!std::getline(fields, countries, '\t') || !std::getline(fields, coordinates, '\t') ||
        !std::getline(fields, zone_name, '\t')) {
      continue;
    }
    auto zone = find_zone(zone_name);
    if (!zone) continue;
    std::istringstream codes{countries};
    std::string code;
    while (std::getline(codes, code, ',')) table[code].push_back(*zone);
  }
  return table;
}

}  // namespace

bool is_holiday(std::int64_t at_ms, const BusinessHours& hours) {
  if (hours.holidays.empty() || !hours.zone) return false;
  auto text = date::format("%F", local_moment(at_ms, hours.zone).day);
  return std::find(hours.holidays.begin(), hours.holidays.end(), text) != hours.holidays.end();
}

Result<const date::time_zone*> find_zone(std::string_view name) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return Error{ErrorCode::invalid_argument,
                 "\"" + std::string{name} + "\" is not an IANA time zone", "timeZone"};
  }
}

const std::vector<const date::time_zone*>& zones_of_region(std::string_view region) {
  static const auto table = load_zone_table();
  static const std::vector<const date::time_zone*> none;
  auto found = table.find(region);
  return found == table.end() ? none : found->second;
}

std::vector<const date::time_zone*> callee_zones(std::string_view time_zone,
                                                 std::string_view e164) {
  if (!time_zone.empty()) {
    if (auto zone = find_zone(time_zone)) return {*zone};
  }
  return zones_of_region(region_of(e164));
}

bool window_open(std::int64_t at_ms, const std::vector<const date::time_zone*>& zones,
                 DailyWindow window) {
  return std::all_of(zones.begin(), zones.end(), [&](const date::time_zone* zone) {
    return inside(local_moment(at_ms, zone).minute, window);
  });
}

bool business_open(std::int64_t at_ms, const BusinessHours& hours) {
  auto now = local_moment(at_ms, hours.zone);
  return business_day(now.day, hours) && inside(now.minute, hours.hours);
}

std::optional<std::int64_t> next_dialable(std::int64_t from_ms, const BusinessHours& hours,
                                          const std::vector<const date::time_zone*>& zones,
                                          DailyWindow window) {
  // Each step moves to the next opening of whatever is closed; when nothing is, that is
  // the answer. Every step moves forward, and the horizon bounds the search.
  auto at = from_ms;
  while (at - from_ms <= kSearchHorizonMs) {
    auto candidate = at;
    if (!business_open(at, hours)) candidate = next_business_start(at, hours);
    for (const auto* zone : zones) {
      if (!inside(local_moment(at, zone).minute, window)) {
        candidate = std::max(candidate, next_window_start(at, zone, window));
      }
    }
    if (candidate == at) return at;
    at = candidate;
  }
  return std::nullopt;
}

}  // namespace dialer::rules
