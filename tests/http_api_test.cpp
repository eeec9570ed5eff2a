// The REST API over real HTTP on loopback: each endpoint's success, the errors it can give,
// and that a refused request leaves the log as it was.

#include <set>

#include "support/http_fixture.hpp"
#include "support/self_signed.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;
using namespace std::chrono_literals;

json start_body(std::int64_t aircall_user = 736640, std::int64_t number = 404821) {
  return {{"aircallUserId", std::to_string(aircall_user)}, {"numberId", number}};
}

// Items are dialled at once unless something holds them: a far schedule does.
json later_clients(std::initializer_list<const char*> numbers) {
  json clients = json::array();
  for (const auto* number : numbers) {
    clients.push_back({{"phoneNumber", number}, {"scheduledFor", "2030-01-01T10:00:00Z"}});
  }
  return {{"clients", clients}};
}

}  // namespace

TEST_CASE("http: initialize, health, readiness, metrics and the OpenAPI document") {
  ServerFixture f;
  auto init = f.send("POST", "/api/dialer/initialize", json::object());
  CHECK(init.status == 200);
  CHECK(init.body["services"]["aircall"]["mockMode"] == true);
  CHECK(init.body["services"]["database"]["status"] == "ready");
  CHECK(init.body["services"]["jobService"]["status"] == "ready");
  CHECK(f.send("POST", "/api/dialer/initialize", json::object()).status == 200);  // idempotent

  CHECK(f.send("GET", "/healthz").body["status"] == "alive");
  REQUIRE(dialer::testing::eventually([&] { return f.send("GET", "/readyz").status == 200; }));

  // A request is counted once its answer is written: the count may trail the answer.
  Answer metrics;
  REQUIRE(dialer::testing::eventually([&] {
    metrics = f.send("GET", "/metrics");
    return metrics.text.find("dialer_http_requests_total{route=\"GET /healthz\",status=\"200\"}") !=
           std::string::npos;
  }));
  CHECK(metrics.status == 200);
  CHECK(metrics.text.find("dialer_http_request_seconds_bucket{route=\"GET /healthz\"") !=
        std::string::npos);
  CHECK(metrics.text.find("dialer_projection_lag_events") != std::string::npos);
  CHECK(metrics.text.find("dialer_dispatcher_ready_items") != std::string::npos);
  CHECK(metrics.text.find("dialer_append_batch_events_avg") != std::string::npos);

  auto openapi = f.send("GET", "/api/dialer/openapi.json");
  REQUIRE(openapi.status == 200);
  CHECK(openapi.body["openapi"] == "3.1.0");
  for (const auto* path :
       {"/api/dialer/start/{userId}", "/api/dialer/queue", "/api/dialer/queue/{id}",
        "/api/dialer/history", "/api/dialer/stats", "/api/dialer/webhook", "/api/dialer/events",
        "/api/dialer/jobs/status", "/api/dialer/config", "/api/dialer/aircall/users",
        "/api/dialer/aircall/users/{id}", "/api/dialer/aircall/numbers"}) {
    CHECK(openapi.body["paths"].contains(path));
  }

  // This server places calls in-process: there is no Aircall directory to read.
  CHECK(f.send("GET", "/api/dialer/aircall/users").status == 503);

  auto jobs = f.send("GET", "/api/dialer/jobs/status");
  CHECK(jobs.status == 200);
  CHECK(jobs.body["projections"].contains("lag"));
  CHECK(jobs.body["dispatcher"].contains("readyItems"));
  CHECK(jobs.body["rateLimiter"]["requestsPerMinute"] == 60);
  CHECK(jobs.body["store"]["batches"] == 0);
  CHECK(jobs.body["store"]["syncP99Ms"] == 0);
  // A change is a synced append: the disk's time for it is reported.
  REQUIRE(f.send("POST", "/api/dialer/config", json{{"key", "dialer.maxRetries"}, {"value", 5}})
              .status == 200);
  jobs = f.send("GET", "/api/dialer/jobs/status");
  CHECK(jobs.body["store"]["batches"].get<int>() > 0);
  CHECK(jobs.body["store"]["syncP50Ms"].get<double>() > 0);
  CHECK(jobs.body["store"]["syncP99Ms"].get<double>() >=
        jobs.body["store"]["syncP50Ms"].get<double>());

  auto unknown = f.send("GET", "/api/dialer/nothing-here");
  CHECK(unknown.status == 404);
  CHECK(unknown.body["error"]["code"] == "not_found");
}

TEST_CASE("http: config is read by category and changed one key or several, all or nothing") {
  ServerFixture f;
  auto all = f.send("GET", "/api/dialer/config");
  REQUIRE(all.status == 200);
  CHECK(all.body["configs"].size() == all.body["totalCount"]);
  auto dialer = f.send("GET", "/api/dialer/config?category=dialer");
  for (const auto& setting : dialer.body["configs"]) CHECK(setting["category"] == "dialer");
  CHECK(dialer.body["configs"].size() < all.body["configs"].size());
  f.refused(400, "GET", "/api/dialer/config?category=nonsense");

  auto one = f.send("POST", "/api/dialer/config", json{{"key", "dialer.maxRetries"}, {"value", 5}});
  REQUIRE(one.status == 200);
  CHECK(one.body["config"]["value"] == 5);
  CHECK(one.body["config"]["options"]["max"] == 10);

  auto out_of_range = f.refused(400, "POST", "/api/dialer/config",
                                json{{"key", "dialer.maxRetries"}, {"value", 50}});
  CHECK(out_of_range.body["error"]["field"] == "dialer.maxRetries");
  f.refused(400, "POST", "/api/dialer/config", json{{"key", "no.such.key"}, {"value", 1}});
  f.refused(400, "POST", "/api/dialer/config", json{{"key", "dialer.maxRetries"}});
  // One bad value refuses the whole change.
  auto mixed =
      f.refused(400, "POST", "/api/dialer/config",
                json{{"settings", {{"dialer.retryDelay", 30}, {"dialer.callRateLimit", 99}}}});
  CHECK(mixed.body["error"]["field"] == "dialer.callRateLimit");
  auto many = f.send("POST", "/api/dialer/config",
                     json{{"settings", {{"dialer.retryDelay", 30}, {"dialer.callRateLimit", 4}}}});
  REQUIRE(many.status == 200);
  CHECK(many.body["configs"].size() == 2);

  // Secrets are write-only.
  REQUIRE(f.send("POST", "/api/dialer/config",
                 json{{"key", "aircall.webhookToken"}, {"value", "s3cr3t-value"}})
              .status == 200);
  auto aircall = f.send("GET", "/api/dialer/config?category=aircall");
  CHECK(aircall.text.find("s3cr3t-value") == std::string::npos);
  CHECK(setting_in(aircall.body, "aircall.webhookToken") == json("********"));
}

TEST_CASE("http: API keys, body types and sizes are checked before anything is done") {
  ServerFixture f;
  auto before = f.changes();
  auto text = f.send_raw("POST", "/api/dialer/start/alice", "aircallUserId=1", "text/plain");
  CHECK(text.status == 415);
  CHECK(text.body["error"]["code"] == "unsupported_media");
  auto malformed = f.send_raw("POST", "/api/dialer/start/alice", "{not json", "application/json");
  CHECK(malformed.status == 400);
  CHECK(malformed.body["error"]["field"] == "body");
  std::string huge(10 << 20, ' ');
  auto too_large = f.send_raw("POST", "/api/dialer/queue", huge, "application/json");
  CHECK(too_large.status == 413);
  CHECK(too_large.body["error"]["code"] == "too_large");
  CHECK(f.changes() == before);

  // Once a key is configured, every REST call needs it; health and webhooks do not.
  REQUIRE(f.send("POST", "/api/dialer/config",
                 json{{"key", "security.apiKeys"}, {"value", json::array({"key-one", "key-two"})}})
              .status == 200);
  auto missing = f.refused(401, "GET", "/api/dialer/agents");
  CHECK(missing.body["error"]["field"] == "Authorization");
  f.bearer = "key-wrong";
  f.refused(401, "POST", "/api/dialer/start/alice", start_body());
  f.bearer = "key-two";
  CHECK(f.send("GET", "/api/dialer/agents").status == 200);
  auto config = f.send("GET", "/api/dialer/config?category=security");
  CHECK(config.text.find("key-one") == std::string::npos);
  f.bearer.clear();
  CHECK(f.send("GET", "/healthz").status == 200);
  CHECK(f.send_raw("POST", "/api/dialer/webhook", dialer::testing::sample("user.opened.json"),
                   "application/json")
            .status == 200);
}

TEST_CASE("http: start, pause, status, agents and stop follow an agent's session") {
  ServerFixture f;
  auto missing_user = f.refused(400, "POST", "/api/dialer/start/alice", json{{"numberId", 404821}});
  CHECK(missing_user.body["error"]["field"] == "aircallUserId");
  auto missing_number =
      f.refused(400, "POST", "/api/dialer/start/alice", json{{"aircallUserId", "736640"}});
  CHECK(missing_number.body["error"]["field"] == "numberId");
  f.refused(400, "POST", "/api/dialer/start/alice", json{{"aircallUserId", "x"}, {"numberId", 1}});
  f.refused(400, "POST", "/api/dialer/start/bad%20id", start_body());
  f.refused(404, "GET", "/api/dialer/status/nobody");
  f.refused(404, "POST", "/api/dialer/pause/nobody", json::object());
  f.refused(404, "POST", "/api/dialer/stop/nobody");

  auto started = f.send("POST", "/api/dialer/start/alice", start_body());
  REQUIRE(started.status == 200);
  CHECK(started.body["userStatus"]["status"] == "available");
  CHECK(started.body["userStatus"]["aircallUserId"] == "736640");
  REQUIRE(f.send("POST", "/api/dialer/start/bob", start_body(736641)).status == 200);

  auto paused = f.send("POST", "/api/dialer/pause/bob", json{{"reason", "meeting"}});
  REQUIRE(paused.status == 200);
  CHECK(paused.body["userStatus"]["status"] == "meeting");
  CHECK(f.send("POST", "/api/dialer/pause/alice", json::object()).body["userStatus"]["status"] ==
        "busy");
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);

  auto status = f.send("GET", "/api/dialer/status/alice");
  REQUIRE(status.status == 200);
  CHECK(status.body["status"] == "available");
  CHECK(status.body["online"] == true);
  CHECK(status.body["activeCall"].is_null());
  CHECK(status.body["pendingCallsCount"] == 0);
  CHECK(status.body["sessionStats"]["userId"] == "alice");

  auto agents = f.send("GET", "/api/dialer/agents");
  REQUIRE(agents.status == 200);
  REQUIRE(agents.body["agents"].size() == 2);
  CHECK(agents.body["agents"][0]["userId"] == "alice");  // available before paused
  auto meeting = f.send("GET", "/api/dialer/agents?status=meeting");
  REQUIRE(meeting.body["agents"].size() == 1);
  CHECK(meeting.body["agents"][0]["userId"] == "bob");

  auto stopped = f.send("POST", "/api/dialer/stop/bob");
  REQUIRE(stopped.status == 200);
  CHECK(stopped.body["sessionStats"]["userId"] == "bob");
  CHECK(stopped.body["sessionStats"]["callsCompleted"] == 0);
  CHECK_FALSE(stopped.body["sessionStats"]["endTime"].is_null());
  auto conflict = f.refused(409, "POST", "/api/dialer/pause/bob", json::object());
  CHECK(conflict.body["error"]["code"] == "conflict");
  CHECK(f.send("GET", "/api/dialer/status/bob").body["status"] == "offline");
}

TEST_CASE("http: an agent Aircall reports closed is refused with its availability") {
  ServerFixture f;
  REQUIRE(f.send("POST", "/api/dialer/start/koen", start_body(731416)).status == 200);
  REQUIRE(f.send("POST", "/api/dialer/stop/koen").status == 200);
  REQUIRE(f.send_raw("POST", "/api/dialer/webhook", dialer::testing::sample("user.closed.json"),
                     "application/json")
              .status == 200);
  // A stopped agent is never available; what counts is that the webhook reached koen, and
  // that the agent as the dialer reads it says so (the event is durable a moment before).
  REQUIRE(dialer::testing::eventually([&] {
    auto koen = f.node->dialer().agent("koen");
    return f.events_of_type("agent.aircall_status_changed") == 1 && koen && !koen->aircall_opened;
  }));
  auto before = f.changes();
  auto answer = f.send("POST", "/api/dialer/start/koen", start_body(731416));
  CHECK(answer.status == 400);
  CHECK(answer.body["message"] == "Agent is not available in Aircall");
  CHECK(answer.body["available"] == false);
  CHECK(answer.body["status"] == "unavailable");
  CHECK(answer.body["connected"] == true);
  CHECK(f.changes() == before);
}

TEST_CASE("http: queue add answers per item and never queues a number twice") {
  ServerFixture f;
  REQUIRE(
      f.send("POST", "/api/dialer/do-not-call", json{{"phoneNumber", "+44 20 7946 0001"}}).status ==
      200);
  json body{{"clients",
             {{{"clientId", "c-1"},
               {"phoneNumber", "+33 6 12 34 56 78"},
               {"name", "Jean"},
               {"priority", 3},
               {"timeZone", "Europe/Paris"},
               {"metadata", {{"crm", 42}}},
               {"scheduledFor", "2030-01-01T10:00:00+01:00"}},
              {{"clientId", "c-2"}, {"phoneNumber", "not a number"}},
              {{"clientId", "c-3"}, {"phoneNumber", "+442079460001"}},
              {{"clientId", "c-4"}, {"phoneNumber", "+33612345678"}},
              {{"clientId", "c-5"}, {"phoneNumber", "+4930901820"}, {"timeZone", "Mars/Base"}},
              {{"clientId", "c-6"}, {"phoneNumber", "+4930901820"}, {"priority", 5000}}}},
            {"options", {{"notes", "campaign"}, {"scheduledFor", "2030-01-01T10:00:00Z"}}}};
  auto added = f.send("POST", "/api/dialer/queue", body);
  REQUIRE(added.status == 200);
  CHECK(added.body["created"] == 1);
  CHECK(added.body["failed"] == 5);
  const auto& results = added.body["results"];
  REQUIRE(results.size() == 6);
  CHECK(results[0]["success"] == true);
  auto item = results[0]["queueItem"];
  CHECK(item["phoneNumber"] == "+33612345678");
  CHECK(item["status"] == "pending");
  CHECK(item["phase"] == "scheduled");
  CHECK(item["priority"] == 3);
  CHECK(item["scheduledFor"] == "2030-01-01T09:00:00.000Z");
  CHECK(item["notes"] == "campaign");
  CHECK(item["metadata"]["crm"] == 42);
  CHECK(item["timeZone"] == "Europe/Paris");
  auto message = [&](std::size_t i) { return results[i]["message"].get<std::string>(); };
  CHECK(message(1).find("not a valid phone number") != std::string::npos);
  CHECK(message(2).find("do-not-call") != std::string::npos);
  CHECK(message(3).find("appears twice") != std::string::npos);
  CHECK(message(4).find("Mars/Base") != std::string::npos);
  CHECK(message(5).find("priority") != std::string::npos);
  // The last one's number was claimed before its item refused the priority: it is given back
  // before the answer, so nothing of this request lands after it.
  CHECK(f.events_of_type("number.released") == 1);

  // The same number again, in a later request: reported, not queued.
  auto again = f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", {"+33612345678"}}});
  CHECK(again.status == 400);
  CHECK(again.body["created"] == 0);
  CHECK(again.body["results"][0]["message"].get<std::string>().find("already queued") !=
        std::string::npos);
  f.refused(400, "POST", "/api/dialer/queue", json{{"clients", json::array()}});
  f.refused(400, "POST", "/api/dialer/queue", json{{"clients", "+33612345678"}});
  f.refused(400, "POST", "/api/dialer/queue",
            json{{"phoneNumbers", {"+33699999999"}}, {"options", {{"scheduledFor", "soon"}}}});
  CHECK(f.send("GET", "/api/dialer/queue").body["totalCount"] == 1);
}

TEST_CASE("http: the queue lists by priority, filters, pages and follows each agent") {
  ServerFixture f;
  json clients = json::array();
  for (int i = 0; i < 12; ++i) {
    clients.push_back({{"clientId", "c-" + std::to_string(i)},
                       {"phoneNumber", "+336123456" + std::to_string(10 + i)},
                       {"priority", 20 - i},
                       {"scheduledFor", "2030-01-01T10:00:00Z"}});
  }
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"clients", clients}}).body["created"] == 12);
  REQUIRE(f.send("POST", "/api/dialer/queue",
                 json{{"phoneNumbers", {"+33700000001", "+33700000002"}},
                      {"userId", "alice"},
                      {"options", {{"scheduledFor", "2030-01-01T10:00:00Z"}, {"priority", 1}}}})
              .body["created"] == 2);

  auto first = f.send("GET", "/api/dialer/queue?limit=5");
  REQUIRE(first.status == 200);
  CHECK(first.body["totalCount"] == 14);
  REQUIRE(first.body["queueItems"].size() == 5);
  std::vector<int> priorities;
  for (const auto& item : first.body["queueItems"]) priorities.push_back(item["priority"]);
  CHECK(std::is_sorted(priorities.begin(), priorities.end()));
  CHECK(priorities.front() == 1);

  // Cursor and skip reach the same pages.
  std::set<std::string> seen;
  for (const auto& item : first.body["queueItems"]) seen.insert(item["id"]);
  std::string cursor = first.body["nextCursor"];
  while (!cursor.empty()) {
    auto page = f.send("GET", "/api/dialer/queue?limit=5&cursor=" + cursor);
    REQUIRE(page.status == 200);
    for (const auto& item : page.body["queueItems"]) CHECK(seen.insert(item["id"]).second);
    cursor = page.body["nextCursor"].is_null() ? "" : page.body["nextCursor"].get<std::string>();
  }
  CHECK(seen.size() == 14);
  auto skipped = f.send("GET", "/api/dialer/queue?limit=5&skip=5");
  auto second = f.send(
      "GET", "/api/dialer/queue?limit=5&cursor=" + first.body["nextCursor"].get<std::string>());
  CHECK(skipped.body["queueItems"] == second.body["queueItems"]);

  auto alice = f.send("GET", "/api/dialer/queue/alice");
  CHECK(alice.body["totalCount"] == 2);
  for (const auto& item : alice.body["queueItems"]) CHECK(item["assignedTo"] == "alice");
  CHECK(f.send("GET", "/api/dialer/queue?status=pending").body["totalCount"] == 14);
  CHECK(f.send("GET", "/api/dialer/queue?status=completed").body["totalCount"] == 0);
  f.refused(400, "GET", "/api/dialer/queue?status=sideways");
  f.refused(400, "GET", "/api/dialer/queue?limit=-1");
  f.refused(400, "GET", "/api/dialer/queue?limit=100000");
  f.refused(400, "GET", "/api/dialer/queue?cursor=zz");
}

TEST_CASE("http: queue items are updated and deleted, never while dialled") {
  ServerFixture f;
  auto added = f.send("POST", "/api/dialer/queue", later_clients({"+33612345601", "+33612345602"}));
  REQUIRE(added.body["created"] == 2);
  std::string id = added.body["results"][0]["queueItem"]["id"];
  std::string other = added.body["results"][1]["queueItem"]["id"];
  // An item is pinned to an agent who has started (another is 400, see the semantics tests).
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);

  auto updated = f.send("PUT", "/api/dialer/queue/" + id,
                        json{{"priority", 1}, {"notes", "vip"}, {"assignedTo", "alice"}});
  REQUIRE(updated.status == 200);
  CHECK(updated.body["queueItem"]["priority"] == 1);
  CHECK(updated.body["queueItem"]["notes"] == "vip");
  CHECK(updated.body["queueItem"]["assignedTo"] == "alice");
  CHECK(f.send("GET", "/api/dialer/queue/alice").body["totalCount"] == 1);
  auto skipped = f.send("PUT", "/api/dialer/queue/" + other, json{{"status", "skipped"}});
  CHECK(skipped.body["queueItem"]["status"] == "skipped");
  CHECK(f.send("GET", "/api/dialer/queue?status=skipped").body["totalCount"] == 1);

  f.refused(400, "PUT", "/api/dialer/queue/" + id, json{{"status", "sideways"}});
  f.refused(400, "PUT", "/api/dialer/queue/" + id, json{{"priority", 5000}, {"status", "skipped"}});
  f.refused(400, "PUT", "/api/dialer/queue/" + id, json{{"scheduledFor", "tomorrow"}});
  f.refused(404, "PUT", "/api/dialer/queue/q-nothing", json{{"priority", 1}});
  f.refused(404, "DELETE", "/api/dialer/queue/q-nothing");

  auto removed = f.send("DELETE", "/api/dialer/queue/" + other);
  REQUIRE(removed.status == 200);
  CHECK(removed.body["queueItemId"] == other);
  f.refused(404, "DELETE", "/api/dialer/queue/" + other);
  CHECK(f.send("GET", "/api/dialer/queue").body["totalCount"] == 1);

  // Dialled: the simulated telephony holds its news, so the call stays in progress.
  f.node->telephony().hold(true);
  REQUIRE(f.send("PUT", "/api/dialer/queue/" + id, json{{"scheduledFor", nullptr}}).status == 200);
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  // The item and the agent are reserved in the same round, each by its own actor; the
  // telephony's acceptance of the start is the last event until its news is let through.
  REQUIRE(dialer::testing::eventually([&] {
    return f.send("GET", "/api/dialer/queue?status=in-progress").body["totalCount"] == 1 &&
           f.send("GET", "/api/dialer/status/alice").body["status"] == "dialing" &&
           f.events_of_type("call.start_accepted") == 1;
  }));
  auto status = f.send("GET", "/api/dialer/status/alice");
  CHECK(status.body["activeCall"]["phoneNumber"] == "+33612345601");
  auto busy = f.refused(409, "PUT", "/api/dialer/queue/" + id, json{{"priority", 2}});
  CHECK(busy.body["error"]["code"] == "conflict");
  f.refused(409, "DELETE", "/api/dialer/queue/" + id);
  f.node->telephony().hold(false);
  REQUIRE(dialer::testing::eventually([&] {
    return f.send("GET", "/api/dialer/queue?status=in-progress").body["totalCount"] == 0;
  }));
}

TEST_CASE("http: history and stats follow the calls the dialer made") {
  ServerFixture f;
  REQUIRE(f.send("POST", "/api/dialer/config", json{{"key", "dialer.wrapUpSeconds"}, {"value", 0}})
              .status == 200);
  json clients = json::array();
  for (int i = 0; i < 6; ++i) {
    clients.push_back({{"clientId", "c-" + std::to_string(i)},
                       {"phoneNumber", "+3361234570" + std::to_string(i)}});
  }
  clients[0]["name"] = "=cmd|' /C calc'!A0";
  clients[1]["name"] = "@SUM(1+1), \"quoted\"";
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"clients", clients}}).body["created"] == 6);
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  // Every item is dialled once; retries are an hour away on a clock that does not move.
  // Settled means the rows, the items and the agent: after that the log stays still, which
  // the refusals below rely on.
  REQUIRE(dialer::testing::eventually([&] {
    auto body = f.send("GET", "/api/dialer/history").body;
    return body["totalCount"] == 6 &&
           std::all_of(body["callHistory"].begin(), body["callHistory"].end(),
                       [](const json& row) { return row["status"] != "in-progress"; }) &&
           f.send("GET", "/api/dialer/queue?status=in-progress").body["totalCount"] == 0 &&
           f.send("GET", "/api/dialer/status/alice").body["status"] == "available";
  }));
  auto history = f.send("GET", "/api/dialer/history?limit=4");
  CHECK(history.body["callHistory"].size() == 4);
  CHECK_FALSE(history.body["nextCursor"].is_null());
  for (const auto& row : history.body["callHistory"]) CHECK(row["agent"] == "alice");
  CHECK(f.send("GET", "/api/dialer/history?clientId=c-3").body["totalCount"] == 1);
  CHECK(f.send("GET", "/api/dialer/history?userId=bob").body["totalCount"] == 0);
  CHECK(f.send("GET", "/api/dialer/history?startDate=2030-01-01").body["totalCount"] == 0);
  CHECK(f.send("GET", "/api/dialer/history?startDate=2026-11-30&endDate=2026-11-30")
            .body["totalCount"] == 6);
  f.refused(400, "GET", "/api/dialer/history?startDate=yesterday");
  f.refused(400, "GET", "/api/dialer/history?status=sideways");
  f.refused(400, "GET", "/api/dialer/history?startDate=2026-12-01&endDate=2026-11-01");

  // The export: the writer dialerctl uses, formulas neutralised, numbers as they are.
  auto exported = f.client->Get("/api/dialer/history/export");
  REQUIRE(exported);
  CHECK(exported->status == 200);
  CHECK(exported->get_header_value("Content-Type").starts_with("text/csv"));
  CHECK(exported->body.starts_with("callId,dialerCallId,queueItemId,clientId,clientName,"));
  CHECK(std::count(exported->body.begin(), exported->body.end(), '\n') == 7);
  CHECK(exported->body.find(",'=cmd|' /C calc'!A0,") != std::string::npos);
  CHECK(exported->body.find(",\"'@SUM(1+1), \"\"quoted\"\"\",") != std::string::npos);
  CHECK(exported->body.find(",+33612345700,") != std::string::npos);
  CHECK(exported->body.find("'+336") == std::string::npos);
  auto one = f.client->Get("/api/dialer/history/export?clientId=c-3");
  REQUIRE(one);
  CHECK(std::count(one->body.begin(), one->body.end(), '\n') == 2);
  f.refused(400, "GET", "/api/dialer/history/export?status=sideways");

  auto stats = f.send("GET", "/api/dialer/stats");
  REQUIRE(stats.status == 200);
  CHECK(stats.body["stats"]["dialled"] == 6);
  CHECK(stats.body["agentStats"].size() == 1);
  CHECK(f.send("GET", "/api/dialer/stats?userId=bob").body["stats"]["dialled"] == 0);
  f.refused(400, "GET", "/api/dialer/stats?endDate=never");
  // The session counts the calls someone answered.
  auto stopped = f.send("POST", "/api/dialer/stop/alice");
  CHECK(stopped.body["sessionStats"]["callsCompleted"] == stats.body["stats"]["answered"]);
  CHECK(stats.body["stats"]["answered"] > 0);
}

TEST_CASE("http: the live feed streams the log's events as Server-Sent Events") {
  ServerFixture f;
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  REQUIRE(f.send("POST", "/api/dialer/queue", later_clients({"+33612345609"})).status == 200);
  httplib::Client feed{"127.0.0.1", f.node->port()};
  feed.set_read_timeout(std::chrono::seconds(20));
  std::string received;
  // From the start of the log (after=0), then live: the pause comes after the request.
  std::thread reader{[&] {
    feed.Get("/api/dialer/events?prefix=agent-&after=0", [&](const char* data, std::size_t length) {
      received.append(data, length);
      return received.find("agent.paused") == std::string::npos;
    });
  }};
  REQUIRE(f.send("POST", "/api/dialer/pause/alice", json::object()).status == 200);
  reader.join();
  CHECK(received.find("event: agent.started") != std::string::npos);
  CHECK(received.find("event: agent.paused") != std::string::npos);
  CHECK(received.find("queue.item_added") == std::string::npos);  // filtered out
  CHECK(received.find("\"stream\":\"agent-alice\"") != std::string::npos);
  f.refused(400, "GET", "/api/dialer/events?after=abc");
}

TEST_CASE("http: a second server cannot take a port that is in use") {
  ServerFixture f;
  dialer::testing::TempDir other;
  auto options = ServerFixture::fast_options();
  options.db_path = other.sub("db");
  options.server.port = f.node->port();
  std::ostringstream notices;
  auto second = dialer::http::Node::start(options, notices);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().message.find(std::to_string(f.node->port())) != std::string::npos);
  CHECK(f.send("GET", "/healthz").status == 200);
}

TEST_CASE("http: one JSON access-log line per request, secrets left out") {
  auto options = ServerFixture::fast_options();
  std::FILE* log = std::tmpfile();
  REQUIRE(log);
  options.server.access_log = log;
  {
    ServerFixture f{options};
    f.bearer = "never-logged";
    CHECK(f.send("GET", "/healthz").status == 200);
    CHECK(f.send("GET", "/api/dialer/status/a%22b").status == 400);
    CHECK(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  }
  std::fflush(log);
  std::rewind(log);
  std::vector<json> lines;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, log)) {
    std::string text{buffer};
    CHECK(text.find("never-logged") == std::string::npos);
    lines.push_back(json::parse(text));
  }
  std::fclose(log);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["route"] == "GET /healthz");
  CHECK(lines[0]["status"] == 200);
  CHECK(lines[1]["path"] == "/api/dialer/status/a\"b");
  CHECK(lines[1]["route"] == "GET /api/dialer/status/:userId");
  CHECK(lines[2]["method"] == "POST");
  CHECK(lines[2]["ms"].get<double>() > 0);
}

TEST_CASE("http: the do-not-call list is read, added to and removed from") {
  ServerFixture f;
  auto empty = f.send("GET", "/api/dialer/do-not-call");
  REQUIRE(empty.status == 200);
  CHECK(empty.body["totalCount"] == 0);
  auto added = f.send("POST", "/api/dialer/do-not-call",
                      json{{"phoneNumber", "+33 6 12 34 56 78"}, {"reason", "asked"}});
  REQUIRE(added.status == 200);
  CHECK(added.body["numbers"] == json::array({"+33612345678"}));
  auto invalid = f.refused(400, "POST", "/api/dialer/do-not-call", json{{"phoneNumber", "12"}});
  CHECK(invalid.body["error"]["field"] == "phoneNumber");
  f.refused(400, "POST", "/api/dialer/do-not-call", json::object());
  auto removed = f.send("DELETE", "/api/dialer/do-not-call/%2B33612345678");
  REQUIRE(removed.status == 200);
  CHECK(removed.body["totalCount"] == 0);
  f.refused(400, "DELETE", "/api/dialer/do-not-call/not-a-number");
}

TEST_CASE("http: with a certificate and key the API is served over HTTPS") {
  dialer::testing::TempDir keys;
  auto certificate = keys.sub("cert.pem");
  auto key = keys.sub("key.pem");
  dialer::testing::write_self_signed(certificate, key);

  dialer::testing::TempDir db;
  auto options = ServerFixture::fast_options();
  options.db_path = db.sub("db");
  options.server.tls_certificate = certificate;
  options.server.tls_private_key = key;
  std::ostringstream notices;
  auto node = dialer::http::Node::start(options, notices);
  REQUIRE(node.ok());
  CHECK(notices.str().find("serving https://127.0.0.1:") != std::string::npos);
  httplib::SSLClient client{"127.0.0.1", (*node)->port()};
  client.enable_server_certificate_verification(false);
  auto health = client.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  httplib::Client plain{"127.0.0.1", (*node)->port()};
  CHECK_FALSE(plain.Get("/healthz"));  // plain HTTP gets no answer

  options.server.tls_private_key = keys.sub("missing.pem");
  dialer::testing::TempDir other;
  options.db_path = other.sub("db");
  auto refused = dialer::http::Node::start(options, notices);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.find("TLS") != std::string::npos);
}

TEST_CASE("http: backups are taken by the running server into its folder and listed") {
  {
    ServerFixture f;
    auto refused = f.send("POST", "/api/dialer/admin/backup");
    CHECK(refused.status == 409);
    CHECK(refused.body["message"].get<std::string>().find("DIALER_BACKUP_DIR") !=
          std::string::npos);
    CHECK(f.send("GET", "/api/dialer/admin/backups").status == 409);
  }
  dialer::testing::TempDir folder;
  auto options = ServerFixture::fast_options();
  options.backup_dir = folder.sub("backups");
  options.backup_keep = 2;
  ServerFixture f{options};
  CHECK(f.send("GET", "/api/dialer/admin/backups").body["totalCount"] == 0);
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", {"+33612345601"}}})
              .body["created"] == 1);
  auto last = f.node->store().last_seq();
  auto first = f.send("POST", "/api/dialer/admin/backup");
  REQUIRE(first.status == 200);
  CHECK(first.body["backup"]["lastSeq"].get<std::uint64_t>() >= last);
  CHECK(first.body["backup"]["files"].get<int>() > 0);
  for (int i = 0; i < 2; ++i) REQUIRE(f.send("POST", "/api/dialer/admin/backup").status == 200);
  auto listed = f.send("GET", "/api/dialer/admin/backups");
  REQUIRE(listed.status == 200);
  CHECK(listed.body["totalCount"] == 2);  // the oldest dropped
  CHECK(listed.body["backups"][0]["id"].get<int>() > first.body["backup"]["id"].get<int>());
}
