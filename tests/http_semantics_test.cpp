// HTTP as it is written and the API's word kept: methods and Allow, preflight and CORS, a
// trailing slash, empty parameters, agents' status words and pause reasons, one agent per
// Aircall user, stats in the team's time zone.

#include <regex>

#include "support/http_fixture.hpp"
#include "support/raw_client.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;
using namespace std::chrono_literals;

json start_body(std::int64_t aircall_user) {
  return {{"aircallUserId", aircall_user}, {"numberId", 404821}};
}

// A client scheduled in 2030 (so nothing dials it meanwhile): its item's id.
std::string add_scheduled_client(ServerFixture& f) {
  auto added =
      f.send("POST", "/api/dialer/queue",
             json{{"clients",
                   {{{"phoneNumber", "+33612345678"}, {"scheduledFor", "2030-01-01T10:00:00Z"}}}}});
  REQUIRE(added.status == 200);
  return added.body["results"][0]["queueItem"]["id"];
}

}  // namespace

TEST_CASE("semantics: a wrong method on a known path is 405 naming the methods it takes") {
  ServerFixture f;
  auto wrong = f.send("DELETE", "/api/dialer/history");
  CHECK(wrong.status == 405);
  CHECK(wrong.body["error"]["code"] == "method_not_allowed");
  REQUIRE(f.client->Delete("/api/dialer/history"));
  CHECK(f.client->Delete("/api/dialer/history")->get_header_value("Allow") == "GET, OPTIONS");
  auto queue = f.client->Delete("/api/dialer/queue");
  REQUIRE(queue);
  CHECK(queue->status == 405);
  CHECK(queue->get_header_value("Allow") == "POST, GET, OPTIONS");
  // An unknown path is still 404.
  CHECK(f.send("GET", "/api/dialer/nowhere").status == 404);
}

TEST_CASE("semantics: OPTIONS answers for every route, before any key is asked for") {
  auto options = ServerFixture::fast_options();
  options.api_keys = {"key-1"};
  ServerFixture f{options};
  auto preflight = f.client->Options("/api/dialer/queue/item-1");
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Allow") == "GET, PUT, DELETE, OPTIONS");
  // No origin is allowed by default: no CORS headers.
  CHECK_FALSE(preflight->has_header("Access-Control-Allow-Origin"));
  auto unknown = f.client->Options("/api/dialer/nowhere");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}

TEST_CASE("semantics: CORS answers the origins configured, and only those") {
  auto options = ServerFixture::fast_options();
  options.cors_origins = {"http://localhost:3000"};
  ServerFixture f{options};
  httplib::Headers from_console{{"Origin", "http://localhost:3000"},
                                {"Access-Control-Request-Method", "POST"}};
  auto preflight = f.client->Options("/api/dialer/queue", from_console);
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
  CHECK(preflight->get_header_value("Access-Control-Allow-Origin") == "http://localhost:3000");
  CHECK(preflight->get_header_value("Access-Control-Allow-Methods") == "POST, GET, OPTIONS");
  CHECK(preflight->get_header_value("Access-Control-Allow-Headers").find("Authorization") !=
        std::string::npos);
  auto read = f.client->Get("/api/dialer/agents", {{"Origin", "http://localhost:3000"}});
  REQUIRE(read);
  CHECK(read->get_header_value("Access-Control-Allow-Origin") == "http://localhost:3000");

  auto stranger = f.client->Get("/api/dialer/agents", {{"Origin", "http://evil.example"}});
  REQUIRE(stranger);
  CHECK_FALSE(stranger->has_header("Access-Control-Allow-Origin"));
}

TEST_CASE("semantics: CORS for any origin is refused while API keys are required") {
  auto options = ServerFixture::fast_options();
  options.cors_origins = {"*"};
  options.api_keys = {"key-1"};
  options.db_path = dialer::testing::TempDir{}.sub("db");
  std::ostringstream notices;
  auto started = dialer::http::Node::start(options, notices);
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().field == "corsOrigins");

  auto open = ServerFixture::fast_options();
  open.cors_origins = {"*"};
  ServerFixture f{open};
  auto read = f.client->Get("/api/dialer/agents", {{"Origin", "http://anywhere.example"}});
  REQUIRE(read);
  CHECK(read->get_header_value("Access-Control-Allow-Origin") == "*");
}

TEST_CASE("semantics: a trailing slash names the same route") {
  ServerFixture f;
  auto plain = f.send("GET", "/api/dialer/queue");
  auto slashed = f.send("GET", "/api/dialer/queue/");
  CHECK(slashed.status == 200);
  CHECK(slashed.body == plain.body);
  CHECK(f.send("GET", "/api/dialer/stats/?timeZone=UTC").status == 200);
}

TEST_CASE("semantics: a POST with neither body nor Content-Length has an empty body") {
  ServerFixture f;
  RawConnection raw{f.node->port()};
  REQUIRE(raw.connected());
  REQUIRE(raw.send("POST /api/dialer/initialize HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  auto answer = raw.receive(5s);
  CHECK(answer.starts_with("HTTP/1.1 200"));
}

TEST_CASE("semantics: empty query parameters are not given, range errors name a sane bound") {
  ServerFixture f;
  CHECK(f.send("GET", "/api/dialer/queue?status=&limit=&skip=").status == 200);
  CHECK(f.send("GET", "/api/dialer/history?status=&limit=&skip=&userId=").status == 200);
  CHECK(f.send("GET", "/api/dialer/agents?status=").status == 200);
  auto too_far = f.send("GET", "/api/dialer/queue?skip=99999999999999999999");
  CHECK(too_far.status == 400);
  CHECK(too_far.body["error"]["field"] == "skip");
  auto message = too_far.body["message"].get<std::string>();
  CHECK(message.find("10000000") != std::string::npos);
  CHECK(message.find("18446744073709551615") == std::string::npos);
}

TEST_CASE("semantics: a pause reason is its own field, status keeps to the documented words") {
  ServerFixture f;
  REQUIRE(f.send("POST", "/api/dialer/start/agent-1", start_body(11)).status == 200);
  auto free = f.send("GET", "/api/dialer/status/agent-1");
  CHECK(free.body["available"] == true);
  CHECK(free.body["pauseReason"].is_null());

  REQUIRE(f.send("POST", "/api/dialer/pause/agent-1", json{{"reason", "team huddle"}}).status ==
          200);
  auto paused = f.send("GET", "/api/dialer/status/agent-1");
  CHECK(paused.body["status"] == "busy");
  CHECK(paused.body["pauseReason"] == "team huddle");
  CHECK(paused.body["available"] == false);
  auto listed = f.send("GET", "/api/dialer/agents?status=busy");
  REQUIRE(listed.body["agents"].size() == 1);
  CHECK(listed.body["agents"][0]["pauseReason"] == "team huddle");

  REQUIRE(f.send("POST", "/api/dialer/pause/agent-1", json{{"reason", "break"}}).status == 200);
  CHECK(f.send("GET", "/api/dialer/status/agent-1").body["status"] == "break");

  auto resumed = f.send("POST", "/api/dialer/resume/agent-1");
  CHECK(resumed.status == 200);
  auto back = f.send("GET", "/api/dialer/status/agent-1");
  CHECK(back.body["available"] == true);
  CHECK(back.body["pauseReason"].is_null());

  REQUIRE(f.send("POST", "/api/dialer/stop/agent-1").status == 200);
  auto stopped = f.send("GET", "/api/dialer/status/agent-1");
  CHECK(stopped.body["status"] == "offline");
  CHECK(stopped.body["available"] == false);
  CHECK(f.send("POST", "/api/dialer/resume/agent-1").status == 409);
  CHECK(f.send("POST", "/api/dialer/resume/nobody").status == 404);
}

TEST_CASE("semantics: one dialer agent per Aircall user at a time") {
  ServerFixture f;
  REQUIRE(f.send("POST", "/api/dialer/start/agent-1", start_body(21)).status == 200);
  auto twin = f.send("POST", "/api/dialer/start/agent-2", start_body(21));
  CHECK(twin.status == 409);
  CHECK(twin.body["error"]["field"] == "aircallUserId");
  CHECK(twin.body["message"].get<std::string>().find("agent-1") != std::string::npos);
  CHECK(f.send("GET", "/api/dialer/status/agent-2").status == 404);
  // Once agent-1 stops, the Aircall user is free.
  REQUIRE(f.send("POST", "/api/dialer/stop/agent-1").status == 200);
  CHECK(f.send("POST", "/api/dialer/start/agent-2", start_body(21)).status == 200);
  // The same agent starting again on its own user is not a conflict.
  CHECK(f.send("POST", "/api/dialer/start/agent-2", start_body(21)).status == 200);
}

TEST_CASE("semantics: stats follow the time zone asked for, or the team's") {
  ServerFixture f;
  auto team = f.send("GET", "/api/dialer/stats");
  REQUIRE(team.status == 200);
  CHECK(team.body["timeZone"] == "UTC");
  auto paris = f.send("GET", "/api/dialer/stats?timeZone=Europe/Paris");
  REQUIRE(paris.status == 200);
  CHECK(paris.body["timeZone"] == "Europe/Paris");
  auto bad = f.send("GET", "/api/dialer/stats?timeZone=Mars/Olympus");
  CHECK(bad.status == 400);
  CHECK(bad.body["error"]["field"] == "timeZone");
}

TEST_CASE("semantics: an item is read at /queue/items/:id, /queue/:id still lists an agent's") {
  ServerFixture f;
  auto id = add_scheduled_client(f);
  auto one = f.send("GET", "/api/dialer/queue/items/" + id);
  REQUIRE(one.status == 200);
  CHECK(one.body["queueItem"]["id"] == id);
  CHECK(one.body["queueItem"]["phoneNumber"] == "+33612345678");
  CHECK(f.send("GET", "/api/dialer/queue/items/q-none").status == 404);
  CHECK(f.send("GET", "/api/dialer/queue/agent-1").body["queueItems"].empty());
}

TEST_CASE("semantics: PUT refuses a field it cannot change and an agent nobody started") {
  ServerFixture f;
  auto id = add_scheduled_client(f);
  auto before = f.changes();
  auto number = f.send("PUT", "/api/dialer/queue/" + id, json{{"phoneNumber", "+33699999999"}});
  CHECK(number.status == 400);
  CHECK(number.body["error"]["field"] == "phoneNumber");
  auto stranger = f.send("PUT", "/api/dialer/queue/" + id, json{{"assignedTo", "ghost"}});
  CHECK(stranger.status == 400);
  CHECK(stranger.body["error"]["field"] == "assignedTo");
  CHECK(f.changes() == before);

  REQUIRE(f.send("POST", "/api/dialer/start/agent-1", start_body(31)).status == 200);
  auto pinned = f.send("PUT", "/api/dialer/queue/" + id, json{{"assignedTo", "agent-1"}});
  CHECK(pinned.status == 200);
  CHECK(pinned.body["queueItem"]["assignedTo"] == "agent-1");
}

TEST_CASE("semantics: do-not-call shows its reasons, and an item set aside for it says so") {
  ServerFixture f;
  auto added = f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", {"+33612345678"}}});
  REQUIRE(added.status == 200);
  std::string id = added.body["results"][0]["queueItem"]["id"];
  auto listed = f.send("POST", "/api/dialer/do-not-call",
                       json{{"phoneNumber", "+33612345678"}, {"reason", "asked by phone"}});
  REQUIRE(listed.status == 200);
  REQUIRE(listed.body["entries"].size() == 1);
  CHECK(listed.body["entries"][0]["phoneNumber"] == "+33612345678");
  CHECK(listed.body["entries"][0]["reason"] == "asked by phone");
  CHECK(listed.body["entries"][0]["addedAt"].is_string());
  CHECK(listed.body["numbers"] == json::array({"+33612345678"}));

  // The pending item is set aside when an agent would have dialled it.
  REQUIRE(f.send("POST", "/api/dialer/start/agent-1", start_body(41)).status == 200);
  json item;
  REQUIRE(dialer::testing::eventually([&] {
    item = f.send("GET", "/api/dialer/queue/items/" + id).body["queueItem"];
    return item["status"] == "skipped";
  }));
  CHECK(item["lastResult"] == "do-not-call");
}

TEST_CASE("semantics: API keys given in the environment show as set, never as themselves") {
  auto options = ServerFixture::fast_options();
  options.api_keys = {"env-key-1"};
  ServerFixture f{options};
  f.bearer = "env-key-1";
  auto config = f.send("GET", "/api/dialer/config?category=security");
  REQUIRE(config.status == 200);
  CHECK(setting_in(config.body, "security.apiKeys") == json("********"));
  CHECK(config.text.find("env-key-1") == std::string::npos);
}

TEST_CASE("semantics: stop ends a session whatever its call is doing, stats and agents agree") {
  auto options = ServerFixture::fast_options();
  options.simulation = {60'000, 60'000, 1.0, 0, 0, 7};  // calls ring for a minute
  ServerFixture f{options};
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", {"+33612345678"}}}).status ==
          200);
  REQUIRE(f.send("POST", "/api/dialer/start/agent-1", start_body(51)).status == 200);
  REQUIRE(dialer::testing::eventually([&] {
    auto status = f.send("GET", "/api/dialer/status/agent-1").body["status"];
    return status == "dialing" || status == "in-call";
  }));
  REQUIRE(f.send("POST", "/api/dialer/stop/agent-1").status == 200);
  auto status = f.send("GET", "/api/dialer/status/agent-1");
  CHECK(status.body["status"] == "offline");
  CHECK(status.body["available"] == false);
  auto agents = f.send("GET", "/api/dialer/agents");
  REQUIRE(agents.body["agents"].size() == 1);
  CHECK(agents.body["agents"][0]["status"] == "offline");
  auto stats = f.send("GET", "/api/dialer/stats");
  CHECK(stats.body["realtime"]["agentsByStatus"] == json{{"offline", 1}});
}

TEST_CASE("semantics: API settings from dialerd's config file are applied at start") {
  auto options = ServerFixture::fast_options();
  options.api_settings["scheduling.timeZone"] = "Europe/Paris";
  ServerFixture f{options};
  auto config = f.send("GET", "/api/dialer/config?category=scheduling");
  CHECK(setting_in(config.body, "scheduling.timeZone") == json("Europe/Paris"));
  CHECK(f.send("GET", "/api/dialer/stats").body["timeZone"] == "Europe/Paris");

  auto wrong = ServerFixture::fast_options();
  wrong.api_settings["scheduling.timeZone"] = "Mars/Olympus";
  wrong.db_path = dialer::testing::TempDir{}.sub("db");
  std::ostringstream notices;
  auto refused = dialer::http::Node::start(wrong, notices);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message.starts_with("config file: "));
}

TEST_CASE("semantics: /metrics counts agents, items, calls and webhooks, latencies as histograms") {
  ServerFixture f;
  REQUIRE(f.send("POST", "/api/dialer/start/agent-1", start_body(61)).status == 200);
  REQUIRE(
      f.send("POST", "/api/dialer/queue",
             json{{"clients",
                   {{{"phoneNumber", "+33612345678"}, {"scheduledFor", "2030-01-01T10:00:00Z"}}}}})
          .status == 200);
  REQUIRE(f.send_raw("POST", "/api/dialer/webhook", dialer::testing::sample("user.closed.json"),
                     "application/json")
              .status == 200);
  std::string text;
  REQUIRE(dialer::testing::eventually([&] {
    text = f.send("GET", "/metrics").text;
    return text.find("dialer_webhooks_total{event=\"user.closed\"} 1") != std::string::npos;
  }));
  CHECK(text.find("# TYPE dialer_agents gauge") != std::string::npos);
  CHECK(text.find("dialer_agents{status=\"available\"} 1") != std::string::npos);
  CHECK(text.find("dialer_queue_items{status=\"pending\"} 1") != std::string::npos);
  CHECK(text.find("# TYPE dialer_calls_total counter") != std::string::npos);
  CHECK(text.find("# TYPE dialer_append_sync_seconds histogram") != std::string::npos);
  CHECK(text.find("dialer_append_sync_seconds_bucket{le=\"+Inf\"}") != std::string::npos);
  CHECK(text.find("dialer_append_sync_seconds_count") != std::string::npos);
  CHECK(text.find("p99") == std::string::npos);  // quantile gauges cannot be aggregated

  // The Grafana dashboard in the repository asks only for metrics that exist (Aircall's are
  // checked in mock mode's test, as this node has no Aircall line).
  auto dashboard =
      dialer::testing::read_text(std::string{DIALER_SOURCE_DIR} + "/tools/grafana-dashboard.json");
  std::regex name{"dialer_[a-z_]+"};
  std::size_t checked = 0;
  for (auto it = std::sregex_iterator(dashboard.begin(), dashboard.end(), name);
       it != std::sregex_iterator(); ++it) {
    auto metric = it->str();
    if (metric.starts_with("dialer_aircall_")) continue;
    if (metric.ends_with("_bucket")) metric.resize(metric.size() - 7);
    INFO(metric);
    CHECK(text.find("# TYPE " + metric + " ") != std::string::npos);
    ++checked;
  }
  CHECK(checked >= 10);
}

TEST_CASE("semantics: an id with an accent is refused in words that say why") {
  ServerFixture f;
  auto before = f.changes();
  auto accented = f.send("POST", "/api/dialer/start/z%C3%A9lie", start_body(51));
  CHECK(accented.status == 400);
  CHECK(accented.body["error"]["field"] == "userId");
  CHECK(accented.body["message"].get<std::string>().find("ASCII letters (A to Z, no accents)") !=
        std::string::npos);
  CHECK(f.changes() == before);
}
