#include "actors/projections/reporting_queries.hpp"

#include <date/tz.h>

#include "actors/projections/reporting_keys.hpp"
#include "actors/rules/calling_window.hpp"

namespace dialer::projections {
namespace {

using namespace reporting_keys;

StatsReport realtime_only(const KvReader& kv) {
  StatsReport report;
  auto prefix = key({"rc", ""});
  kv.scan_under(prefix, [&](std::string_view k, std::string_view v) {
    auto rest = k.substr(prefix.size());
    auto split = rest.find(kKeySeparator);
    auto kind = rest.substr(0, split);
    auto status = std::string{rest.substr(split + 1)};
    auto count = std::stoll(std::string{v});
    if (kind == "items") report.realtime.items_by_status[status] = count;
    if (kind == "agents") report.realtime.agents_by_status[status] = count;
    if (kind == "calls") report.realtime.calls_in_progress = count;
    return true;
  });
  return report;
}

// The start of the local day an hour falls in, in the zone (UTC when none).
std::int64_t local_day_of(std::int64_t hour, const date::time_zone* zone) {
  if (!zone) return day_of(hour);
  using Ms = std::chrono::milliseconds;
  auto local = zone->to_local(date::sys_time<Ms>{Ms{hour}});
  auto midnight = date::floor<date::days>(local);
  auto start = zone->to_sys(midnight, date::choose::earliest);
  return std::chrono::duration_cast<Ms>(start.time_since_epoch()).count();
}

const date::time_zone* zone_of(const StatsQuery& q) {
  if (q.time_zone.empty()) return nullptr;
  auto zone = rules::find_zone(q.time_zone);
  return zone ? *zone : nullptr;
}

void add_to_report(StatsReport& report, const std::string& agent, std::int64_t hour,
                   const StatsBucket& bucket, const date::time_zone* zone) {
  report.total.merge(bucket);
  report.by_agent[agent].merge(bucket);
  report.by_hour[hour].merge(bucket);
  report.by_day[local_day_of(hour, zone)].merge(bucket);
}

}  // namespace

HistoryPage query_history(const KvReader& kv, const HistoryQuery& q) {
  // The most selective index the query allows; the other filters apply to its rows.
  std::string prefix;
  if (!q.client.empty()) {
    prefix = key({"tc", q.client, ""});
  } else if (!q.agent.empty()) {
    prefix = key({"ta", q.agent, ""});
  } else if (!q.status.empty()) {
    prefix = key({"ts", q.status, ""});
  } else {
    prefix = key({"t", ""});
  }
  // Newest first: `to` (exclusive) is where the scan starts, `from` where it ends.
  auto start = q.to_ms ? prefix + newest_first(*q.to_ms - 1) : prefix;
  auto stop = q.from_ms ? prefix + newest_first(*q.from_ms) : std::string{};

  HistoryPage page;
  std::size_t skipped = 0;
  bool past_cursor = q.page.cursor.empty();
  std::string last_key;
  kv.scan_under(prefix, start, [&](std::string_view k, std::string_view) {
    if (!stop.empty() && k.substr(0, stop.size()) > stop) return false;
    auto call_id = k.substr(k.rfind(kKeySeparator) + 1);
    auto row = read<HistoryRow>(kv, key({"r", call_id}));
    if (!row) return true;
    if ((!q.agent.empty() && row->agent_id != q.agent) ||
        (!q.status.empty() && row->status != q.status) ||
        (!q.client.empty() && row->client_id != q.client)) {
      return true;
    }
    ++page.total;
    if (!past_cursor) {
      past_cursor = k == q.page.cursor;
      return true;
    }
    if (skipped < q.page.skip) {
      ++skipped;
      return true;
    }
    if (page.rows.size() < q.page.limit) {
      page.rows.push_back(std::move(*row));
      last_key = k;
    } else if (page.next_cursor.empty()) {
      page.next_cursor = last_key;
    }
    return true;
  });
  return page;
}

StatsReport query_stats(const KvReader& kv, const StatsQuery& q) {
  auto report = realtime_only(kv);
  auto zone = zone_of(q);
  auto prefix = key({"s", ""});
  auto start = prefix + ascending(q.from_ms ? hour_of(*q.from_ms) : 0);
  kv.scan_under(prefix, start, [&](std::string_view k, std::string_view v) {
    std::uint64_t hour = 0;
    storage::keys::read_be64(k.substr(prefix.size(), 8), hour);
    if (q.to_ms && static_cast<std::int64_t>(hour) >= *q.to_ms) return false;
    auto agent = std::string{k.substr(prefix.size() + 9)};
    if (!q.agent.empty() && agent != q.agent) return true;
    StatsBucket bucket;
    if (!events::decode_fields(v, bucket)) return true;
    add_to_report(report, agent, static_cast<std::int64_t>(hour), bucket, zone);
    return true;
  });
  return report;
}

std::map<std::string, std::string> known_agents(const KvReader& kv) {
  std::map<std::string, std::string> agents;
  auto prefix = key({"as", ""});
  kv.scan_under(prefix, [&](std::string_view k, std::string_view v) {
    agents.emplace(k.substr(prefix.size()), v);
    return true;
  });
  return agents;
}

StatsReport stats_from_history(const KvReader& kv, const StatsQuery& q) {
  auto report = realtime_only(kv);
  auto zone = zone_of(q);
  auto prefix = key({"r", ""});
  kv.scan_under(prefix, [&](std::string_view, std::string_view v) {
    HistoryRow row;
    if (!events::decode_fields(v, row) || (!row.final() && !row.started())) return true;
    auto hour = hour_of(row.requested_at_ms);
    if ((q.from_ms && hour < hour_of(*q.from_ms)) || (q.to_ms && hour >= *q.to_ms) ||
        (!q.agent.empty() && row.agent_id != q.agent)) {
      return true;
    }
    StatsBucket one;
    if (row.final()) one.add(row, 1);
    if (row.started()) one.add_started(1);
    add_to_report(report, row.agent_id, hour, one, zone);
    return true;
  });
  return report;
}

std::optional<std::string> call_of_aircall(const KvReader& kv, std::int64_t aircall_call_id) {
  return kv.get(key({"ac", std::to_string(aircall_call_id)}));
}

}  // namespace dialer::projections
