#include <cstdio>

#include "actors/projections/report_json.hpp"
#include "tools/dialerctl/commands.hpp"

namespace dialer::ctl {

Result<projections::MemoryKv> replay(storage::EventStore& store, const Horizon& horizon) {
  // About one entry for every two events in a dialler's log.
  projections::MemoryKv kv{(horizon.until_seq ? horizon.until_seq : store.last_seq()) / 2};
  projections::ReportingFold fold{kv};
  std::optional<Error> failure;
  Progress progress{"replay", horizon.until_seq ? horizon.until_seq : store.last_seq()};
  auto scanned = store.scan_log(1, [&](const storage::Envelope& e) {
    if (horizon.until_seq && e.seq > horizon.until_seq) return false;
    if (horizon.until_ms && e.recorded_at_ms > *horizon.until_ms) return false;
    if (auto applied = fold.apply(e); !applied) {
      failure = applied.error();
      return false;
    }
    // Written out now and then, so that what stays decoded is bounded.
    if (e.seq % 200'000 == 0) fold.flush();
    if ((e.seq & 0xfff) == 0) progress.update(e.seq);
    return true;
  });
  if (!scanned) return scanned.error();
  if (failure) return *failure;
  fold.flush();
  return kv;
}

int print_stats(const projections::KvReader& kv, const projections::StatsQuery& query,
                const std::string& format, Output& out) {
  auto report = projections::query_stats(kv, query);
  auto& os = out.stream();
  if (format == "json") {
    os << projections::stats_json(report).dump(2) << '\n';
    return out.good() ? ok : unwritable;
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %8s %8s %8s %10s %10s %10s\n", "AGENT", "DIALLED",
                "ANSWERED", "RATE", "AVG TALK", "P90 TALK", "AVG WAIT");
  os << line;
  auto row = [&](const std::string& name, const projections::StatsBucket& b) {
    auto rate =
        b.dialled ? 100.0 * static_cast<double>(b.answered) / static_cast<double>(b.dialled) : 0.0;
    auto talk =
        b.answered ? static_cast<double>(b.talk_seconds) / static_cast<double>(b.answered) : 0.0;
    auto wait =
        b.dialled ? static_cast<double>(b.wait_seconds) / static_cast<double>(b.dialled) : 0.0;
    std::snprintf(line, sizeof line, "%-20s %8llu %8llu %7.1f%% %9.1fs %9llds %9.1fs\n",
                  name.c_str(), static_cast<unsigned long long>(b.dialled),
                  static_cast<unsigned long long>(b.answered), rate, talk,
                  static_cast<long long>(projections::p90_talk_seconds(b)), wait);
    os << line;
  };
  for (const auto& [agent, bucket] : report.by_agent) row(agent, bucket);
  row("TOTAL", report.total);
  os << "by status:";
  for (const auto& [status, count] : report.total.by_status) os << ' ' << status << '=' << count;
  os << "\nin progress: " << report.realtime.calls_in_progress << " calls; queue:";
  for (const auto& [status, count] : report.realtime.items_by_status)
    os << ' ' << status << '=' << count;
  os << "; agents:";
  for (const auto& [status, count] : report.realtime.agents_by_status)
    os << ' ' << status << '=' << count;
  os << '\n';
  return out.good() ? ok : unwritable;
}

int print_history(const projections::KvReader& kv, projections::HistoryQuery query,
                  const std::string& format, Output& out) {
  auto& os = out.stream();
  if (format == "csv") {
    os << "callId,dialerCallId,queueItemId,clientId,clientName,agent,phoneNumber,attempt,status,"
          "disposition,"
          "requestedAt,startTime,endTime,duration,waitSeconds,talkSeconds,tags\n";
  }
  // Page through it all, newest first.
  query.limit = 1000;
  for (;;) {
    auto page = projections::query_history(kv, query);
    for (const auto& row : page.rows) {
      auto json = projections::row_json(row);
      if (format == "csv") {
        std::string tags;
        for (const auto& tag : row.tags) tags += (tags.empty() ? "" : ";") + tag;
        auto text = [&](const char* field) {
          const auto& value = json[field];
          return value.is_string() ? value.get<std::string>()
                 : value.is_null() ? std::string{}
                                   : value.dump();
        };
        os << text("callId") << ',' << row.call_id << ',' << row.queue_item_id << ','
           << csv_field(row.client_id) << ',' << csv_field(row.client_name) << ','
           << csv_field(row.agent_id) << ',' << row.phone_number << ',' << row.attempt << ','
           << row.status << ',' << text("disposition") << ',' << text("requestedAt") << ','
           << text("startTime") << ',' << text("endTime") << ',' << row.duration_seconds << ','
           << row.wait_seconds() << ',' << row.talk_seconds() << ',' << csv_field(tags) << '\n';
      } else {
        os << json.dump() << '\n';
      }
    }
    if (page.next_cursor.empty()) break;
    query.cursor = page.next_cursor;
    query.skip = 0;
  }
  return out.good() ? ok : unwritable;
}

}  // namespace dialer::ctl
