#pragma once

// History rows and stats in the REST contract's shapes (api.md), for the API and the CLI.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "actors/projections/reporting.hpp"

namespace dialer::projections {

// ISO-8601 UTC with milliseconds: 2026-11-27T12:00:00.000Z.
std::string iso_time(std::int64_t ms);
// ISO-8601 with Z or an offset (2026-11-27T13:00:00+01:00), a date (2026-11-27), or
// milliseconds since the epoch.
std::optional<std::int64_t> parse_time(std::string_view text);

nlohmann::json row_json(const HistoryRow& row);
// Hours and days are labelled in `time_zone` (IANA; UTC when empty), as the report was
// grouped: {"hour": "2026-11-27T10:00:00+01:00"}, {"day": "2026-11-27"}.
nlohmann::json stats_json(const StatsReport& report, const std::string& time_zone = {});

// The p90 talk time of a bucket, in seconds (0 when nobody talked).
std::int64_t p90_talk_seconds(const StatsBucket& bucket);

}  // namespace dialer::projections
