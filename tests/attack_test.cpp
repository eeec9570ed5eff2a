// Attacks and bad days that once took the server down or off the air: slowloris, a flood of
// live feeds, a flood of idle keep-alive connections, lying Content-Lengths, deep nesting and
// a full disk. Through each, /healthz and a queue add answer within a second, and nothing
// acknowledged is lost.

#include <atomic>
#include <thread>

#include "http/node/node_supervisor.hpp"
#include "support/file_limit.hpp"
#include "support/http_fixture.hpp"
#include "support/quota_fs.hpp"
#include "support/raw_client.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;
using namespace std::chrono_literals;

// More than the 256 threads that every held connection used to take one of.
constexpr int kHeld = 300;

// How long a fresh client takes to get /healthz and to queue one client.
struct Responsiveness {
  int health_status = 0;
  int queue_status = 0;
  std::chrono::milliseconds slowest{0};
};

Responsiveness probe(int port, const std::string& phone) {
  Responsiveness result;
  httplib::Client client{"127.0.0.1", port};
  client.set_connection_timeout(2s);
  client.set_read_timeout(2s);
  auto started = std::chrono::steady_clock::now();
  if (auto health = client.Get("/healthz")) result.health_status = health->status;
  auto health_took = std::chrono::steady_clock::now() - started;
  started = std::chrono::steady_clock::now();
  json body{{"phoneNumbers", {phone}}};
  if (auto added = client.Post("/api/dialer/queue", body.dump(), "application/json"))
    result.queue_status = added->status;
  auto queue_took = std::chrono::steady_clock::now() - started;
  result.slowest =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::max(health_took, queue_took));
  return result;
}

void check_responsive(int port, const std::string& phone) {
  auto result = probe(port, phone);
  CHECK(result.health_status == 200);
  CHECK(result.queue_status == 200);
  CHECK(result.slowest < 1000ms);
}

std::string french(int i) {
  auto digits = std::to_string(10'000'000 + i);
  return "+336" + digits.substr(digits.size() - 8);
}

// A server whose requests must arrive whole within 3 s, so that cut-offs come soon.
dialer::http::NodeOptions short_deadline_options() {
  auto options = ServerFixture::fast_options();
  options.server.connections.request_deadline = 3s;
  return options;
}

// `count` connections, each having sent `opening`; when `answer` is set, each has had it.
std::vector<RawConnection> hold(int port, const std::string& opening, int answer = 0,
                                int count = kHeld) {
  std::vector<RawConnection> held;
  for (int i = 0; i < count; ++i) {
    held.emplace_back(port);
    REQUIRE(held.back().connected());
    REQUIRE(held.back().send(opening));
    if (answer != 0) REQUIRE(RawConnection::status_of(held.back().receive(2s)) == answer);
  }
  return held;
}

}  // namespace

TEST_CASE("attack: slowloris connections hold no thread and are cut off at their deadline") {
  allow_many_files();
  ServerFixture f{short_deadline_options()};
  auto held = hold(f.node->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  for (int line = 0; line < 2; ++line) {
    for (auto& connection : held) connection.send("X-Slow: " + std::to_string(line) + "\r\n");
    check_responsive(f.node->port(), french(line));
  }
  // Past the deadline for a whole head, each is answered 408 and closed.
  auto answer = held.front().receive(5s);
  CHECK(RawConnection::status_of(answer) == 408);
  CHECK(RawConnection::body_of(answer).find("request_timeout") != std::string::npos);
  CHECK(eventually([&] { return f.node->connections().open <= 2; }, 10s));
  CHECK(f.send("GET", "/api/dialer/queue").body["totalCount"] == 2);
}

TEST_CASE("attack: hundreds of idle keep-alive connections wait without a thread each") {
  allow_many_files();
  ServerFixture f;
  auto held = hold(f.node->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200);
  // Each waits for its next request: parked, not on a worker.
  CHECK(
      eventually([&] { return f.node->connections().parked >= static_cast<std::size_t>(kHeld); }));
  check_responsive(f.node->port(), french(1));
  // A parked connection still serves its next request.
  REQUIRE(held[7].send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(RawConnection::status_of(held[7].receive(2s)) == 200);
}

TEST_CASE("attack: a keep-alive connection that trickles its next request gives its worker back") {
  // A worker keeps a connection whose next request follows at once: a head sent in part
  // right after an answer must go to the parker all the same, or each holds a thread.
  allow_many_files();
  ServerFixture f{short_deadline_options()};
  auto held = hold(f.node->port(),
                   "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\n", 200);
  CHECK(
      eventually([&] { return f.node->connections().parked >= static_cast<std::size_t>(kHeld); }));
  CHECK(f.node->connections().busy < 10);
  check_responsive(f.node->port(), french(1));
  auto answer = held.front().receive(5s);
  CHECK(RawConnection::status_of(answer) == 408);
  CHECK(eventually([&] { return f.node->connections().open <= 2; }, 10s));
}

TEST_CASE("attack: hundreds of live feeds leave the API answering") {
  allow_many_files();
  ServerFixture f;
  std::vector<RawConnection> feeds;
  for (int i = 0; i < kHeld; ++i) {
    feeds.emplace_back(f.node->port());
    REQUIRE(feeds.back().send("GET /api/dialer/events?prefix=queue- HTTP/1.1\r\nHost: x\r\n\r\n"));
  }
  REQUIRE(
      eventually([&] { return f.node->connections().busy >= static_cast<std::size_t>(kHeld); }));
  check_responsive(f.node->port(), french(1));
  // The add reaches every feed: the last one opened sees it.
  auto seen = feeds.back().receive(3s);
  for (int i = 0; i < 10 && seen.find("queue.item_added") == std::string::npos; ++i)
    seen += feeds.back().receive(1s);
  CHECK(seen.find("queue.item_added") != std::string::npos);
}

TEST_CASE("attack: past the bound per address, connections are answered 503 at once") {
  allow_many_files();
  auto options = ServerFixture::fast_options();
  options.server.connections.max_per_address = 20;
  ServerFixture f{options};
  f.client.reset();  // the fixture's own client would count too
  auto held = hold(f.node->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 200, 20);
  RawConnection over{f.node->port()};
  auto started = std::chrono::steady_clock::now();
  REQUIRE(over.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto answer = over.receive(2s);
  CHECK(RawConnection::status_of(answer) == 503);
  CHECK(answer.find("Retry-After: 5") != std::string::npos);
  CHECK(std::chrono::steady_clock::now() - started < 500ms);
  CHECK(f.node->connections().refused >= 1);
  held.clear();
  CHECK(eventually([&] { return f.node->connections().open == 0; }));
  RawConnection after{f.node->port()};
  REQUIRE(after.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(RawConnection::status_of(after.receive(2s)) == 200);
}

TEST_CASE("attack: a lying Content-Length is refused at once") {
  ServerFixture f;
  struct Case {
    std::string length;
    int status;
  };
  for (const auto& [length, status] : std::vector<Case>{{"1000000000", 413},
                                                        {"-1", 400},
                                                        {"18446744073709551616", 400},
                                                        {"12abc", 400},
                                                        {"", 400},
                                                        {"5, 6", 400}}) {
    RawConnection connection{f.node->port()};
    auto started = std::chrono::steady_clock::now();
    REQUIRE(
        connection.send("POST /api/dialer/queue HTTP/1.1\r\nHost: x\r\nContent-Type: "
                        "application/json\r\nContent-Length: " +
                        length + "\r\n\r\n{"));
    auto answer = connection.receive(3s);
    INFO("Content-Length: " << length);
    CHECK(RawConnection::status_of(answer) == status);
    CHECK(std::chrono::steady_clock::now() - started < 1s);
    CHECK(
        json::parse(RawConnection::body_of(answer), nullptr, false)["error"]["field"].is_string());
  }
  check_responsive(f.node->port(), french(1));
}

TEST_CASE("attack: nesting past the bound is refused naming the field, at any depth") {
  ServerFixture f;
  auto before = f.changes();
  // 75,000 nested arrays in a client's metadata once crashed the server.
  std::string deep(75'000, '[');
  deep += std::string(75'000, ']');
  auto body = R"({"clients": [{"phoneNumber": "+33612345678", "metadata": {"a": )" + deep + "}}]}";
  auto answer = f.send_raw("POST", "/api/dialer/queue", body, "application/json");
  CHECK(answer.status == 400);
  CHECK(answer.body["error"]["field"] == "clients[0].metadata.a");
  // As did 70,000 nested objects in a config value.
  std::string objects;
  for (int i = 0; i < 70'000; ++i) objects += R"({"x":)";
  objects += "1" + std::string(70'000, '}');
  auto config =
      f.send_raw("POST", "/api/dialer/config",
                 R"({"key": "system.name", "value": )" + objects + "}", "application/json");
  CHECK(config.status == 400);
  CHECK(config.body["error"]["field"] == "value.x.x.x");
  // And a webhook, with no token to get past.
  auto webhook =
      f.send_raw("POST", "/api/dialer/webhook",
                 R"({"event": "call.created", "data": )" + deep + "}", "application/json");
  CHECK(webhook.status == 400);
  CHECK(f.changes() == before);
  // A metadata of ordinary depth still goes in.
  auto fine = f.send("POST", "/api/dialer/queue",
                     json{{"clients",
                           {{{"phoneNumber", "+33612345678"},
                             {"metadata", {{"crm", {{"tier", {{"level", 3}}}}}}}}}}});
  CHECK(fine.status == 200);
  check_responsive(f.node->port(), french(1));
}

TEST_CASE("attack: a full disk refuses writes with 503, serves reads, and resumes by itself") {
  dialer::testing::QuotaDisk disk{4 << 20};
  auto options = ServerFixture::fast_options();
  options.store_env = disk.env.get();
  ServerFixture f{options};
  auto body = dialer::testing::sample("call.ended.json");
  std::vector<std::uint64_t> acknowledged;
  dialer::testing::Answer refused;
  for (int i = 0; i < 200'000; ++i) {
    auto delivery = json::parse(body);
    delivery["timestamp"] = 1'790'000'000 + i;
    auto answer = f.send_raw("POST", "/api/dialer/webhook", delivery.dump(), "application/json");
    if (answer.status != 200) {
      refused = answer;
      break;
    }
    acknowledged.push_back(std::stoull(answer.body["seq"].template get<std::string>()));
  }
  REQUIRE_FALSE(acknowledged.empty());
  CHECK(refused.status == 503);
  CHECK(refused.body["message"].template get<std::string>().starts_with("the disk is full"));
  auto health = probe(f.node->port(), french(1));
  CHECK(health.health_status == 200);
  CHECK(health.queue_status == 503);
  CHECK(health.slowest < 1000ms);
  auto ready = f.send("GET", "/readyz");
  CHECK(ready.status == 503);
  CHECK(ready.body["diskFull"] == true);
  // Its state and since when, to anyone; RocksDB's words and the database's path go to the
  // server's log only.
  CHECK(ready.body["reason"] == "disk-full");
  CHECK(ready.body["since"].is_string());
  CHECK(ready.text.find(f.dir.sub("db")) == std::string::npos);
  CHECK(ready.text.find("IO error") == std::string::npos);
  CHECK(ready.text.find("No space left") == std::string::npos);
  // The deliveries changed nothing the views show: they are current, and read.
  CHECK(f.send("GET", "/api/dialer/history").status == 200);
  CHECK(f.send("GET", "/api/dialer/config").status == 200);

  disk.fs->set_free(512 << 20);
  REQUIRE(eventually([&] { return f.send("GET", "/readyz").status == 200; }, 60s));
  check_responsive(f.node->port(), french(2));
  // The views resumed with the store: what is queued now is listed at once.
  CHECK(f.send("GET", "/api/dialer/queue").body["totalCount"] == 1);
  auto readiness = f.send("GET", "/readyz").body;  // kept: a loop over a temporary's member dangles
  for (const auto& view : readiness["projections"]) CHECK(view["state"] == "following");
  for (auto seq : acknowledged) {
    auto stored = f.node->store().read_log(seq, 1);
    REQUIRE(stored.ok());
    REQUIRE(stored->size() == 1);
    CHECK(stored->front().type == "webhook.received");
  }
}

TEST_CASE("attack: a start on a full disk writes again once there is room and no one restarts it") {
  dialer::testing::TempDir dir;
  dialer::testing::QuotaDisk disk{256 << 10};
  auto options = ServerFixture::fast_options();
  options.db_path = dir.sub("db");
  options.store_env = disk.env.get();
  std::uint64_t acknowledged = 0;
  {
    dialer::storage::OpenOptions store_options;
    store_options.env = disk.env.get();
    auto store = dialer::storage::EventStore::open(options.db_path, store_options);
    REQUIRE(store.ok());
    for (int i = 0; i < 100'000; ++i) {
      auto appended = (*store)->append(
          {"agent-1",
           dialer::storage::ExpectedVersion::any(),
           {dialer::storage::NewEvent::from(dialer::events::AgentPaused{std::string(200, 'x')})},
           {}});
      if (!appended) break;
      acknowledged = appended->last_seq;
    }
    REQUIRE((*store)->write_problem());
  }  // closed while full: the write-ahead log holds what was acknowledged
  disk.fs->set_free(0);

  std::ostringstream notices;
  auto supervisor = dialer::http::NodeSupervisor::start(options, notices);
  REQUIRE(supervisor.ok());
  auto port = (*supervisor)->node().port();
  REQUIRE((*supervisor)->node().store().started_read_only());
  httplib::Client client{"127.0.0.1", port};
  json body{{"phoneNumbers", {french(1)}}};
  auto refused = client.Post("/api/dialer/queue", body.dump(), "application/json");
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK_FALSE((*supervisor)->resume_if_room());  // still full: nothing changes

  disk.fs->set_free(256 << 20);
  REQUIRE((*supervisor)->resume_if_room());
  CHECK(notices.str().find("resume writing") != std::string::npos);
  CHECK((*supervisor)->node().port() == port);
  CHECK_FALSE((*supervisor)->node().store().started_read_only());
  auto written = client.Post("/api/dialer/queue", body.dump(), "application/json");
  REQUIRE(written);
  CHECK(written->status == 200);
  CHECK((*supervisor)->node().store().last_seq() > acknowledged);
  CHECK((*supervisor)->node().store().verify().ok);
  (*supervisor)->stop();
}
