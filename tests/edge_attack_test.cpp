// Whole raw requests through the connection layer and the router, on the server's own
// worker stacks: every route with path segments of 1 byte to 64 KiB (a 900-byte segment once
// overflowed a worker's stack in the route's regular expression), chunked bodies past the
// body limit, compressed bodies, Expect: 100-continue, and the Bearer scheme in any case.

#include <algorithm>
#include <set>

#include "support/http_fixture.hpp"
#include "support/raw_client.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;
using namespace std::chrono_literals;

struct RawAnswer {
  int status = 0;
  json body;
};

RawAnswer ask(int port, const std::string& request, std::chrono::milliseconds wait = 10s) {
  RawConnection connection{port};
  REQUIRE(connection.connected());
  // A refusal may come before the whole request is sent: what arrives is read all the same.
  (void)connection.send(request);
  auto answer = connection.receive(wait);
  return {RawConnection::status_of(answer),
          json::parse(RawConnection::body_of(answer), nullptr, false)};
}

std::string request_of(const std::string& method, const std::string& target,
                       const std::string& extra_headers = {}) {
  bool with_body = method == "POST" || method == "PUT";
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                        "Connection: close\r\n";
  if (with_body) request += "Content-Type: application/json\r\nContent-Length: 2\r\n";
  request += "\r\n";
  if (with_body) request += "{}";
  return request;
}

// The paths an attacker tries on a route: each parameter (or a segment added past the
// template) replaced by `filler`.
std::vector<std::string> paths_of(const std::string& pattern, const std::string& filler) {
  std::vector<std::string> segments;
  std::string_view rest{pattern};
  if (rest.starts_with('/')) rest.remove_prefix(1);
  while (!rest.empty()) {
    auto slash = rest.find('/');
    segments.emplace_back(rest.substr(0, slash));
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  auto join = [](const std::vector<std::string>& parts) {
    std::string path;
    for (const auto& part : parts) path += "/" + part;
    return path.empty() ? std::string{"/"} : path;
  };
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!segments[i].starts_with(':')) continue;
    auto attacked = segments;
    for (auto& segment : attacked) {
      if (segment.starts_with(':')) segment = "x";
    }
    attacked[i] = filler;
    paths.push_back(join(attacked));
  }
  auto plain = segments;
  for (auto& segment : plain) {
    if (segment.starts_with(':')) segment = "x";
  }
  plain.push_back(filler);
  paths.push_back(join(plain));
  return paths;
}

bool alive(int port) {
  return ask(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5s).status ==
         200;
}

}  // namespace

TEST_CASE("edge attack: every route answers path segments of 1 byte to 64 KiB and lives") {
  auto options = ServerFixture::fast_options();
  options.api_keys = {"the-key"};  // unauthenticated, as an attacker is
  ServerFixture f{options};
  auto port = f.node->port();
  auto routes = f.node->routes();
  REQUIRE(routes.size() > 30);
  const auto& rules = options.server.connections;
  std::set<std::pair<std::string, std::string>> tried;
  for (std::size_t size :
       {std::size_t{1}, std::size_t{100}, std::size_t{850}, std::size_t{900},
        rules.max_segment_bytes, rules.max_segment_bytes + 1, std::size_t{4096},
        rules.max_target_bytes + 1, std::size_t{16 << 10}, std::size_t{64 << 10}}) {
    std::string filler(size, 'a');
    for (const auto& [method, pattern] : routes) {
      for (const auto& path : paths_of(pattern, filler)) {
        if (!tried.emplace(method, path).second) continue;
        for (const auto& headers :
             {std::string{}, std::string{"Authorization: Bearer the-key\r\n"}}) {
          INFO(method << " " << pattern << " with a segment of " << size << " bytes "
                      << (headers.empty() ? "without" : "with") << " the key");
          auto answer = ask(port, request_of(method, path, headers));
          REQUIRE(answer.status != 0);  // an answer, not a dropped connection
          CHECK((answer.status < 500 || answer.status == 503));  // 503: no Aircall line here
          CHECK(answer.body.is_object());
          if (size > rules.max_segment_bytes) {
            CHECK((answer.status == 414 || answer.status == 431));
            CHECK(answer.body["error"]["field"] == (answer.status == 414 ? "path" : "headers"));
          } else {
            CHECK(answer.status != 414);
          }
        }
      }
    }
    REQUIRE(alive(port));
  }
  // Every route was tried, templates with parameters on each of them.
  CHECK(tried.size() >= routes.size() * 10);
}

TEST_CASE("edge attack: the answer to a too long segment names the limit") {
  ServerFixture f;
  auto answer =
      ask(f.node->port(), request_of("GET", "/api/dialer/status/" + std::string(2000, 'z')));
  CHECK(answer.status == 414);
  CHECK(answer.body["error"]["field"] == "path");
  CHECK(answer.body["message"].get<std::string>().find("1024 bytes") != std::string::npos);
}

TEST_CASE("edge attack: a chunked body past the limit is refused as soon as it passes it") {
  auto options = ServerFixture::fast_options();
  options.server.connections.max_body_bytes = 256 << 10;
  options.api_keys = {"the-key"};
  ServerFixture f{options};
  auto port = f.node->port();
  auto before = f.changes();
  // A webhook's request line and type, then `rest`: answered `status`, naming `field` (if
  // one is given).
  auto check_refused = [port](const std::string& rest, int status, const std::string& field) {
    auto answer = ask(
        port,
        "POST /api/dialer/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + rest,
        5s);
    CHECK(answer.status == status);
    if (!field.empty()) CHECK(answer.body["error"]["field"] == field);
  };

  SECTION("chunk after chunk, without a key") {
    RawConnection connection{port};
    REQUIRE(connection.connected());
    REQUIRE(connection.send(
        "POST /api/dialer/queue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"));
    std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
    std::size_t sent = 0;
    // Four chunks are the limit; the fifth passes it. The server stops reading there, so a
    // send may fail once it has answered and closed.
    for (int i = 0; i < 5 && connection.send(chunk); ++i) sent += 0x10000;
    auto answer = connection.receive(5s);
    CHECK(RawConnection::status_of(answer) == 413);
    CHECK(json::parse(RawConnection::body_of(answer), nullptr, false)["error"]["field"] == "body");
    CHECK(sent <= (256u << 10) + 0x10000);
  }
  SECTION("one chunk that says it is larger than the limit, before its data") {
    check_refused(
        "Transfer-Encoding: chunked\r\n\r\n"
        "FFFFFFFFFFFFFFFFFFFFFFFF\r\n",
        413, "");
  }
  SECTION("a malformed chunk is a 400 naming Transfer-Encoding") {
    check_refused(
        "Transfer-Encoding: chunked\r\n\r\n"
        "zz\r\n{}\r\n0\r\n\r\n",
        400, "Transfer-Encoding");
  }
  SECTION("a coding other than chunked is not taken") {
    check_refused(
        "Transfer-Encoding: gzip, chunked\r\n"
        "\r\n",
        501, "Transfer-Encoding");
  }
  SECTION("a compressed body is not inflated") {
    check_refused(
        "Content-Encoding: gzip\r\n"
        "Content-Length: 4\r\n\r\nabcd",
        415, "Content-Encoding");
  }
  REQUIRE(alive(port));
  CHECK(f.changes() == before);
}

TEST_CASE("edge attack: a chunked body within the limit is served as a whole one") {
  ServerFixture f;
  std::string body = R"({"phoneNumbers": ["+33612345678"]})";
  std::string request =
      "POST /api/dialer/queue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
  // In pieces of 7 bytes, with an extension and a trailer, both dropped.
  for (std::size_t at = 0; at < body.size(); at += 7) {
    auto piece = body.substr(at, 7);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", piece.size());
    request += std::string{size} + (at == 0 ? ";name=value" : "") + "\r\n" + piece + "\r\n";
  }
  request += "0\r\nX-Trailer: dropped\r\n\r\n";
  auto answer = ask(f.node->port(), request);
  CHECK(answer.status == 200);
  CHECK(answer.body["created"] == 1);
}

TEST_CASE("edge attack: Expect: 100-continue is answered before the body is read") {
  ServerFixture f;
  RawConnection connection{f.node->port()};
  REQUIRE(connection.connected());
  std::string body = R"({"phoneNumbers": ["+33612345679"]})";
  REQUIRE(
      connection.send("POST /api/dialer/queue HTTP/1.1\r\nHost: x\r\n"
                      "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                      "Connection: close\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n"));
  // The interim answer has no length: it is read up to its blank line.
  std::string interim;
  auto until = std::chrono::steady_clock::now() + 5s;
  while (interim.find("\r\n\r\n") == std::string::npos && std::chrono::steady_clock::now() < until)
    interim += connection.receive(100ms);
  CHECK(interim.starts_with("HTTP/1.1 100 Continue\r\n\r\n"));
  REQUIRE(connection.send(body));
  auto answer = interim.substr(interim.find("\r\n\r\n") + 4) + connection.receive(5s);
  CHECK(RawConnection::status_of(answer) == 200);
}

TEST_CASE("edge attack: the Bearer scheme is taken in any case") {
  auto options = ServerFixture::fast_options();
  options.api_keys = {"the-key"};
  ServerFixture f{options};
  for (const auto* scheme : {"Bearer", "bearer", "BEARER", "bEaReR"}) {
    INFO(scheme);
    auto answer =
        ask(f.node->port(), request_of("GET", "/api/dialer/agents",
                                       "Authorization: " + std::string{scheme} + " the-key\r\n"));
    CHECK(answer.status == 200);
  }
  auto wrong = ask(f.node->port(),
                   request_of("GET", "/api/dialer/agents", "Authorization: Basic the-key\r\n"));
  CHECK(wrong.status == 401);
  auto glued = ask(f.node->port(),
                   request_of("GET", "/api/dialer/agents", "Authorization: Bearerthe-key\r\n"));
  CHECK(glued.status == 401);
}
