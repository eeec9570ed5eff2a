// End to end, as deployed: dialerd and aircall-sim as separate processes over real HTTP on
// loopback, the simulator's faults on (duplicate and reordered webhooks, 5xx on its API).
// 20 agents and 1,000 clients; then the same with dialerd killed (SIGKILL) midway.

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/port_in_output.hpp"
#include "support/temp_dir.hpp"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr int kAgents = 20;
constexpr int kClients = 1000;

// A process whose stdout and stderr come back on descriptor 3; ready once it has printed
// `ready` and the port after `port_marker`.
struct Server {
  Server(const std::string& command, const std::string& port_marker, const std::string& ready)
      : process({"/bin/sh", "-c", "exec " + command + " >&3 2>&3"}) {
    auto deadline = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < deadline && process.read_some(output, 1s)) {
      auto found = dialer::testing::port_after(output, port_marker);
      if (found && output.find(ready) != std::string::npos) {
        port = *found;
        return;
      }
    }
    FAIL("did not start: " << command << "\n" << output);
  }
  dialer::testing::ChildProcess process;
  std::string output;
  int port = 0;
};

std::unique_ptr<Server> start_sim() {
  return std::make_unique<Server>(
      std::string{AIRCALL_SIM_PATH} +
          " --port 0 --ring-ms 0 --talk-ms 0 --ended-after-ms 0 --seed 5 --rate-limit 100000"
          " --duplicate-rate 0.2 --reorder-rate 0.2 --max-delay-ms 20 --server-error-rate 0.05",
      "listening on http://127.0.0.1:", "listening on");
}

std::unique_ptr<Server> start_dialerd(const std::string& db, int sim_port) {
  auto dialerd = std::make_unique<Server>(
      "env ENABLE_MOCK_MODE=false AIRCALL_BASE_URL=http://127.0.0.1:" + std::to_string(sim_port) +
          " AIRCALL_API_KEY=sim-id AIRCALL_API_SECRET=sim-token"
          " AIRCALL_WEBHOOK_TOKEN=sim-webhook-token DIALER_ACCESS_LOG=false " +
          DIALERD_PATH + " --db " + db + " --port 0",
      "serving http://127.0.0.1:", "ready;");
  // Aircall is told where to send webhooks, as an integration subscribes.
  httplib::Client sim{"127.0.0.1", sim_port};
  sim.set_basic_auth("sim-id", "sim-token");
  // The simulator's injected 5xx reach this request too: subscribing again is harmless.
  auto body =
      json{{"url", "http://127.0.0.1:" + std::to_string(dialerd->port) + "/api/dialer/webhook"},
           {"events", json::array()}}
          .dump();
  REQUIRE(dialer::testing::eventually([&] {
    auto subscribed = sim.Post("/v1/webhooks", body, "application/json");
    return subscribed && subscribed->status == 201;
  }));
  return dialerd;
}

json call(int port, const std::string& method, const std::string& path, const json& body = {}) {
  httplib::Client client{"127.0.0.1", port};
  client.set_read_timeout(30s);
  auto result =
      method == "GET" ? client.Get(path) : client.Post(path, body.dump(), "application/json");
  REQUIRE(result);
  INFO(method << " " << path << " -> " << result->status << " " << result->body);
  REQUIRE(result->status < 300);
  return json::parse(result->body);
}

void prepare(int port) {
  call(port, "POST", "/api/dialer/config",
       {{"settings",
         {{"dialer.wrapUpSeconds", 0},
          {"dialer.maxRetries", 0},
          {"dialer.callRateLimit", 20},
          {"aircall.requestsPerMinute", 1000},
          {"scheduling.businessHoursStart", "00:00"},
          {"scheduling.businessHoursEnd", "23:59"},
          {"scheduling.businessDays", json::array({1, 2, 3, 4, 5, 6, 7})},
          {"scheduling.calleeWindowStart", "00:00"},
          {"scheduling.calleeWindowEnd", "23:59"}}}});
  json clients = json::array();
  for (int i = 0; i < kClients; ++i) {
    clients.push_back({{"clientId", "c-" + std::to_string(i)},
                       {"phoneNumber", "+3361" + std::to_string(1'000'000 + i)}});
  }
  REQUIRE(call(port, "POST", "/api/dialer/queue", {{"clients", clients}})["created"] == kClients);
  for (int a = 0; a < kAgents; ++a) {
    call(port, "POST", "/api/dialer/start/agent-" + std::to_string(a),
         {{"aircallUserId", a + 1}, {"numberId", 7}});
  }
}

// Items in a final state. Both counts only grow, so reading them one after the other can
// undercount, never overcount: "all final" is never seen early.
int final_items(int port) {
  return call(port, "GET", "/api/dialer/queue?status=completed&limit=0")["totalCount"].get<int>() +
         call(port, "GET", "/api/dialer/queue?status=failed&limit=0")["totalCount"].get<int>();
}

// Every item terminal, no overlapping calls, one history row per call Aircall started, and,
// once dialerd has stopped, a log and projection that dialerctl verifies.
void check_outcome(Server& dialerd, int sim_port, const std::string& db) {
  auto port = dialerd.port;
  CHECK(call(port, "GET", "/api/dialer/queue?status=completed&limit=0")["totalCount"].get<int>() +
            call(port, "GET", "/api/dialer/queue?status=failed&limit=0")["totalCount"].get<int>() ==
        kClients);
  auto stats = call(sim_port, "GET", "/sim/stats");
  CHECK(stats["overlappingCalls"] == 0);
  CHECK(stats["callsLive"] == 0);
  std::set<std::string> rows;
  std::string cursor;
  int with_id = 0;
  do {
    auto page =
        call(port, "GET",
             "/api/dialer/history?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor));
    for (const auto& row : page["callHistory"]) {
      if (row["callId"].is_null()) continue;
      ++with_id;
      rows.insert(row["callId"].get<std::string>());
    }
    cursor = page["nextCursor"].is_null() ? "" : page["nextCursor"].get<std::string>();
  } while (!cursor.empty());
  CHECK(with_id == stats["callsStarted"].get<int>());
  CHECK(rows.size() == stats["callsStarted"].get<std::size_t>());

  auto status = dialerd.process.kill_and_wait(SIGTERM);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  dialer::testing::ChildProcess verify{
      {"/bin/sh", "-c",
       std::string{"exec "} + DIALERCTL_PATH + " --db " + db + " verify >&3 2>&3"}};
  auto report = verify.read_all(120s);
  INFO(report);
  CHECK(WEXITSTATUS(verify.wait()) == 0);
  CHECK(report.find("stats equal a fold of the history") != std::string::npos);
}

// aircall-sim and dialerd on a fresh database, the agents started and the clients queued.
struct Floor {
  dialer::testing::TempDir dir;
  std::string db = dir.sub("db");
  std::unique_ptr<Server> sim = start_sim();
  std::unique_ptr<Server> dialerd = start_dialerd(db, sim->port);

  Floor() { prepare(dialerd->port); }
  // Every client is done with, and the log, the history and the stats agree.
  void finish() {
    REQUIRE(
        dialer::testing::eventually([&] { return final_items(dialerd->port) == kClients; }, 10min));
    check_outcome(*dialerd, sim->port, db);
  }
};

}  // namespace

TEST_CASE("e2e: 20 agents call 1,000 clients through aircall-sim with faults on") {
  Floor floor;
  floor.finish();
}

TEST_CASE("e2e: dialerd killed midway and started again completes with the same guarantees") {
  Floor floor;
  REQUIRE(dialer::testing::eventually(
      [&] { return final_items(floor.dialerd->port) > kClients / 3; }, 10min));
  auto killed = floor.dialerd->process.kill_and_wait(SIGKILL);
  CHECK(WIFSIGNALED(killed));
  floor.dialerd = start_dialerd(floor.db, floor.sim->port);
  CHECK(floor.dialerd->output.find("recovered") != std::string::npos);
  floor.finish();
}
