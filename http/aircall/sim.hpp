#pragma once

// A stand-in for Aircall on loopback: the subset of its public API a power dialer uses
// (Basic auth, the company rate limit with its headers and 429, start-call answering 204
// without an id, the call list, users and numbers, users' availability) and, for every call
// started, the
// webhooks Aircall would send, in its envelope and payload shapes. Outcomes, ring and talk
// times are drawn from a seeded generator; faults (duplicate, reordered, delayed
// deliveries, 5xx on the API, redelivery of what was not acknowledged) are injected on
// request. Used by tools/aircall-sim, by dialerd's mock mode and by tests.

#include <cstdint>
#include <memory>
#include <string>

#include "events/result.hpp"

namespace dialer::http {

struct SimOptions {
  std::string bind = "127.0.0.1";
  int port = 0;  // 0: any free port
  std::string api_id = "sim-id";
  std::string api_token = "sim-token";
  int requests_per_minute = 60;      // Aircall's company budget (the current reference: 120)
  std::int64_t window_seconds = 60;  // the budget's window: a minute, shorter in tests
  // Where webhooks go, with which token; deliveries wait until a URL is set.
  std::string webhook_url{};  // http://127.0.0.1:8080/api/dialer/webhook
  std::string webhook_token = "sim-webhook-token";
  // The company's directory: users 1..users and numbers 1..numbers, every number assigned
  // to every user. Any other id is unknown (404).
  std::int64_t users = 50;
  std::int64_t numbers = 10;
  // Mock mode: any positive user or number id exists, as in the original's mock; the
  // directory lists 1..users (1..numbers) and every other id that was used.
  bool open_directory = false;
  // Calls.
  std::int64_t ring_ms = 3'000;
  std::int64_t talk_ms = 20'000;
  std::int64_t ended_after_ms = 30'000;  // call.ended after call.hungup, as Aircall does
  double answer_rate = 0.6;              // answered by a person
  double voicemail_rate = 0.1;           // answered by a machine
  double busy_rate = 0.1;                // refused at once; the rest ring out
  std::uint64_t seed = 1;
  // Faults.
  double duplicate_rate = 0;      // of deliveries, sent twice
  double reorder_rate = 0;        // of deliveries, held back so that later ones overtake them
  std::int64_t max_delay_ms = 0;  // extra delay, uniformly drawn, for every delivery
  double server_error_rate = 0;   // of API requests, answered 500 without acting
};

struct SimStats {
  std::uint64_t calls_started = 0;
  std::uint64_t calls_refused = 0;      // 405
  std::uint64_t rate_limited = 0;       // 429
  std::uint64_t server_errors = 0;      // injected 500s
  std::uint64_t deliveries = 0;         // webhook POSTs answered 2xx
  std::uint64_t redeliveries = 0;       // POSTs after a failure
  std::uint64_t overlapping_calls = 0;  // a start for a user or number already on a call
  std::uint64_t webhook_subscriptions = 0;
};

class AircallSim {
 public:
  static Result<std::unique_ptr<AircallSim>> start(SimOptions options);
  ~AircallSim();
  AircallSim(const AircallSim&) = delete;
  AircallSim& operator=(const AircallSim&) = delete;

  int port() const;
  std::string base_url() const;  // http://127.0.0.1:PORT
  void set_webhook_target(std::string url, std::string token);
  // Whether a user can take calls; a change is announced with user.opened / user.closed.
  void set_user_available(std::int64_t user_id, bool available);
  SimStats stats() const;
  // Stops serving and sending; undelivered webhooks are dropped.
  void stop();

  struct Impl;

 private:
  explicit AircallSim(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace dialer::http
