#include "actors/projections/report_json.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <cstdio>

#include "actors/rules/calling_window.hpp"
#include "events/fields.hpp"

namespace dialer::projections {
namespace {

using nlohmann::json;
using Ms = std::chrono::milliseconds;

json time_or_null(std::int64_t ms) {
  return ms == 0 ? json(nullptr) : json(iso_time(ms));
}

double ratio(double part, std::uint64_t whole) {
  return whole ? part / static_cast<double>(whole) : 0.0;
}

// Durations are Aircall's, from the start to the end with ringing, as each history row's
// `duration` is; talk runs from the answer to the end.
json bucket_json(const StatsBucket& b) {
  return {{"total", b.rows},
          {"dialled", b.dialled},
          {"ended", b.ended},
          {"answered", b.answered},
          {"connected", b.by_status.contains("completed") ? b.by_status.at("completed") : 0},
          {"answerRate", ratio(static_cast<double>(b.answered), b.ended)},
          {"totalDuration", b.duration_seconds},
          {"avgDuration", ratio(static_cast<double>(b.duration_seconds), b.ended)},
          {"totalTalkSeconds", b.talk_seconds},
          {"avgTalkSeconds", ratio(static_cast<double>(b.talk_seconds), b.answered)},
          {"p90TalkSeconds", p90_talk_seconds(b)},
          {"avgWaitSeconds", ratio(static_cast<double>(b.wait_seconds), b.ended)},
          {"byStatus", b.by_status},
          {"missedByReason", b.missed_by_reason},
          {"byDisposition", b.by_disposition}};
}

}  // namespace

std::string iso_time(std::int64_t ms) {
  // Formatted by hand: date::format goes through an ostream and a locale, and this runs for
  // every time in every answer.
  auto at = date::sys_time<Ms>{Ms{ms}};
  auto day = date::floor<date::days>(at);
  date::year_month_day ymd{day};
  date::hh_mm_ss<Ms> time{at - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int{ymd.year()},
                unsigned{ymd.month()}, unsigned{ymd.day()}, static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()), static_cast<int>(time.seconds().count()),
                static_cast<int>(time.subseconds().count()));
  return text;
}

std::optional<std::int64_t> parse_time(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (text.find_first_not_of("0123456789") == std::string_view::npos) {
    return text.size() <= 15 ? std::optional<std::int64_t>{std::stoll(std::string{text})}
                             : std::nullopt;
  }
  std::size_t at = 0;
  auto number = [&](std::size_t digits) -> std::optional<int> {
    if (at + digits > text.size()) return std::nullopt;
    int value = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      char c = text[at + i];
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + (c - '0');
    }
    at += digits;
    return value;
  };
  auto expect = [&](char c) { return at < text.size() && text[at] == c ? (++at, true) : false; };

  auto year = number(4);
  if (!year || !expect('-')) return std::nullopt;
  auto month = number(2);
  if (!month || !expect('-')) return std::nullopt;
  auto day = number(2);
  if (!day) return std::nullopt;
  date::year_month_day ymd{date::year{*year}, date::month{static_cast<unsigned>(*month)},
                           date::day{static_cast<unsigned>(*day)}};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t ms = date::sys_days{ymd}.time_since_epoch().count() * 86'400'000LL;
  if (at == text.size()) return ms;
  if (!expect('T') && !expect(' ')) return std::nullopt;
  auto hours = number(2);
  if (!hours || !expect(':')) return std::nullopt;
  auto minutes = number(2);
  if (!minutes) return std::nullopt;
  int seconds = 0;
  int millis = 0;
  if (expect(':')) {
    auto s = number(2);
    if (!s) return std::nullopt;
    seconds = *s;
    if (expect('.')) {
      std::size_t start = at;
      while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
      auto fraction = std::string{text.substr(start, at - start)} + "000";
      if (at == start) return std::nullopt;
      millis = std::stoi(fraction.substr(0, 3));
    }
  }
  if (*hours > 23 || *minutes > 59 || seconds > 60) return std::nullopt;
  ms += ((*hours * 60LL + *minutes) * 60 + seconds) * 1000 + millis;
  if (at == text.size() || expect('Z')) return at == text.size() ? std::optional{ms} : std::nullopt;
  bool east = text[at] == '+';
  if (!expect('+') && !expect('-')) return std::nullopt;
  auto offset_hours = number(2);
  expect(':');
  auto offset_minutes = number(2);
  if (!offset_hours || !offset_minutes || at != text.size()) return std::nullopt;
  std::int64_t offset = (*offset_hours * 60LL + *offset_minutes) * 60'000;
  return east ? ms - offset : ms + offset;
}

std::int64_t p90_talk_seconds(const StatsBucket& bucket) {
  std::uint64_t total = 0;
  for (const auto& [b, count] : bucket.talk_histogram) total += count;
  if (total == 0) return 0;
  // The smallest bucket at or below which 90 % of the talk times fall.
  auto wanted = (total * 9 + 9) / 10;
  std::uint64_t seen = 0;
  for (const auto& [b, count] : bucket.talk_histogram) {
    seen += count;
    if (seen >= wanted) return talk_bucket_upper(b);
  }
  return talk_bucket_upper(bucket.talk_histogram.rbegin()->first);
}

json row_json(const HistoryRow& row) {
  return {
      {"callId",
       row.aircall_call_id == 0 ? json(nullptr) : json(std::to_string(row.aircall_call_id))},
      {"dialerCallId", row.call_id},
      {"client",
       {{"clientId", row.client_id}, {"name", row.client_name}, {"metadata", row.metadata_json}}},
      {"agent", row.agent_id},
      {"phoneNumber", row.phone_number},
      {"numberId", std::to_string(row.number_id)},
      {"direction", "outbound"},
      {"status", row.status},
      {"startTime", time_or_null(row.started_at_ms)},
      {"answeredTime", row.answered_at_ms ? json(iso_time(*row.answered_at_ms)) : json(nullptr)},
      {"endTime", time_or_null(row.ended_at_ms)},
      {"duration", row.duration_seconds},
      {"recordingUrl", row.recording_url},
      {"outcome", row.outcome ? json(std::string{events::to_string(*row.outcome)}) : json(nullptr)},
      {"disposition", row.disposition.empty() ? json(nullptr) : json(row.disposition)},
      {"notes", row.all_notes()},
      {"callbackAt", row.callback_at_ms ? json(iso_time(*row.callback_at_ms)) : json(nullptr)},
      {"missedCallReason", row.missed_call_reason},
      {"tags", row.tags},
      {"queueItemId", row.queue_item_id},
      {"attempt", row.attempt},
      {"requestedAt", iso_time(row.requested_at_ms)},
      {"waitSeconds", row.wait_seconds()},
      {"talkSeconds", row.talk_seconds()},
      {"failure", row.failure}};
}

namespace {

// A moment as the zone's clock reads it, with its offset: 2026-11-27T10:00:00+01:00.
std::string local_label(std::int64_t ms, const date::time_zone* zone, bool date_only) {
  if (!zone) return date_only ? iso_time(ms).substr(0, 10) : iso_time(ms);
  auto zoned = date::make_zoned(zone, date::sys_time<Ms>{Ms{ms}});
  auto seconds = date::floor<std::chrono::seconds>(zoned.get_local_time());
  std::string text = date::format(date_only ? "%F" : "%FT%T", seconds);
  if (date_only) return text;
  auto offset = std::chrono::duration_cast<std::chrono::minutes>(zoned.get_info().offset).count();
  char sign = offset < 0 ? '-' : '+';
  offset = offset < 0 ? -offset : offset;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%c%02d:%02d", sign, static_cast<int>(offset / 60),
                static_cast<int>(offset % 60));
  return text + suffix;
}

}  // namespace

json stats_json(const StatsReport& report, const std::string& time_zone) {
  const date::time_zone* zone = nullptr;
  if (!time_zone.empty()) {
    if (auto found = rules::find_zone(time_zone)) zone = *found;
  }
  auto agents = json::array();
  for (const auto& [agent, bucket] : report.by_agent) {
    auto entry = bucket_json(bucket);
    entry["agent"] = agent;
    agents.push_back(std::move(entry));
  }
  auto hours = json::array();
  for (const auto& [hour, bucket] : report.by_hour) {
    auto entry = bucket_json(bucket);
    entry["hour"] = local_label(hour, zone, false);
    hours.push_back(std::move(entry));
  }
  auto days = json::array();
  for (const auto& [day, bucket] : report.by_day) {
    auto entry = bucket_json(bucket);
    entry["day"] = local_label(day, zone, true);
    days.push_back(std::move(entry));
  }
  auto total = bucket_json(report.total);
  return {{"stats", total},
          {"answerRate", total["answerRate"]},
          {"agentStats", agents},
          {"byHour", hours},
          {"byDay", days},
          {"timeZone", zone ? json(zone->name()) : json("UTC")},
          {"realtime",
           {{"agentsByStatus", report.realtime.agents_by_status},
            {"queueByStatus", report.realtime.items_by_status},
            {"callsInProgress", report.realtime.calls_in_progress},
            {"queueWaitingFor", report.realtime.queue_waiting_for}}}};
}

}  // namespace dialer::projections
