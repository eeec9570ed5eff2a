#include "http/connections/connection_server.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <string_view>

#include "http/connections/chunked_body.hpp"
#include "http/mapping/exchange.hpp"

namespace dialer::http {
namespace {

using std::chrono::steady_clock;
using namespace std::chrono_literals;

// How long a refused connection's bytes are read and dropped after its answer: long enough
// for a body in flight to arrive, short enough that refusals cost little.
constexpr std::chrono::milliseconds kScreenLinger = 2s;
constexpr std::chrono::milliseconds kRefusalLinger = 50ms;
constexpr std::chrono::milliseconds kNoLinger = 0ms;
// httplib reads no header line longer than this.
constexpr std::size_t kMaxHeaderLine = CPPHTTPLIB_HEADER_MAX_LENGTH;

// httplib owns the task queue it accepts into and deletes it when it stops listening; the
// pool outlives it, so the queue only forwards.
class ForwardingQueue final : public httplib::TaskQueue {
 public:
  explicit ForwardingQueue(WorkerPool& pool) : pool_(pool) {}
  void enqueue(std::function<void()> task) override {
    if (!pool_.submit(task)) task();  // shutting down: the accept is closed at once
  }
  void shutdown() override {}

 private:
  WorkerPool& pool_;
};

const char* reason_of(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 408:
      return "Request Timeout";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

std::string raw_answer(const Refusal& refusal) {
  auto status = refusal.status;
  auto body = error_json(refusal).dump();
  std::string answer =
      "HTTP/1.1 " + std::to_string(status) + " " + reason_of(status) +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\nConnection: close\r\n";
  if (refusal.retry_soon) answer += std::string{"Retry-After: "} + kRetryAfterSeconds + "\r\n";
  return answer + "\r\n" + body;
}

bool equal_folded(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

constexpr std::array<std::string_view, 7> kMethods{"GET",    "HEAD",    "POST", "PUT",
                                                   "DELETE", "OPTIONS", "PATCH"};

// The length of the path's longest segment, between two slashes.
std::size_t longest_segment(std::string_view path) {
  std::size_t longest = 0;
  while (!path.empty()) {
    auto slash = path.find('/');
    longest = std::max(longest, std::min(slash, path.size()));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return longest;
}

}  // namespace

Result<std::unique_ptr<ConnectionServer>> ConnectionServer::create(
    ConnectionRules rules, const std::string& tls_certificate, const std::string& tls_private_key) {
  std::unique_ptr<ConnectionServer> server{new ConnectionServer{rules}};
  if (!tls_certificate.empty() || !tls_private_key.empty()) {
    auto* context = SSL_CTX_new(TLS_server_method());
    SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
    bool loaded =
        context && SSL_CTX_use_certificate_chain_file(context, tls_certificate.c_str()) == 1 &&
        SSL_CTX_use_PrivateKey_file(context, tls_private_key.c_str(), SSL_FILETYPE_PEM) == 1 &&
        SSL_CTX_check_private_key(context) == 1;
    if (!loaded) {
      if (context) SSL_CTX_free(context);
      ERR_clear_error();
      return Error{
          ErrorCode::invalid_argument,
          "cannot load the TLS certificate " + tls_certificate + " and key " + tls_private_key};
    }
    server->tls_ = context;
  }
  return server;
}

ConnectionServer::ConnectionServer(ConnectionRules rules)
    : rules_(rules),
      gate_(std::make_shared<ConnectionGate>(rules.max_connections, rules.max_per_address)) {
  // Every connection admitted may hold a worker (a live feed does); a few more take the
  // accepts of those past the bounds, which are answered at once.
  pool_ = std::make_unique<WorkerPool>(rules.max_connections + 64, rules.worker_stack_bytes);
  ParkingRules parking{rules.keep_alive_idle, rules.request_deadline, rules.max_head_bytes};
  parker_ = std::make_unique<Parker>(
      parking,
      [this](std::shared_ptr<Connection> connection) {
        if (!pool_->submit([this, connection] { serve(connection); })) return;
      },
      [this](Connection& connection, int status) {
        auto error = status == 408
                         ? Refusal::of(EdgeRefusal::request_timeout,
                                       "the request did not arrive whole in time", "")
                         : Refusal::of(EdgeRefusal::headers_too_large,
                                       "the request's head is over " +
                                           std::to_string(rules_.max_head_bytes) + " bytes",
                                       "headers");
        ++screened_out_;
        answer_and_close(connection, error, kNoLinger);
      });
  new_task_queue = [this] { return new ForwardingQueue(*pool_); };
}

ConnectionServer::~ConnectionServer() {
  stop_connections();
  if (tls_) SSL_CTX_free(tls_);
}

void ConnectionServer::raise_backlog(int backlog) {
  ::listen(svr_sock_, backlog);
}

void ConnectionServer::stop_connections() {
  stopping_ = true;
  parker_->stop();
  pool_->shutdown();
}

ConnectionCounts ConnectionServer::counts() const {
  return {gate_->open(),    gate_->refused(), parker_->parked(),
          pool_->threads(), pool_->busy(),    screened_out_.load()};
}

bool ConnectionServer::process_and_close_socket(socket_t sock) {
  int flags = fcntl(sock, F_GETFL, 0);
  fcntl(sock, F_SETFL, flags | O_NONBLOCK);
  int yes = 1;
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  auto ticket = gate_->admit(peer_address(sock));
  if (!ticket || stopping_) {
    // Answered at once, not queued: the caller knows to come back.
    Connection refused{sock, nullptr, {}};
    if (!tls_) {
      answer_and_close(
          refused,
          Refusal::of(Error{ErrorCode::unavailable, "too many connections; retry shortly"}),
          kRefusalLinger);
    }
    return true;
  }
  SSL* session = nullptr;
  if (tls_) {
    // The handshake happens in the parker, as the client's bytes come, like a request's
    // head: a slow or silent TLS client holds no thread, and is closed once idle too long.
    session = SSL_new(tls_);
    SSL_set_fd(session, sock);
    SSL_set_accept_state(session);
  }
  auto connection = std::make_shared<Connection>(sock, session, std::move(ticket));
  parker_->park(std::move(connection));
  return true;
}

void ConnectionServer::answer_and_close(Connection& connection, const Refusal& refusal,
                                        std::chrono::milliseconds linger) {
  auto answer = raw_answer(refusal);
  connection.drain(steady_clock::now());  // what already came, so that closing resets nothing
  if (linger.count() > 0) {
    connection.send_all(answer, steady_clock::now() + std::chrono::seconds(1));
  } else {
    (void)connection.send(answer.data(), answer.size());  // best effort: it is closing
  }
  // The client may still be sending (a body refused for its size): its bytes are read and
  // dropped for a moment after the answer, so that it reads the answer rather than a reset.
  ::shutdown(connection.fd(), SHUT_WR);
  connection.drain(steady_clock::now() + linger);
}

bool ConnectionServer::screen(Connection& connection) {
  connection.body.clear();
  auto end = connection.head_end();
  std::string_view head{connection.buffer.data(), end};
  auto refuse = [&](const Refusal& error) {
    ++screened_out_;
    answer_and_close(connection, error, kScreenLinger);
    return false;
  };
  if (end > rules_.max_head_bytes) {
    return refuse(Refusal::of(
        EdgeRefusal::headers_too_large,
        "the request's head is over " + std::to_string(rules_.max_head_bytes) + " bytes",
        "headers"));
  }
  if (head.find('\0') != std::string_view::npos) {
    return refuse(Refusal::of(
        Error{ErrorCode::invalid_argument, "the request's head holds a NUL byte", "headers"}));
  }
  auto line_end = head.find("\r\n");
  auto request_line = head.substr(0, line_end);
  auto method = request_line.substr(0, request_line.find(' '));
  if (std::find(kMethods.begin(), kMethods.end(), method) == kMethods.end()) {
    return refuse(Refusal::of(EdgeRefusal::not_implemented,
                              "the method " + std::string{method.substr(0, 16)} +
                                  " is not one this server takes (GET, POST, PUT, DELETE, OPTIONS)",
                              "method"));
  }
  if (request_line.size() > rules_.max_target_bytes) {
    return refuse(Refusal::of(
        EdgeRefusal::uri_too_long,
        "the request target is over " + std::to_string(rules_.max_target_bytes) + " bytes",
        "path"));
  }
  // A trailing slash names the same route: /api/dialer/queue/ is /api/dialer/queue.
  std::string target_line{request_line};
  if (auto target_at = target_line.find(' '); target_at != std::string::npos) {
    auto target_end = target_line.find(' ', target_at + 1);
    if (target_end == std::string::npos) target_end = target_line.size();
    auto path_end = std::min(target_line.find('?', target_at + 1), target_end);
    auto path_start = target_at + 1;
    while (path_end > path_start + 1 && target_line[path_end - 1] == '/')
      target_line.erase(--path_end, 1);
    if (auto longest = longest_segment(
            std::string_view{target_line}.substr(path_start, path_end - path_start));
        longest > rules_.max_segment_bytes) {
      return refuse(Refusal::of(
          EdgeRefusal::uri_too_long,
          "a segment of the path is over " + std::to_string(rules_.max_segment_bytes) + " bytes",
          "path"));
    }
  }
  // Content-Length is checked here, so that a lie (1e9, -1, 2^64) is refused at once, not
  // after a wait for bytes that never come; a Range is dropped, as no answer here has parts.
  std::optional<std::uint64_t> length;
  bool chunked = false;
  bool expects_continue = false;
  std::string kept{target_line};
  kept += "\r\n";
  auto rest = head.substr(line_end + 2);
  while (!rest.empty() && !rest.starts_with("\r\n")) {
    auto eol = rest.find("\r\n");
    auto line = rest.substr(0, eol);
    rest.remove_prefix(eol + 2);
    if (line.size() > kMaxHeaderLine) {
      return refuse(Refusal::of(
          EdgeRefusal::headers_too_large,
          "a header line is over " + std::to_string(kMaxHeaderLine) + " bytes",
          std::string{trimmed(line.substr(0, std::min<std::size_t>(line.find(':'), 64)))}));
    }
    auto colon = line.find(':');
    auto name = trimmed(line.substr(0, colon));
    auto value =
        colon == std::string_view::npos ? std::string_view{} : trimmed(line.substr(colon + 1));
    if (equal_folded(name, "range")) continue;
    if (equal_folded(name, "content-length")) {
      std::uint64_t parsed = 0;
      auto [stop, problem] = std::from_chars(value.data(), value.data() + value.size(), parsed);
      if (value.empty() || problem != std::errc{} || stop != value.data() + value.size() ||
          (length && *length != parsed)) {
        return refuse(Refusal::of(Error{ErrorCode::invalid_argument,
                                        "Content-Length must be one whole number of bytes",
                                        "Content-Length"}));
      }
      length = parsed;
    }
    // The body is read here, whole, before httplib sees the request: a chunked one is
    // decoded and then given its length, and what httplib would say to Expect is said first.
    if (equal_folded(name, "transfer-encoding")) {
      if (!equal_folded(value, "chunked")) {
        return refuse(Refusal::of(EdgeRefusal::not_implemented,
                                  "Transfer-Encoding " + std::string{value.substr(0, 32)} +
                                      " is not taken: send chunked, or a Content-Length",
                                  "Transfer-Encoding"));
      }
      chunked = true;
      continue;
    }
    if (equal_folded(name, "expect")) {
      expects_continue = equal_folded(value, "100-continue");
      continue;
    }
    // A compressed body would be inflated past any limit the wire obeys (a few MiB of
    // gzip are gigabytes of zeros): bodies come as they are.
    if (equal_folded(name, "content-encoding") && !equal_folded(value, "identity")) {
      return refuse(Refusal::of(EdgeRefusal::unsupported_media,
                                "Content-Encoding " + std::string{value.substr(0, 32)} +
                                    " is not taken: send the body uncompressed",
                                "Content-Encoding"));
    }
    kept.append(line);
    kept += "\r\n";
  }
  if (length && chunked) {
    return refuse(Refusal::of(Error{ErrorCode::invalid_argument,
                                    "a request has Content-Length or Transfer-Encoding, not both",
                                    "Transfer-Encoding"}));
  }
  if (length && *length > rules_.max_body_bytes) return refuse(too_large_body());
  // A request with neither has no body (RFC 9112, 6.3): `curl -X POST` sends no length.
  std::optional<Refusal> refusal;
  auto body = read_body(connection, end, chunked, length.value_or(0), expects_continue, refusal);
  if (!body) return refusal ? refuse(*refusal) : false;  // no refusal: the peer went away
  if (chunked || !length) kept += "Content-Length: " + std::to_string(body->size()) + "\r\n";
  kept += "\r\n";
  connection.body = std::move(*body);
  connection.buffer.replace(0, end, kept);
  return true;
}

std::optional<std::string> ConnectionServer::read_body(Connection& connection, std::size_t head_end,
                                                       bool chunked, std::uint64_t length,
                                                       bool expects_continue,
                                                       std::optional<Refusal>& refusal) {
  auto until = connection.request_started + rules_.request_deadline;
  auto time_out = [&] {
    refusal = Refusal::of(EdgeRefusal::request_timeout, "the request did not arrive whole in time");
    return std::nullopt;
  };
  auto arrived = connection.buffer.size() - head_end;
  if (expects_continue && (chunked || arrived < length)) {
    constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    if (!connection.send_all(kContinue, until)) return time_out();
  }
  // More bytes of the request into the buffer, before its deadline.
  enum class More { came, gone, late };
  auto receive_more = [&] {
    char chunk[65536];
    for (;;) {
      auto got = connection.receive(chunk, sizeof chunk);
      if (got > 0) {
        connection.buffer.append(chunk, static_cast<std::size_t>(got));
        return More::came;
      }
      if (got == 0 || got == Connection::kFailed) return More::gone;
      if (!connection.wait_readable(until)) return More::late;
    }
  };
  if (!chunked) {
    while (connection.buffer.size() - head_end < length) {
      if (auto more = receive_more(); more != More::came) {
        return more == More::late ? time_out() : std::nullopt;
      }
    }
    auto body = connection.buffer.substr(head_end, length);
    connection.buffer.erase(head_end, length);
    return body;
  }
  ChunkedBody decoder{rules_.max_body_bytes};
  for (;;) {
    auto state = decoder.feed(std::string_view{connection.buffer}.substr(head_end));
    if (state == ChunkedBody::State::done) break;
    if (state == ChunkedBody::State::too_large) {
      refusal = too_large_body();
      return std::nullopt;
    }
    if (state == ChunkedBody::State::malformed) {
      refusal = Refusal::of(Error{ErrorCode::invalid_argument,
                                  "the chunked body is malformed: " + decoder.problem(),
                                  "Transfer-Encoding"});
      return std::nullopt;
    }
    if (auto more = receive_more(); more != More::came) {
      return more == More::late ? time_out() : std::nullopt;
    }
  }
  connection.buffer.erase(head_end, decoder.consumed());
  return std::move(decoder.body());
}

Refusal ConnectionServer::too_large_body() const {
  return Refusal::of(
      Error{ErrorCode::too_large,
            "the body is over the size limit (" + std::to_string(rules_.max_body_bytes) + " bytes)",
            "body"});
}

void ConnectionServer::serve(std::shared_ptr<Connection> connection) {
  for (;;) {
    if (stopping_ || !screen(*connection)) return;
    ConnectionStream stream{*connection, connection->request_started + rules_.request_deadline,
                            rules_.write_timeout};
    bool last = ++connection->requests_served >= rules_.max_requests_per_connection;
    bool closed = false;
    bool served = process_request(stream, last, closed, [&connection](httplib::Request& req) {
      req.body = std::move(connection->body);
    });
    if (!served || closed || last || stopping_) return;
    auto next = await_next(*connection);
    if (next == Next::closed) return;
    if (next == Next::quiet) break;
  }
  parker_->park(std::move(connection));
}

ConnectionServer::Next ConnectionServer::await_next(Connection& connection) {
  // A pipelined request whose head is here already is served on this thread.
  if (connection.head_end() != std::string::npos) {
    connection.request_started = steady_clock::now();
    return Next::ready;
  }
  // Bytes in part (a head being trickled, a TLS record) go to the parker, which reads heads
  // without holding a thread.
  if (!connection.buffer.empty() || connection.tls_pending()) return Next::quiet;
  if (!connection.wait_readable(steady_clock::now() + rules_.hold_while_busy)) return Next::quiet;
  connection.request_started = steady_clock::now();
  char chunk[8192];
  while (connection.buffer.size() <= rules_.max_head_bytes) {
    auto got = connection.receive(chunk, sizeof chunk);
    if (got == Connection::kWouldBlock) break;
    if (got <= 0) return Next::closed;
    connection.buffer.append(chunk, static_cast<std::size_t>(got));
    if (connection.head_end() != std::string::npos) return Next::ready;
  }
  return Next::quiet;
}

}  // namespace dialer::http
