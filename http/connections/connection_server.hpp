#pragma once

// httplib's server with connections held our way: every accepted connection passes the
// gate (bounds in all and per client address: past them, 503 at once); between requests it
// waits in the parker, which reads each request's head without a thread; a worker from a
// pool of small-stack threads then screens the head (its size, its method, its
// Content-Length) and lets httplib route and answer it, reading the body before the same
// deadline as the head. A worker keeps a connection whose next request follows at once,
// and parks it when it goes quiet or sends a head only in part. HTTPS is done here too, with
// OpenSSL, so its connections follow the same rules: the handshake is read in the parker like a
// head, and a client silent through it is closed at the keep-alive bound, without a thread.

#include <httplib.h>
#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "events/result.hpp"
#include "http/connections/connection.hpp"
#include "http/connections/gate.hpp"
#include "http/connections/parker.hpp"
#include "http/connections/worker_pool.hpp"
#include "http/mapping/refusal.hpp"

namespace dialer::http {

struct ConnectionRules {
  std::size_t max_connections = 4096;                  // open at once, in all
  std::size_t max_per_address = 1024;                  // open at once from one client address
  std::chrono::milliseconds request_deadline{10'000};  // a whole request: head and body
  std::chrono::milliseconds keep_alive_idle{5'000};
  // How long a worker that has answered waits for the connection's next request before it
  // parks it: a busy keep-alive connection keeps its thread, as with a thread per
  // connection, and only one that goes quiet pays the hand-off to the parker and back.
  std::chrono::milliseconds hold_while_busy{100};
  std::chrono::milliseconds write_timeout{10'000};
  std::size_t max_head_bytes = 64 << 10;
  std::size_t max_target_bytes = 8 << 10;
  std::size_t max_segment_bytes = 1 << 10;  // one segment of the path, between slashes
  std::size_t max_body_bytes = 4 << 20;
  std::size_t max_requests_per_connection = 100'000;
  std::size_t worker_stack_bytes = 512 << 10;
};

struct ConnectionCounts {
  std::size_t open = 0;
  std::size_t refused = 0;  // past a bound, since start
  std::size_t parked = 0;   // waiting for their next request, with no thread
  std::size_t threads = 0;
  std::size_t busy = 0;
  std::size_t screened_out = 0;  // heads refused before routing, since start
};

class ConnectionServer final : public httplib::Server {
 public:
  // With a certificate and key, every connection speaks TLS.
  static Result<std::unique_ptr<ConnectionServer>> create(ConnectionRules rules,
                                                          const std::string& tls_certificate,
                                                          const std::string& tls_private_key);
  ~ConnectionServer() override;

  // httplib's listen backlog is 5, which drops connections when hundreds arrive at once.
  void raise_backlog(int backlog);
  // After httplib's stop(): closes the waiting connections and waits for the workers,
  // each of which finishes its request and closes.
  void stop_connections();
  ConnectionCounts counts() const;

 private:
  explicit ConnectionServer(ConnectionRules rules);
  bool process_and_close_socket(socket_t sock) override;
  void serve(std::shared_ptr<Connection> connection);
  enum class Next { ready, quiet, closed };
  // After an answer: waits up to `hold_while_busy` for the next request's head, whole.
  Next await_next(Connection& connection);
  // The head's own faults, answered at once, then the body, read whole into
  // `connection.body`: false when the connection is done.
  bool screen(Connection& connection);
  // The body after a head that ends at `head_end`: `length` bytes, or chunks decoded, within
  // the body limit and the request's deadline. Nothing when it cannot be read: with the
  // refusal to answer, or none when the peer went away.
  std::optional<std::string> read_body(Connection& connection, std::size_t head_end, bool chunked,
                                       std::uint64_t length, bool expects_continue,
                                       std::optional<Refusal>& refusal);
  Refusal too_large_body() const;
  // Answers with `error` and closes; the peer's bytes are drained for `linger` after.
  void answer_and_close(Connection& connection, const Refusal& refusal,
                        std::chrono::milliseconds linger);

  ConnectionRules rules_;
  std::shared_ptr<ConnectionGate> gate_;
  SSL_CTX* tls_ = nullptr;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<Parker> parker_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> screened_out_{0};
};

}  // namespace dialer::http
