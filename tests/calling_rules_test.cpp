#include <date/date.h>
#include <date/tz.h>

#include <catch2/catch.hpp>

#include "actors/rules/calling_window.hpp"
#include "actors/rules/phone.hpp"
#include "support/civil_time.hpp"

using namespace dialer;
using namespace dialer::rules;

namespace {
std::int64_t at(const char* zone, int y, unsigned m, unsigned d, int hh, int mm) {
  return dialer::testing::civil_ms(zone, y, m, d, hh, mm);
}

BusinessHours always_open() {
  BusinessHours hours;
  hours.zone = date::locate_zone("UTC");
  hours.hours = {0, 24 * 60};
  hours.days = {1, 2, 3, 4, 5, 6, 7};
  return hours;
}
}  // namespace

TEST_CASE("phone numbers are normalised to E.164") {
  CHECK(*normalize_phone("+43 720 880079") == "+43720880079");
  CHECK(*normalize_phone("+1 (650) 253-0000") == "+16502530000");
  CHECK(*normalize_phone("06 12 34 56 78", "FR") == "+33612345678");
  CHECK(region_of("+33612345678") == "FR");
  CHECK(digits_only("+43 720 880079") == "43720880079");
}

TEST_CASE("an invalid phone number is an error naming it") {
  for (auto bad : {"", "hello", "+1 555", "0612345678", "+999 123456"}) {
    INFO(bad);
    auto normalized = normalize_phone(bad);
    REQUIRE_FALSE(normalized.ok());
    CHECK(normalized.error().code == ErrorCode::invalid_argument);
    CHECK(normalized.error().field == "phoneNumber");
    CHECK_THAT(normalized.error().message, Catch::Contains(bad));
  }
}

TEST_CASE("a country's zones come from zone1970.tab") {
  CHECK(zones_of_region("FR").size() == 1);
  CHECK(zones_of_region("US").size() > 20);
  CHECK(zones_of_region("XX").empty());
  CHECK(callee_zones("Europe/Vienna", "+16502530000").size() == 1);
  CHECK(callee_zones("", "+43720880079").front()->name() == "Europe/Vienna");
  CHECK_FALSE(find_zone("Mars/Olympus").ok());
}

TEST_CASE("a number whose local time is 23:00 is not dialled until its window opens") {
  auto zones = callee_zones("", "+33612345678");  // France
  DailyWindow window{8 * 60, 21 * 60};
  auto eleven_pm = at("Europe/Paris", 2026, 11, 27, 23, 0);
  CHECK_FALSE(window_open(eleven_pm, zones, window));
  auto next = next_dialable(eleven_pm, always_open(), zones, window);
  REQUIRE(next);
  CHECK(*next == at("Europe/Paris", 2026, 11, 28, 8, 0));
  CHECK(window_open(*next, zones, window));
  CHECK_FALSE(window_open(*next - 1, zones, window));
}

TEST_CASE("without a zone, the window must be open in every zone of the country") {
  auto zones = callee_zones("", "+16502530000");  // the United States, Hawaii to Maine
  DailyWindow window{8 * 60, 21 * 60};
  // 09:00 in New York is 04:00 in Hawaii: not yet.
  auto morning_east = at("America/New_York", 2026, 11, 27, 9, 0);
  CHECK_FALSE(window_open(morning_east, zones, window));
  auto next = next_dialable(morning_east, always_open(), zones, window);
  REQUIRE(next);
  CHECK(*next == at("Pacific/Honolulu", 2026, 11, 27, 8, 0));
  // With the callee's own zone given, New York's morning is fine.
  CHECK(window_open(morning_east, callee_zones("America/New_York", "+16502530000"), window));
}

TEST_CASE("business hours honour their zone, business days and holidays") {
  BusinessHours hours;
  hours.zone = date::locate_zone("Europe/Vienna");
  hours.holidays = {"2026-12-25"};
  auto friday_noon = at("Europe/Vienna", 2026, 11, 27, 12, 0);
  CHECK(business_open(friday_noon, hours));
  CHECK_FALSE(business_open(at("Europe/Vienna", 2026, 11, 27, 17, 0), hours));
  CHECK_FALSE(business_open(at("Europe/Vienna", 2026, 11, 28, 12, 0), hours));  // Saturday
  CHECK_FALSE(business_open(at("Europe/Vienna", 2026, 12, 25, 12, 0), hours));  // holiday
  auto evening = at("Europe/Vienna", 2026, 11, 27, 18, 0);
  auto zones = callee_zones("", "+43720880079");
  auto next = next_dialable(evening, hours, zones, DailyWindow{8 * 60, 21 * 60});
  REQUIRE(next);
  CHECK(*next == at("Europe/Vienna", 2026, 11, 30, 9, 0));  // Monday morning
  auto christmas_eve = at("Europe/Vienna", 2026, 12, 24, 18, 0);
  CHECK(*next_dialable(christmas_eve, hours, zones, DailyWindow{8 * 60, 21 * 60}) ==
        at("Europe/Vienna", 2026, 12, 28, 9, 0));
}

TEST_CASE("windows that never meet give no time at all") {
  BusinessHours hours;
  hours.zone = date::locate_zone("Europe/Paris");
  hours.days = {1, 2, 3, 4, 5, 6, 7};
  auto zones = callee_zones("Pacific/Honolulu", "+18085550100");
  auto next = next_dialable(at("Europe/Paris", 2026, 11, 27, 9, 0), hours, zones,
                            DailyWindow{8 * 60, 9 * 60});
  CHECK_FALSE(next.has_value());
}

TEST_CASE("a window opening inside a DST gap opens at the first instant after it") {
  auto zones = callee_zones("Europe/Paris", "+33612345678");
  DailyWindow window{2 * 60 + 30, 21 * 60};  // 02:30 does not exist on 2026-03-29 in Paris
  auto night = at("Europe/Paris", 2026, 3, 29, 1, 0);
  auto next = next_dialable(night, always_open(), zones, window);
  REQUIRE(next);
  CHECK(*next == at("Europe/Paris", 2026, 3, 29, 3, 0));
}
