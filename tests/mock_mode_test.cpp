// Mock mode end to end in one process: the real Aircall client talks to aircall-sim over
// loopback, and the simulator's webhooks come back through the real intake, faults on.

#include <set>

#include "support/free_port.hpp"
#include "support/http_fixture.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;
using namespace std::chrono_literals;

dialer::http::NodeOptions mock_options() {
  auto options = ServerFixture::fast_options();
  options.telephony = dialer::http::TelephonyKind::aircall;
  options.mock_mode = true;
  options.webhook_token.clear();  // mock mode makes one up and gives it to the simulator
  options.simulation = {0, 0, 0.6, 0.1, 0.1, 11};
  options.mock_duplicate_rate = 0.2;
  options.mock_reorder_rate = 0.2;
  options.mock_server_error_rate = 0.05;
  return options;
}

// No wrap-up, no retries, and paces well above what the test's calls need.
void dial_without_pauses(ServerFixture& f) {
  REQUIRE(f.send("POST", "/api/dialer/config",
                 json{{"settings",
                       {{"dialer.wrapUpSeconds", 0},
                        {"dialer.maxRetries", 0},
                        {"dialer.callRateLimit", 20},
                        {"aircall.requestsPerMinute", 1000}}}})
              .status == 200);
}

// Final states only grow: two reads one after the other can undercount, never overcount.
int final_items(ServerFixture& f) {
  return f.send("GET", "/api/dialer/queue?status=completed").body["totalCount"].get<int>() +
         f.send("GET", "/api/dialer/queue?status=failed").body["totalCount"].get<int>();
}

}  // namespace

TEST_CASE("mock mode: calls flow through the client, the simulator and the webhooks") {
  ServerFixture f{mock_options()};
  REQUIRE(f.node->simulator());
  CHECK(f.notices.str().find("(mock mode)") != std::string::npos);
  dial_without_pauses(f);
  constexpr int kClients = 40;
  constexpr int kAgents = 4;
  json clients = json::array();
  for (int i = 0; i < kClients; ++i) {
    clients.push_back({{"clientId", "c-" + std::to_string(i)},
                       {"phoneNumber", "+336123457" + std::to_string(10 + i)}});
  }
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"clients", clients}}).body["created"] ==
          kClients);
  for (int a = 0; a < kAgents; ++a) {
    REQUIRE(f.send("POST", "/api/dialer/start/agent-" + std::to_string(a),
                   json{{"aircallUserId", a + 1}, {"numberId", 7}})
                .status == 200);
  }
  REQUIRE(dialer::testing::eventually([&] { return final_items(f) == kClients; },
                                      std::chrono::seconds(60)));
  auto stats = f.node->simulator()->stats();
  CHECK(stats.overlapping_calls == 0);
  CHECK(stats.deliveries > 0);
  // One history row per call Aircall started, each with Aircall's id once it ended.
  auto history = f.send("GET", "/api/dialer/history?limit=1000").body;
  std::set<std::string> aircall_ids;
  int with_aircall_id = 0;
  for (const auto& row : history["callHistory"]) {
    if (!row["callId"].is_null()) {
      ++with_aircall_id;
      aircall_ids.insert(row["callId"].get<std::string>());
    }
  }
  CHECK(with_aircall_id == static_cast<int>(stats.calls_started));
  CHECK(aircall_ids.size() == stats.calls_started);
  CHECK(final_items(f) == kClients);
  CHECK(f.events_of_type("webhook.received") > 0);
}

TEST_CASE("mock mode: Aircall's users and numbers are read through the dialer") {
  ServerFixture f{mock_options()};
  auto users = f.send("GET", "/api/dialer/aircall/users");
  REQUIRE(users.status == 200);
  CHECK(users.body["totalCount"] == 50);
  CHECK(users.body["users"][0]["id"] == "1");
  auto user = f.send("GET", "/api/dialer/aircall/users/3");
  REQUIRE(user.status == 200);
  CHECK(user.body["user"]["available"] == true);
  CHECK(user.body["user"]["numbers"].size() == 10);
  // Mock mode has every user, as the original's did.
  CHECK(f.send("GET", "/api/dialer/aircall/users/51").status == 200);
  auto numbers = f.send("GET", "/api/dialer/aircall/numbers");
  REQUIRE(numbers.status == 200);
  CHECK(numbers.body["numbers"][6]["id"] == "7");
  CHECK(f.send("GET", "/api/dialer/aircall/numbers?mockMode=false").status == 400);
  CHECK(f.send("GET", "/api/dialer/aircall/numbers?mockMode=maybe").status == 400);
  // Each answer of Aircall's API is counted, with the budget it said was left.
  auto metrics = f.send("GET", "/metrics").text;
  CHECK(metrics.find("dialer_aircall_requests_total{answer=\"200\"}") != std::string::npos);
  CHECK(metrics.find("dialer_aircall_budget_remaining ") != std::string::npos);
}

TEST_CASE("mock mode: any user and number id is taken, and the directory lists those used") {
  ServerFixture f{mock_options()};
  auto started = f.send("POST", "/api/dialer/start/agent-1",
                        json{{"aircallUserId", "736640"}, {"numberId", 404821}});
  REQUIRE(started.status == 200);
  CHECK(started.body["userStatus"]["aircallUserId"] == "736640");
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", {"+33612345678"}}}).status ==
          200);
  REQUIRE(eventually(
      [&] {
        auto numbers = f.send("GET", "/api/dialer/aircall/numbers");
        for (const auto& number : numbers.body["numbers"]) {
          if (number["id"] == "404821") return true;
        }
        return false;
      },
      10s));
  auto users = f.send("GET", "/api/dialer/aircall/users");
  CHECK(users.body["totalCount"] == 51);
  CHECK(users.body["users"].back()["id"] == "736640");
}

TEST_CASE("mock mode: a start asks Aircall's live word on the user and the number") {
  ServerFixture f{mock_options()};
  auto* sim = f.node->simulator();
  REQUIRE(sim);
  auto no_aircall = f.refused(400, "POST", "/api/dialer/start/agent-1",
                              json{{"aircallUserId", 1}, {"numberId", 7}, {"useMockMode", false}});
  CHECK(no_aircall.body["error"]["field"] == "useMockMode");

  sim->set_user_available(3, false);
  // Its user.closed webhook is stored first, so that the refusal below is seen to store none.
  REQUIRE(eventually([&] { return f.events_of_type("webhook.received") == 1; }, 10s));
  auto offline = f.refused(400, "POST", "/api/dialer/start/agent-3",
                           json{{"aircallUserId", 3}, {"numberId", 7}});
  CHECK(offline.body["message"] == "Agent is not available in Aircall");
  CHECK(offline.body["status"] == "offline");
  CHECK(offline.body["connected"] == false);

  // Aircall's webhooks said the user closed; the live word, asked at start, says available.
  REQUIRE(f.send("POST", "/api/dialer/start/agent-4", json{{"aircallUserId", 4}, {"numberId", 7}})
              .status == 200);
  dialer::actors::TelephonyEvent closed;
  closed.kind = dialer::actors::TelephonyEvent::Kind::user_status;
  closed.aircall_user_id = 4;
  closed.opened = false;
  closed.source_event = "user.closed";
  f.node->dialer().telephony_event(closed);
  REQUIRE(eventually(
      [&] { return f.send("GET", "/api/dialer/status/agent-4").body["available"] == false; }, 10s));
  REQUIRE(f.send("POST", "/api/dialer/stop/agent-4").status == 200);
  auto restarted =
      f.send("POST", "/api/dialer/start/agent-4", json{{"aircallUserId", 4}, {"numberId", 7}});
  REQUIRE(restarted.status == 200);
  CHECK(restarted.body["userStatus"]["status"] == "available");
}

namespace {

// A node with Aircall credentials, "Aircall" being a simulator of its own, the node's
// webhook URL known before it starts so that it can subscribe itself.
struct AircallAccount {
  std::unique_ptr<dialer::http::AircallSim> aircall;
  dialer::http::NodeOptions options;

  AircallAccount() {
    auto sim = dialer::http::AircallSim::start(
        {.ring_ms = 0, .talk_ms = 0, .ended_after_ms = 0, .seed = 21});
    REQUIRE(sim.ok());
    aircall = std::move(sim).value();
    options = mock_options();
    options.mock_mode = false;
    options.aircall_base_url = aircall->base_url();
    options.aircall_api_id = "sim-id";
    options.aircall_api_token = "sim-token";
    options.server.port = dialer::testing::free_loopback_port();
    options.webhook_url =
        "http://127.0.0.1:" + std::to_string(options.server.port) + "/api/dialer/webhook";
  }
};

}  // namespace

TEST_CASE("with Aircall, a start is refused for a user or a number Aircall does not have") {
  AircallAccount account;
  ServerFixture f{account.options};
  auto unknown_user = f.refused(400, "POST", "/api/dialer/start/agent-1",
                                json{{"aircallUserId", 999}, {"numberId", 7}});
  CHECK(unknown_user.body["error"]["field"] == "aircallUserId");
  CHECK(unknown_user.body["message"] == "Aircall has no user 999");
  auto unknown_number = f.refused(400, "POST", "/api/dialer/start/agent-1",
                                  json{{"aircallUserId", 1}, {"numberId", 99}});
  CHECK(unknown_number.body["error"]["field"] == "numberId");
}

TEST_CASE("with Aircall credentials, dialerd subscribes its webhook once and keeps the token") {
  AircallAccount account;
  ServerFixture f{account.options};
  CHECK(account.aircall->stats().webhook_subscriptions == 1);
  CHECK(f.notices.str().find("subscribed " + account.options.webhook_url) != std::string::npos);
  CHECK(f.node->simulator() == nullptr);  // no agent in mock mode yet: no simulator inside
  auto config = f.send("GET", "/api/dialer/config?category=aircall").body;
  auto token = setting_in(config, "aircall.webhookToken");
  REQUIRE(token);
  CHECK(token->is_string());

  f.restart(account.options);
  CHECK(account.aircall->stats().webhook_subscriptions == 1);
  CHECK(f.notices.str().find("taken to be subscribed") != std::string::npos);
}

TEST_CASE("an agent started with useMockMode calls through the simulator, the others Aircall") {
  AircallAccount account;
  ServerFixture f{account.options};
  dial_without_pauses(f);
  constexpr int kEach = 6;
  int next_client = 0;
  for (const auto* agent : {"agent-real", "agent-mock"}) {
    json pinned = json::array();
    for (int i = 0; i < kEach; ++i, ++next_client) {
      pinned.push_back({{"clientId", "c-" + std::to_string(next_client)},
                        {"phoneNumber", "+336123458" + std::to_string(10 + next_client)}});
    }
    REQUIRE(f.send("POST", "/api/dialer/queue",
                   json{{"clients", pinned}, {"options", {{"assignedTo", agent}}}})
                .body["created"] == kEach);
  }
  REQUIRE(
      f.send("POST", "/api/dialer/start/agent-real", json{{"aircallUserId", 1}, {"numberId", 7}})
          .status == 200);
  auto mock = f.send("POST", "/api/dialer/start/agent-mock",
                     json{{"aircallUserId", 2}, {"numberId", 7}, {"useMockMode", true}});
  REQUIRE(mock.status == 200);
  CHECK(mock.body["userStatus"]["mockMode"] == true);
  REQUIRE(f.node->simulator());
  REQUIRE(eventually([&] { return final_items(f) == 2 * kEach; }, 60s));
  CHECK(account.aircall->stats().calls_started == kEach);
  CHECK(f.node->simulator()->stats().calls_started == kEach);
  auto history = [&](const char* agent) {
    return f.send("GET", std::string{"/api/dialer/history?userId="} + agent).body["totalCount"];
  };
  CHECK(history("agent-real") == kEach);
  CHECK(history("agent-mock") == kEach);
}

TEST_CASE("mock mode: notes go to Aircall as comments, and a tag set there gives a disposition") {
  ServerFixture f{mock_options()};
  REQUIRE(f.send("POST", "/api/dialer/config",
                 json{{"settings", {{"aircall.pushNotes", true}, {"dialer.maxRetries", 0}}}})
              .status == 200);
  REQUIRE(f.send("POST", "/api/dialer/queue",
                 json{{"clients", {{{"clientId", "c-1"}, {"phoneNumber", "+33612345601"}}}}})
              .status == 200);
  REQUIRE(f.send("POST", "/api/dialer/start/agent-1", json{{"aircallUserId", 3}, {"numberId", 7}})
              .status == 200);
  std::string aircall_id;
  REQUIRE(eventually(
      [&] {
        auto rows = f.send("GET", "/api/dialer/history?clientId=c-1").body["callHistory"];
        if (rows.size() != 1 || rows[0]["status"] == "in-progress" || rows[0]["callId"].is_null())
          return false;
        aircall_id = rows[0]["callId"].get<std::string>();
        return true;
      },
      std::chrono::seconds(30)));

  // The agent's notes are posted to the call in Aircall, whose call.commented comes back
  // and is recognised as the same words.
  auto noted = f.send("POST", "/api/dialer/disposition/agent-1",
                      json{{"disposition", "not-interested"}, {"notes", "has a supplier"}});
  REQUIRE(noted.status == 200);
  REQUIRE(eventually([&] { return f.events_of_type("queue.item_call_commented") == 1; },
                     std::chrono::seconds(30)));
  auto row = f.send("GET", "/api/dialer/history?clientId=c-1").body["callHistory"][0];
  CHECK(row["notes"] == "has a supplier");
  CHECK(row["disposition"] == "not-interested");

  // An agent tags the call in Aircall's app: its label names a disposition.
  httplib::Client sim{f.node->simulator()->base_url()};
  auto tagged = sim.Post(("/sim/calls/" + aircall_id + "/tags").c_str(),
                         json{{"tags", {"Interested"}}}.dump(), "application/json");
  REQUIRE(tagged);
  REQUIRE(tagged->status == 200);
  REQUIRE(eventually(
      [&] {
        return f.send("GET", "/api/dialer/history?clientId=c-1")
                   .body["callHistory"][0]["disposition"] == "interested";
      },
      std::chrono::seconds(30)));
  // The notes the agent gave stay with the tag's disposition.
  CHECK(f.send("GET", "/api/dialer/history?clientId=c-1").body["callHistory"][0]["notes"] ==
        "has a supplier");
}
