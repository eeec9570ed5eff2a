#include "actors/projections/report_json.hpp"
#include "http/mapping/exchange.hpp"
#include "http/mapping/views.hpp"
#include "http/routes/routes.hpp"
#include "http/server/openapi.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

// Each view the server keeps of the log: its state and how far behind it is.
struct ProjectionState {
  std::string name;
  std::string state;  // following, retrying (its writes refused for now), stopped
  std::uint64_t lag = 0;
  std::optional<std::chrono::steady_clock::time_point> retrying_since;
};

std::vector<ProjectionState> projection_states(Context& context) {
  auto last = context.store.last_seq();
  auto state_of = [last](std::string name, const projections::ProjectionRunner& runner) {
    ProjectionState state{std::move(name), "following", 0, std::nullopt};
    state.lag = last - std::min(last, runner.checkpoint());
    if (runner.failure()) {
      state.state = "stopped";
    } else if (auto stall = runner.stalled()) {
      state.state = "retrying";
      state.retrying_since = stall->since;
    }
    return state;
  };
  return {state_of("reporting", context.projections),
          state_of("live-set", context.dialer.live_set())};
}

json projections_json(const std::vector<ProjectionState>& states) {
  json list = json::array();
  for (const auto& state : states)
    list.push_back({{"name", state.name}, {"state", state.state}, {"lag", state.lag}});
  return list;
}

double milliseconds(std::chrono::microseconds duration) {
  return static_cast<double>(duration.count()) / 1000.0;
}

double seconds(std::chrono::microseconds duration) {
  return static_cast<double>(duration.count()) / 1e6;
}

// What operators watch besides the machine: agents, the queue and the calls, by status.
std::vector<Family> business(Context& context) {
  context.caught_up();
  auto report = projections::query_stats(context.projections.view(), {});
  Family agents{
      "dialer_agents", "Agents ever started, by the status /agents shows now.", "status", {}};
  for (const auto& [status, count] : live_agents_by_status(context)) {
    agents.values[status] = static_cast<double>(count);
  }
  Family items{"dialer_queue_items", "Queue items, by status.", "status", {}};
  for (const auto& [status, count] : report.realtime.items_by_status) {
    items.values[status] = static_cast<double>(count);
  }
  Family calls{"dialer_calls_total", "Calls that ended, by outcome.", "outcome", {}, "counter"};
  for (const auto& [outcome, count] : report.total.by_status) {
    calls.values[outcome] = static_cast<double>(count);
  }
  Family waiting{"dialer_queue_waiting",
                 "Pending items the dispatcher holds, by why they wait (waitingFor).",
                 "reason",
                 {}};
  for (const auto& [reason, count] : context.dialer.queue_waiting_for()) {
    waiting.values[reason] = static_cast<double>(count);
  }
  Family lag{"dialer_view_lag_events",
             "Events written but not yet folded, by view (reporting, live-set).",
             "view",
             {}};
  Family retrying{"dialer_view_retrying",
                  "1 while a view's writes are refused and it retries (a full disk), by view.",
                  "view",
                  {}};
  Family stopped{
      "dialer_view_stopped", "1 once a view has stopped on a fault, by view.", "view", {}};
  for (const auto& state : projection_states(context)) {
    lag.values[state.name] = static_cast<double>(state.lag);
    retrying.values[state.name] = state.state == "retrying" ? 1 : 0;
    stopped.values[state.name] = state.state == "stopped" ? 1 : 0;
  }
  return {std::move(agents), std::move(items),    std::move(calls),  std::move(waiting),
          std::move(lag),    std::move(retrying), std::move(stopped)};
}

std::vector<Histogram> histograms(Context& context) {
  auto appends = context.store.append_stats();
  Histogram sync{"dialer_append_sync_seconds",
                 "Time of a synced write batch (write and fsync) since start.",
                 {},
                 appends.sync_count,
                 seconds(appends.sync_sum)};
  for (std::size_t i = 0; i < appends.sync_at_most.size(); ++i) {
    sync.at_most.emplace_back(seconds(storage::AppendStats::kSyncBounds[i]),
                              appends.sync_at_most[i]);
  }
  return {std::move(sync)};
}

json jobs_status(Context& context) {
  auto stats = context.dialer.dispatcher_stats();
  auto last = context.store.last_seq();
  auto checkpoint = context.projections.checkpoint();
  auto appends = context.store.append_stats();
  auto settings = context.dialer.services().settings();
  json timers{{"waitingItems", stats.index.waiting_items},
              {"nextWakeAt", stats.next_wake_ms ? json(projections::iso_time(*stats.next_wake_ms))
                                                : json(nullptr)}};
  return {{"timers", std::move(timers)},
          {"webhooks",
           {{"received", context.webhooks_received.load()},
            {"duplicates", context.webhooks_duplicate.load()},
            {"applied", context.webhooks_applied.load()},
            // A delivery is routed to the actors as soon as it is durable.
            {"inboxLag", 0}}},
          {"projections",
           {{"checkpoint", checkpoint},
            {"lastSeq", last},
            {"lag", last - std::min(last, checkpoint)},
            {"views", projections_json(projection_states(context))}}},
          {"dispatcher",
           {{"freeAgents", stats.index.free_agents},
            {"pacedAgents", stats.index.paced_agents},
            {"readyItems", stats.index.ready_items},
            {"waitingItems", stats.index.waiting_items},
            {"matches", stats.index.matches},
            {"callsStarted", stats.calls_started}}},
          {"rateLimiter",
           {{"requestsPerMinute", settings->requests_per_minute},
            {"callsPerMinutePerAgent", settings->call_rate_limit_per_minute},
            {"pacedAgents", stats.index.paced_agents}}},
          {"store",
           {{"batches", appends.batches},
            {"requests", appends.requests},
            {"events", appends.events},
            {"syncP50Ms", milliseconds(appends.sync_p50)},
            {"syncP99Ms", milliseconds(appends.sync_p99)},
            {"syncLongestMs", milliseconds(appends.sync_longest)}}}};
}

std::vector<Gauge> gauges(Context& context) {
  auto stats = context.dialer.dispatcher_stats();
  auto appends = context.store.append_stats();
  auto last = context.store.last_seq();
  auto checkpoint = context.projections.checkpoint();
  auto per_batch = appends.batches == 0
                       ? 0.0
                       : static_cast<double>(appends.events) / static_cast<double>(appends.batches);
  return {
      {"dialer_log_last_seq", "Sequence number of the last event in the log.",
       static_cast<double>(last)},
      {"dialer_append_batches_total", "Synced write batches since start.",
       static_cast<double>(appends.batches), "counter"},
      {"dialer_append_events_total", "Events written since start.",
       static_cast<double>(appends.events), "counter"},
      {"dialer_append_batch_events_avg", "Events per synced batch, on average since start.",
       per_batch},
      {"dialer_dispatcher_ready_items", "Items ready to dial, waiting for an agent.",
       static_cast<double>(stats.index.ready_items)},
      {"dialer_dispatcher_waiting_items", "Items waiting on time (schedule, retry, windows).",
       static_cast<double>(stats.index.waiting_items)},
      {"dialer_dispatcher_free_agents", "Agents free for a call.",
       static_cast<double>(stats.index.free_agents)},
      {"dialer_calls_started_total", "Calls the dispatcher started.",
       static_cast<double>(stats.calls_started), "counter"},
      {"dialer_projection_lag_events", "Events written but not yet folded into the projections.",
       static_cast<double>(last - std::min(last, checkpoint))},
      {"dialer_webhooks_received_total", "Webhook deliveries stored.",
       static_cast<double>(context.webhooks_received.load()), "counter"},
      {"dialer_webhooks_duplicate_total", "Webhook deliveries recognised as redeliveries.",
       static_cast<double>(context.webhooks_duplicate.load()), "counter"},
  };
}

}  // namespace

void add_operation_routes(Router& router, Context& context, std::function<bool()> ready) {
  router.get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    reply_ok(res, {{"status", "alive"}});
  });
  // Open to anyone: it says what state the server is in and since when, never why in
  // RocksDB's words or where its files are (those go to the server's log, stderr).
  router.get("/readyz", [&context, ready](const httplib::Request&, httplib::Response& res) {
    auto last = context.store.last_seq();
    auto checkpoint = context.projections.checkpoint();
    auto states = projection_states(context);
    auto not_ready = [&](const std::string& reason, const std::string& message,
                         std::optional<std::int64_t> since_ms) {
      auto answer = error_json(Error{ErrorCode::unavailable, "not ready: " + message});
      answer["status"] = "not-ready";
      answer["reason"] = reason;
      if (since_ms) answer["since"] = projections::iso_time(*since_ms);
      answer["projections"] = projections_json(states);
      res.set_header("Retry-After", kRetryAfterSeconds);
      return answer;
    };
    if (auto problem = context.store.write_problem()) {
      auto answer = problem->disk_full
                        ? not_ready("disk-full", "the disk is full; writes fail", problem->since_ms)
                        : not_ready("writes-failing", "writes fail", problem->since_ms);
      answer["diskFull"] = problem->disk_full;
      return reply(res, 503, std::move(answer));
    }
    if (!ready()) return reply(res, 503, not_ready("starting", "starting", std::nullopt));
    for (const auto& state : states) {
      if (state.state == "stopped") {
        return reply(
            res, 503,
            not_ready("projections-stopped", "the " + state.name + " view stopped", std::nullopt));
      }
    }
    for (const auto& state : states) {
      if (state.state != "retrying") continue;
      auto since = context.now_ms() - std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::steady_clock::now() - *state.retrying_since)
                                          .count();
      return reply(
          res, 503,
          not_ready("projections-retrying",
                    "the " + state.name + " view's writes are refused; it retries", since));
    }
    reply_ok(res, {{"status", "ready"},
                   {"lastSeq", last},
                   {"projectionLag", last - std::min(last, checkpoint)},
                   {"projections", projections_json(states)}});
  });
  router.get("/metrics", [&context](const httplib::Request&, httplib::Response& res) {
    res.set_content(context.metrics.render(gauges(context), business(context), histograms(context)),
                    "text/plain; version=0.0.4");
  });
  router.get("/api/dialer/openapi.json", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(std::string{openapi_document()}, "application/json");
  });
  router.get("/api/dialer/jobs/status",
             [&context](const httplib::Request&, httplib::Response& res) {
               reply_ok(res, jobs_status(context));
             });
}

}  // namespace dialer::http
