#include <set>

#include "actors/projections/history_csv.hpp"
#include "actors/projections/report_json.hpp"
#include "actors/projections/reporting.hpp"
#include "actors/rules/calling_window.hpp"
#include "http/mapping/exchange.hpp"
#include "http/mapping/views.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

const std::set<std::string> kRowStatuses{"completed", "missed",     "rejected",  "no-answer",
                                         "busy",      "failed",     "voicemail", "dialing",
                                         "ringing",   "in-progress"};

// The rows a request asks for: by agent, client, status and period.
Result<projections::HistoryQuery> history_query(const httplib::Request& req) {
  projections::HistoryQuery query;
  query.agent = text_param(req, "userId");
  query.client = text_param(req, "clientId");
  query.status = text_param(req, "status");
  if (!query.status.empty() && !kRowStatuses.contains(query.status)) {
    return Error{ErrorCode::invalid_argument,
                 "status must be one of completed, missed, rejected, no-answer, busy, failed, "
                 "voicemail",
                 "status"};
  }
  auto period = period_params(req);
  if (!period) return period.error();
  query.from_ms = period->from_ms;
  query.to_ms = period->to_ms;
  return query;
}

Answer history(Context& context, const httplib::Request& req) {
  auto query = history_query(req);
  if (!query) return query.error();
  auto paging = paging_params(req);
  if (!paging) return paging.error();
  query->page = std::move(*paging);
  if (auto current = context.current_views(); !current) return current.error();
  auto page = projections::query_history(context.projections.view(), *query);
  json rows = json::array();
  for (const auto& row : page.rows) rows.push_back(projections::row_json(row));
  return json{{"totalCount", page.total},
              {"callHistory", std::move(rows)},
              {"nextCursor",
               page.next_cursor.empty() ? json(nullptr) : json(encode_cursor(page.next_cursor))}};
}

// Every row the filters take, newest first, as CSV (the writer dialerctl uses too), a page of
// the projection at a time, up to kMostExported rows.
void history_export(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto query = history_query(req);
  if (!query) return reply_error(res, query.error());
  constexpr std::size_t kPage = 500;
  constexpr std::size_t kMostExported = 200'000;
  query->page.limit = kPage;
  if (auto current = context.current_views(); !current) return reply_error(res, current.error());
  struct Progress {
    projections::HistoryQuery query;
    std::size_t written = 0;
    bool header = false;
    bool last = false;
  };
  auto progress = std::make_shared<Progress>(Progress{std::move(*query)});
  res.set_header("Content-Disposition", "attachment; filename=\"call-history.csv\"");
  res.set_chunked_content_provider(
      "text/csv; charset=utf-8", [&context, progress](std::size_t, httplib::DataSink& sink) {
        std::string out;
        if (!progress->header) {
          out = projections::history_csv_header();
          progress->header = true;
        }
        if (!progress->last) {
          auto page = projections::query_history(context.projections.view(), progress->query);
          for (const auto& row : page.rows) out += projections::history_csv_line(row);
          progress->written += page.rows.size();
          progress->query.page.cursor = page.next_cursor;
          progress->last = page.next_cursor.empty() || progress->written >= kMostExported;
        }
        if (!out.empty() && !sink.write(out.data(), out.size())) return false;
        if (progress->last) sink.done();
        return true;
      });
}

Answer stats(Context& context, const httplib::Request& req) {
  auto period = period_params(req);
  if (!period) return period.error();
  auto zone = text_param(req, "timeZone");
  if (zone.empty()) {
    zone = context.dialer.services().settings()->time_zone;
  } else if (auto found = rules::find_zone(zone); !found) {
    return Error{ErrorCode::invalid_argument, found.error().message, "timeZone"};
  }
  projections::StatsQuery query{text_param(req, "userId"), period->from_ms, period->to_ms, zone};
  if (auto current = context.current_views(); !current) return current.error();
  auto report = projections::query_stats(context.projections.view(), query);
  // Agents as they are now, from their own actors: what /agents shows, counted.
  report.realtime.agents_by_status = live_agents_by_status(context);
  // Why the pending items wait, as the dispatcher sees them now.
  for (const auto& [reason, count] : context.dialer.queue_waiting_for()) {
    report.realtime.queue_waiting_for[reason] = static_cast<std::int64_t>(count);
  }
  return projections::stats_json(report, zone);
}

}  // namespace

void add_report_routes(Router& router, Context& context) {
  router.get("/api/dialer/history",
             [&context](const httplib::Request& req, httplib::Response& res) {
               reply_with(res, history(context, req));
             });
  router.get("/api/dialer/history/export",
             [&context](const httplib::Request& req, httplib::Response& res) {
               history_export(context, req, res);
             });
  router.get("/api/dialer/stats", [&context](const httplib::Request& req, httplib::Response& res) {
    reply_with(res, stats(context, req));
  });
}

}  // namespace dialer::http
