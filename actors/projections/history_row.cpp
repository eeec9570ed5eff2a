#include "actors/projections/history_row.hpp"

#include <algorithm>

namespace dialer::projections {

std::int64_t HistoryRow::wait_seconds() const {
  if (started_at_ms == 0) return 0;
  auto until = answered_at_ms ? *answered_at_ms : ended_at_ms;
  return until > started_at_ms ? (until - started_at_ms) / 1000 : 0;
}

std::int64_t HistoryRow::talk_seconds() const {
  if (!answered_at_ms || ended_at_ms <= *answered_at_ms) return 0;
  return (ended_at_ms - *answered_at_ms) / 1000;
}

std::string HistoryRow::all_notes() const {
  std::string out = notes;
  for (const auto& comment : comments) {
    // A comment that repeats the agent's notes (posted to Aircall from them) adds nothing.
    if (comment == notes) continue;
    out += (out.empty() ? "" : "\n") + comment;
  }
  return out;
}

namespace {
template <class Map>
void shift(Map& map, const typename Map::key_type& key, int sign) {
  auto& count = map[key];
  count += sign;
  if (count == 0) map.erase(key);
}
}  // namespace

void StatsBucket::add(const HistoryRow& row, int sign) {
  rows += sign;
  if (row.started()) {
    ended += sign;
    duration_seconds += sign * row.duration_seconds;
  }
  if (row.answered_at_ms) {
    answered += sign;
    talk_seconds += sign * row.talk_seconds();
    shift(talk_histogram, talk_bucket(row.talk_seconds()), sign);
  }
  wait_seconds += sign * row.wait_seconds();
  shift(by_status, row.status, sign);
  if (!row.missed_call_reason.empty()) shift(missed_by_reason, row.missed_call_reason, sign);
  if (!row.disposition.empty()) shift(by_disposition, row.disposition, sign);
}

void StatsBucket::merge(const StatsBucket& other) {
  rows += other.rows;
  dialled += other.dialled;
  ended += other.ended;
  duration_seconds += other.duration_seconds;
  answered += other.answered;
  talk_seconds += other.talk_seconds;
  wait_seconds += other.wait_seconds;
  for (const auto& [k, v] : other.by_status) by_status[k] += v;
  for (const auto& [k, v] : other.missed_by_reason) missed_by_reason[k] += v;
  for (const auto& [k, v] : other.talk_histogram) talk_histogram[k] += v;
  for (const auto& [k, v] : other.by_disposition) by_disposition[k] += v;
}

std::uint32_t talk_bucket(std::int64_t seconds) {
  seconds = std::max<std::int64_t>(seconds, 0);
  if (seconds < 120) return static_cast<std::uint32_t>(seconds);
  if (seconds < 1800) return static_cast<std::uint32_t>(120 + (seconds - 120) / 10);
  return static_cast<std::uint32_t>(std::min<std::int64_t>(288 + (seconds - 1800) / 60, 100'000));
}

std::int64_t talk_bucket_upper(std::uint32_t bucket) {
  if (bucket < 120) return bucket;
  if (bucket < 288) return 120 + (static_cast<std::int64_t>(bucket) - 120) * 10 + 9;
  return 1800 + (static_cast<std::int64_t>(bucket) - 288) * 60 + 59;
}

}  // namespace dialer::projections
