// Mock mode end to end in one process: the real Aircall client talks to aircall-sim over
// loopback, and the simulator's webhooks come back through the real intake, faults on.

#include <set>

#include "support/http_fixture.hpp"

namespace {

using dialer::testing::ServerFixture;
using nlohmann::json;

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

}  // namespace

TEST_CASE("mock mode: calls flow through the client, the simulator and the webhooks") {
  ServerFixture f{mock_options()};
  REQUIRE(f.node->simulator());
  CHECK(f.notices.str().find("(mock mode)") != std::string::npos);
  REQUIRE(f.send("POST", "/api/dialer/config",
                 json{{"settings",
                       {{"dialer.wrapUpSeconds", 0},
                        {"dialer.maxRetries", 0},
                        {"dialer.callRateLimit", 20},
                        {"aircall.requestsPerMinute", 1000}}}})
              .status == 200);
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
                   json{{"aircallUserId", 1000 + a}, {"numberId", 7}})
                .status == 200);
  }
  // Final states only grow: two reads one after the other can undercount, never overcount.
  auto final_items = [&] {
    return f.send("GET", "/api/dialer/queue?status=completed").body["totalCount"].get<int>() +
           f.send("GET", "/api/dialer/queue?status=failed").body["totalCount"].get<int>();
  };
  REQUIRE(dialer::testing::eventually([&] { return final_items() == kClients; },
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
  CHECK(f.send("GET", "/api/dialer/queue?status=completed").body["totalCount"].get<int>() +
            f.send("GET", "/api/dialer/queue?status=failed").body["totalCount"].get<int>() ==
        kClients);
  CHECK(f.events_of_type("webhook.received") > 0);
}
