#include "actors/domain/config.hpp"

#include <catch2/catch.hpp>

#include "actors/domain/do_not_call.hpp"

using namespace dialer;
using namespace dialer::domain;
using nlohmann::json;

namespace {
Result<std::vector<events::Event>> change(const ConfigState& s,
                                          std::map<std::string, json> settings) {
  return decide(s, ChangeSettings{std::move(settings)});
}
ConfigState applied(ConfigState s, const std::vector<events::Event>& events) {
  for (const auto& e : events) s = evolve(std::move(s), std::get<events::ConfigChanged>(e));
  return s;
}
}  // namespace

TEST_CASE("config: the original's defaults") {
  ConfigState s;
  auto settings = dialer_settings(s);
  CHECK(settings.call_rate_limit_per_minute == 6);
  CHECK(settings.retry_delay_ms == 60 * 60'000);
  CHECK(settings.max_retries == 3);
  CHECK(settings.business_start_minute == 9 * 60);
  CHECK(settings.business_end_minute == 17 * 60);
  CHECK(settings.business_days == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(settings.callee_start_minute == 8 * 60);
  CHECK(settings.callee_end_minute == 21 * 60);
  CHECK_FALSE(settings.default_number_id.has_value());
  CHECK(s.value("system.name") == "PowerDialer");
  for (const auto& spec : setting_specs()) {
    INFO(spec.key);
    // Aircall's API credentials come from dialerd's environment: config takes no value.
    CHECK(validate_setting(spec, spec.default_value).ok() == spec.editable);
  }
}

TEST_CASE("config: values are type- and range-checked, naming the key") {
  ConfigState s;
  for (auto [key, value] : std::vector<std::pair<std::string, json>>{
           {"dialer.callRateLimit", 21},
           {"dialer.callRateLimit", 0},
           {"dialer.callRateLimit", "6"},
           {"dialer.retryDelay", 4},
           {"dialer.maxRetries", 11},
           {"scheduling.businessHoursStart", "9:00"},
           {"scheduling.businessHoursStart", "24:00"},
           {"scheduling.timeZone", "Mars/Olympus"},
           {"scheduling.businessDays", json::array({0})},
           {"scheduling.holidays", json::array({"2026-02-30"})},
           {"dialer.retryOn", json::array({"connected"})},
           {"notifications.emailEnabled", "yes"},
           {"no.such.key", 1}}) {
    INFO(key << " = " << value.dump());
    auto decided = change(s, {{key, value}});
    REQUIRE_FALSE(decided.ok());
    CHECK(decided.error().code == ErrorCode::invalid_argument);
    CHECK(decided.error().field == key);
  }
}

TEST_CASE("config: several settings change together or not at all") {
  ConfigState s;
  auto refused = change(s, {{"dialer.maxRetries", 5}, {"dialer.retryDelay", 1}});
  REQUIRE_FALSE(refused.ok());
  auto decided =
      change(s, {{"dialer.maxRetries", 5},
                 {"scheduling.timeZone", "Europe/Vienna"},
                 {"scheduling.holidays", json::array({"2026-12-25", "2026-12-24", "2026-12-25"})}});
  REQUIRE(decided.ok());
  REQUIRE(decided->size() == 1);
  s = applied(s, *decided);
  CHECK(dialer_settings(s).max_retries == 5);
  CHECK(dialer_settings(s).time_zone == "Europe/Vienna");
  CHECK(dialer_settings(s).holidays == std::vector<std::string>{"2026-12-24", "2026-12-25"});
  // Setting what is already set records nothing.
  CHECK(change(s, {{"dialer.maxRetries", 5}})->empty());
}

TEST_CASE("config: business hours must start before they end, across one change") {
  ConfigState s;
  auto decided = change(s, {{"scheduling.businessHoursStart", "18:00"}});
  REQUIRE_FALSE(decided.ok());
  CHECK(decided.error().field == "scheduling.businessHoursStart");
  CHECK(change(s, {{"scheduling.businessHoursStart", "18:00"},
                   {"scheduling.businessHoursEnd", "22:00"}})
            .ok());
}

TEST_CASE("config: secrets are marked write-only") {
  for (auto key :
       {"aircall.apiKey", "aircall.apiSecret", "aircall.webhookToken", "security.apiKeys"}) {
    INFO(key);
    REQUIRE(find_setting(key));
    CHECK(find_setting(key)->secret);
  }
  CHECK_FALSE(find_setting("dialer.maxRetries")->secret);
}

TEST_CASE("do-not-call: numbers are added once, with why and when, and removed when present") {
  DoNotCallState s;
  auto added = decide(s, do_not_call::Command{do_not_call::Add{"+43720880079", "asked"}});
  REQUIRE(added->size() == 1);
  s = evolve(s, added->front(), 1'700'000'000'000);
  CHECK(s.numbers.contains("+43720880079"));
  CHECK(s.listings.at("+43720880079") == DoNotCallListing{"asked", 1'700'000'000'000});
  CHECK(decide(s, do_not_call::Command{do_not_call::Add{"+43720880079", "again"}})->empty());
  CHECK(decide(s, do_not_call::Command{do_not_call::Add{"0720880079", ""}}).error().code ==
        ErrorCode::invalid_argument);
  CHECK(decide(s, do_not_call::Command{do_not_call::Remove{"+4311"}}).error().code ==
        ErrorCode::not_found);
  s = evolve(s, decide(s, do_not_call::Command{do_not_call::Remove{"+43720880079"}})->front(), 0);
  CHECK(s.numbers.empty());
  CHECK(s.listings.empty());
}
