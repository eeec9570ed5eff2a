// aircall-sim: Aircall's API subset and webhooks on loopback, for mock mode, tests and
// demos. See http/aircall/sim.hpp for what it speaks.

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "http/aircall/sim.hpp"
#include "tools/shutdown_signals.hpp"

namespace {

template <class T>
void from_env(const char* name, T& target) {
  const char* value = std::getenv(name);
  if (!value || !*value) return;
  if constexpr (std::is_same_v<T, double>) {
    target = std::strtod(value, nullptr);
  } else {
    target = static_cast<T>(std::strtoll(value, nullptr, 10));
  }
}

}  // namespace

int main(int argc, char** argv) {
  dialer::http::SimOptions options;
  options.port = 8090;
  from_env("AIRCALL_SIM_RING_MS", options.ring_ms);
  from_env("AIRCALL_SIM_TALK_MS", options.talk_ms);
  from_env("AIRCALL_SIM_ANSWER_RATE", options.answer_rate);
  from_env("AIRCALL_SIM_SEED", options.seed);

  CLI::App app{"aircall-sim: Aircall's API and webhooks on loopback"};
  app.add_option("--bind", options.bind, "address to listen on");
  app.add_option("--port", options.port, "port, 0 for any free one")->check(CLI::Range(0, 65535));
  app.add_option("--api-id", options.api_id, "Basic auth id");
  app.add_option("--api-token", options.api_token, "Basic auth token");
  app.add_option("--rate-limit", options.requests_per_minute, "API requests per minute")
      ->check(CLI::PositiveNumber);
  app.add_option("--webhook-url", options.webhook_url, "where webhooks go");
  app.add_option("--webhook-token", options.webhook_token, "the token each webhook carries");
  app.add_option("--users", options.users, "users in the directory, ids 1..N")
      ->check(CLI::PositiveNumber);
  app.add_option("--numbers", options.numbers, "numbers in the directory, ids 1..N")
      ->check(CLI::PositiveNumber);
  app.add_option("--ring-ms", options.ring_ms, "ring time (env AIRCALL_SIM_RING_MS)");
  app.add_option("--talk-ms", options.talk_ms, "talk time (env AIRCALL_SIM_TALK_MS)");
  app.add_option("--ended-after-ms", options.ended_after_ms, "call.ended after call.hungup");
  app.add_option("--answer-rate", options.answer_rate,
                 "answered by a person (env AIRCALL_SIM_ANSWER_RATE)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--voicemail-rate", options.voicemail_rate, "answered by a machine")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--busy-rate", options.busy_rate, "refused at once")->check(CLI::Range(0.0, 1.0));
  app.add_option("--seed", options.seed, "outcomes and faults (env AIRCALL_SIM_SEED)");
  app.add_option("--duplicate-rate", options.duplicate_rate, "deliveries sent twice")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--reorder-rate", options.reorder_rate, "deliveries overtaken by later ones")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--max-delay-ms", options.max_delay_ms, "extra delay for every delivery");
  app.add_option("--server-error-rate", options.server_error_rate, "API requests answered 500")
      ->check(CLI::Range(0.0, 1.0));
  CLI11_PARSE(app, argc, argv);

  dialer::tools::ShutdownSignals shutdown;

  auto sim = dialer::http::AircallSim::start(options);
  if (!sim) {
    std::cerr << "aircall-sim: " << sim.error().message << "\n";
    return 1;
  }
  std::cout << "aircall-sim: listening on " << (*sim)->base_url() << "/v1" << std::endl;
  shutdown.wait();
  (*sim)->stop();
  auto stats = (*sim)->stats();
  std::cout << "aircall-sim: stopped; " << stats.calls_started << " calls started, "
            << stats.deliveries << " webhooks delivered, " << stats.rate_limited
            << " requests rate-limited" << std::endl;
  return 0;
}
