// Defects a hardening pass found, each kept here as the request that showed it: calls that
// mock mode forgot at a restart, and answers that broke the contract on types and heads.

#include "support/http_fixture.hpp"
#include "support/raw_client.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;
using namespace std::chrono_literals;

std::string raw(ServerFixture& f, const std::string& request) {
  RawConnection connection{f.node->port()};
  REQUIRE(connection.send(request));
  return connection.receive(3s);
}

}  // namespace

TEST_CASE("hardening: calls ringing in mock mode at a restart are settled at once") {
  auto options = ServerFixture::fast_options();
  options.telephony = dialer::http::TelephonyKind::aircall;
  options.mock_mode = true;
  options.webhook_token.clear();
  options.simulation = {120'000, 0, 1.0, 0, 0, 5};  // every call rings for two minutes
  ServerFixture f{options};
  REQUIRE(f.send("POST", "/api/dialer/config",
                 json{{"settings", {{"dialer.wrapUpSeconds", 0}, {"dialer.maxRetries", 0}}}})
              .status == 200);
  REQUIRE(
      f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", {"+33612345601", "+33612345602"}}})
          .body["created"] == 2);
  for (int a = 1; a <= 2; ++a) {
    REQUIRE(f.send("POST", "/api/dialer/start/agent-" + std::to_string(a),
                   json{{"aircallUserId", a}, {"numberId", 1}})
                .status == 200);
  }
  // Both ringing: Aircall (the simulator inside) has said call.created for each.
  REQUIRE(eventually([&] { return f.events_of_type("call.created") == 2; }));
  f.restart(options);
  // The simulator started afresh has no trace of them: they end now, not in ten minutes.
  REQUIRE(eventually(
      [&] { return f.send("GET", "/api/dialer/queue?status=failed").body["totalCount"] == 2; },
      15s));
  for (int a = 1; a <= 2; ++a) {
    auto status = f.send("GET", "/api/dialer/status/agent-" + std::to_string(a));
    CHECK(status.body["status"] == "available");
    CHECK(status.body["activeCall"].is_null());
  }
  auto history = f.send("GET", "/api/dialer/history").body["callHistory"];
  REQUIRE(history.size() == 2);
  for (const auto& row : history) CHECK(row["status"] != "in-progress");
}

TEST_CASE("hardening: text fields take numbers as written, never wrapped") {
  ServerFixture f;
  auto added =
      f.send_raw("POST", "/api/dialer/queue",
                 R"({"clients": [{"phoneNumber": "+33612345601", "clientId": 9223372036854775808,
                              "notes": 1.5}, {"phoneNumber": "+33612345602", "clientId": 42}]})",
                 "application/json");
  REQUIRE(added.status == 200);
  CHECK(added.body["results"][0]["queueItem"]["clientId"] == "9223372036854775808");
  CHECK(added.body["results"][0]["queueItem"]["notes"] == "1.5");
  CHECK(added.body["results"][1]["queueItem"]["clientId"] == "42");
  auto wrong = f.refused(400, "POST", "/api/dialer/queue",
                         json{{"clients", {{{"phoneNumber", "+33612345603"}, {"notes", {1, 2}}}}}});
}

TEST_CASE("hardening: a body needs its JSON type, filters name their words, ids start plainly") {
  ServerFixture f;
  auto before = f.changes();
  auto untyped = raw(f,
                     "POST /api/dialer/queue HTTP/1.1\r\nHost: x\r\nContent-Length: 33\r\n\r\n"
                     R"({"phoneNumbers":["+33612345601"]})");
  CHECK(RawConnection::status_of(untyped) == 415);
  auto text =
      f.send_raw("POST", "/api/dialer/queue", R"({"phoneNumbers":["+33612345601"]})", "text/plain");
  CHECK(text.status == 415);
  CHECK(f.changes() == before);
  auto bogus = f.send("GET", "/api/dialer/agents?status=bogus");
  CHECK(bogus.status == 400);
  CHECK(bogus.body["error"]["field"] == "status");
  CHECK(f.send("GET", "/api/dialer/agents?status=available").status == 200);
  for (auto id : {"..", ".", ".hidden"}) {
    auto answer = f.send("POST", std::string{"/api/dialer/start/"} + id,
                         json{{"aircallUserId", 1}, {"numberId", 1}});
    CHECK(answer.status != 200);
  }
  CHECK(f.changes() == before);
}

TEST_CASE("hardening: heads that broke the error contract are answered in it") {
  ServerFixture f;
  auto check_contract = [](const std::string& answer, int status) {
    CHECK(RawConnection::status_of(answer) == status);
    auto body = json::parse(RawConnection::body_of(answer), nullptr, false);
    CHECK(body["success"] == false);
    CHECK(body["error"]["code"].is_string());
    CHECK(body["message"].is_string());
  };
  check_contract(raw(f, "BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), 501);
  check_contract(raw(f, "GET /" + std::string(9'000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"), 414);
  check_contract(
      raw(f, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70'000, 'b') + "\r\n\r\n"),
      431);
  // A key with a NUL and more after it is not the key.
  std::string nul_key = "GET /api/dialer/queue HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k";
  nul_key.push_back('\0');
  nul_key += "junk\r\n\r\n";
  check_contract(raw(f, nul_key), 400);
  // No answer here comes in parts: a Range is ignored, whole or malformed.
  auto ranged = raw(f, "GET /healthz HTTP/1.1\r\nHost: x\r\nRange: bytes=0-3\r\n\r\n");
  CHECK(RawConnection::status_of(ranged) == 200);
  auto bad_range = raw(f, "GET /healthz HTTP/1.1\r\nHost: x\r\nRange: nonsense\r\n\r\n");
  CHECK(RawConnection::status_of(bad_range) == 200);
}

TEST_CASE("hardening: a live feed's resume point is a sequence number that fits") {
  ServerFixture f;
  for (auto bad : {"-1", "99999999999999999999999", "12x", "+5"}) {
    auto answer =
        raw(f, std::string{"GET /api/dialer/events HTTP/1.1\r\nHost: x\r\nLast-Event-ID: "} + bad +
                   "\r\n\r\n");
    CHECK(RawConnection::status_of(answer) == 400);
  }
  auto long_prefix = f.send("GET", "/api/dialer/events?prefix=" + std::string(200, 'p'));
  CHECK(long_prefix.status == 400);
}

TEST_CASE("hardening: a feed resumed from before its window reads that stretch from the log") {
  ServerFixture f;
  json clients = json::array();
  for (int i = 0; i < 40; ++i) clients.push_back("+336123457" + std::to_string(10 + i));
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", clients}}).body["created"] ==
          40);
  // The hub's window holds only what came after the server started: after a restart, a
  // resume from zero reads everything from the log, then follows live.
  f.restart();
  RawConnection feed{f.node->port()};
  REQUIRE(feed.send("GET /api/dialer/events?prefix=queue-&after=0 HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::string seen;
  REQUIRE(eventually([&] {
    seen += feed.receive(200ms);
    std::size_t count = 0;
    for (auto at = seen.find("event: queue.item_added"); at != std::string::npos;
         at = seen.find("event: queue.item_added", at + 1)) {
      ++count;
    }
    return count == 40;
  }));
  CHECK(seen.find("number.claimed") == std::string::npos);
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", {"+33612345799"}}}).status ==
          200);
  REQUIRE(eventually([&] {
    seen += feed.receive(200ms);
    return seen.find("+33612345799") != std::string::npos;
  }));
}
