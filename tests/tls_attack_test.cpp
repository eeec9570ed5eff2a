// The held-connection attacks over HTTPS: silent clients and handshakes that stop halfway,
// slowloris heads inside TLS, and idle keep-alive TLS connections. None holds a worker
// thread (a handshake once held one for up to 5 s), and the API answers through them.

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>

#include "support/file_limit.hpp"
#include "support/http_fixture.hpp"
#include "support/raw_client.hpp"
#include "support/self_signed.hpp"

namespace {

using namespace dialer::testing;
using namespace std::chrono_literals;

constexpr int kHeld = 200;

// An HTTPS server on a throwaway certificate.
struct TlsServer {
  explicit TlsServer(std::chrono::milliseconds keep_alive = 5s,
                     std::chrono::milliseconds request_deadline = 10s) {
    dialer::testing::write_self_signed(keys.sub("cert.pem"), keys.sub("key.pem"));
    auto options = ServerFixture::fast_options();
    options.server.tls_certificate = keys.sub("cert.pem");
    options.server.tls_private_key = keys.sub("key.pem");
    options.server.connections.keep_alive_idle = keep_alive;
    options.server.connections.request_deadline = request_deadline;
    fixture = std::make_unique<ServerFixture>(options);
  }
  dialer::testing::TempDir keys;
  std::unique_ptr<ServerFixture> fixture;
};

// A TLS client on a plain socket: handshake done, bytes sent as they are.
class TlsConnection {
 public:
  explicit TlsConnection(int port) : raw_(port) {
    context_ = SSL_CTX_new(TLS_client_method());
    ssl_ = SSL_new(context_);
    SSL_set_fd(ssl_, raw_.fd());
    connected_ = raw_.connected() && SSL_connect(ssl_) == 1;
  }
  ~TlsConnection() {
    if (ssl_) SSL_free(ssl_);
    if (context_) SSL_CTX_free(context_);
    ERR_clear_error();
  }
  TlsConnection(TlsConnection&& other) noexcept
      : raw_(std::move(other.raw_)),
        context_(std::exchange(other.context_, nullptr)),
        ssl_(std::exchange(other.ssl_, nullptr)),
        connected_(other.connected_) {}

  bool connected() const { return connected_; }
  bool send(const std::string& bytes) {
    return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
           static_cast<int>(bytes.size());
  }
  // What arrives before `timeout` or the end of the stream.
  std::string receive(std::chrono::milliseconds timeout) {
    std::string got;
    auto until = std::chrono::steady_clock::now() + timeout;
    char chunk[4096];
    while (std::chrono::steady_clock::now() < until) {
      if (SSL_pending(ssl_) == 0) {
        pollfd watched{raw_.fd(), POLLIN, 0};
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        until - std::chrono::steady_clock::now())
                        .count();
        if (::poll(&watched, 1, static_cast<int>(std::max<long long>(left, 0))) <= 0) break;
      }
      auto read = SSL_read(ssl_, chunk, sizeof chunk);
      if (read <= 0) break;
      got.append(chunk, static_cast<std::size_t>(read));
      if (RawConnection::complete(got)) break;
    }
    return got;
  }

 private:
  RawConnection raw_;
  SSL_CTX* context_ = nullptr;
  SSL* ssl_ = nullptr;
  bool connected_ = false;
};

// /healthz over HTTPS from a fresh client, and how long it took.
std::pair<int, std::chrono::milliseconds> health(int port) {
  httplib::Client client{"https://127.0.0.1:" + std::to_string(port)};
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(2s);
  client.set_read_timeout(2s);
  auto started = std::chrono::steady_clock::now();
  auto answer = client.Get("/healthz");
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  return {answer ? answer->status : 0, took};
}

// kHeld / 2 TLS connections to `port`, each having sent `request`.
std::vector<TlsConnection> hold(int port, const std::string& request) {
  std::vector<TlsConnection> held;
  for (int i = 0; i < kHeld / 2; ++i) {
    held.emplace_back(port);
    REQUIRE(held.back().connected());
    REQUIRE(held.back().send(request));
  }
  return held;
}

}  // namespace

TEST_CASE("tls attack: silent clients and half-done handshakes hold no thread") {
  allow_many_files();
  TlsServer server{3s};
  auto& f = *server.fixture;
  std::vector<RawConnection> held;
  for (int i = 0; i < kHeld; ++i) {
    held.emplace_back(f.node->port());
    REQUIRE(held.back().connected());
    // Half say nothing; half start a ClientHello's record and stop.
    if (i % 2 == 1) REQUIRE(held.back().send(std::string{"\x16\x03\x01\x02", 4}));
  }
  REQUIRE(
      eventually([&] { return f.node->connections().parked >= static_cast<std::size_t>(kHeld); }));
  CHECK(f.node->connections().busy <= 2);
  auto [status, took] = health(f.node->port());
  CHECK(status == 200);
  CHECK(took < 1000ms);
  // Idle past the keep-alive bound, each is closed, none having had a thread.
  CHECK(held.front().closed_within(10s));
  CHECK(held.back().closed_within(10s));
  CHECK(eventually([&] { return f.node->connections().open <= 2; }, 10s));
}

TEST_CASE(
    "tls attack: slowloris heads inside TLS hold no thread and are cut off at their deadline") {
  allow_many_files();
  TlsServer server{5s, 3s};
  auto& f = *server.fixture;
  auto held = hold(f.node->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n");
  for (int line = 0; line < 2; ++line) {
    for (auto& connection : held) connection.send("X-Slow: " + std::to_string(line) + "\r\n");
    CHECK(f.node->connections().busy <= 2);
    auto [status, took] = health(f.node->port());
    CHECK(status == 200);
    CHECK(took < 1000ms);
  }
  auto answer = held.front().receive(6s);
  CHECK(RawConnection::status_of(answer) == 408);
  CHECK(eventually([&] { return f.node->connections().open <= 2; }, 10s));
}

TEST_CASE("tls attack: idle keep-alive TLS connections wait without a thread each") {
  allow_many_files();
  TlsServer server;
  auto& f = *server.fixture;
  auto held = hold(f.node->port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  for (auto& connection : held) REQUIRE(RawConnection::status_of(connection.receive(2s)) == 200);
  CHECK(eventually(
      [&] { return f.node->connections().parked >= static_cast<std::size_t>(kHeld / 2); }));
  CHECK(f.node->connections().busy <= 2);
  // The fixture's own client speaks HTTPS too, through the same server.
  CHECK(f.send("GET", "/api/dialer/agents").status == 200);
  REQUIRE(held[7].send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  CHECK(RawConnection::status_of(held[7].receive(2s)) == 200);
}
