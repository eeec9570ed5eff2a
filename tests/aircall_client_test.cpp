// The Aircall client against the simulator on loopback: credentials, availability, the
// rate limit, server errors and a server that never answers.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <future>

#include "http/aircall/client.hpp"
#include "http/aircall/sim.hpp"

namespace {

using dialer::actors::StartResult;
using dialer::actors::StartStatus;
using namespace dialer::http;
using namespace std::chrono_literals;

std::unique_ptr<AircallSim> simulator(SimOptions options = {}) {
  auto sim = AircallSim::start(std::move(options));
  REQUIRE(sim.ok());
  return std::move(sim).value();
}

AircallClientOptions client_of(const AircallSim& sim) {
  AircallClientOptions options;
  options.base_url = sim.base_url();
  options.api_id = "sim-id";
  options.api_token = "sim-token";
  options.timeout = 2s;
  return options;
}

StartResult start(AircallClient& client, std::int64_t user, const std::string& to) {
  std::promise<StartResult> answered;
  client.start_call({"c-" + std::to_string(user), user, 7, to},
                    [&](StartResult result) { answered.set_value(std::move(result)); });
  auto future = answered.get_future();
  REQUIRE(future.wait_for(30s) == std::future_status::ready);
  return future.get();
}

// The call Aircall's list (or its id) gives for `query`, once the client has looked.
dialer::Result<std::optional<dialer::actors::FoundCall>> find(AircallClient& client,
                                                              dialer::actors::CallQuery query) {
  std::promise<dialer::Result<std::optional<dialer::actors::FoundCall>>> found;
  client.find_call(query, [&](auto result) { found.set_value(std::move(result)); });
  auto future = found.get_future();
  REQUIRE(future.wait_for(30s) == std::future_status::ready);
  return future.get();
}

}  // namespace

TEST_CASE("aircall client: a call starts, is found in the call list, and credentials count") {
  auto sim = simulator({.ring_ms = 0, .talk_ms = 0, .ended_after_ms = 0, .answer_rate = 1.0});
  AircallClient client{client_of(*sim)};
  CHECK(client.ping().ok());
  auto started = start(client, 11, "+33612345678");
  CHECK(started.status == StartStatus::accepted);
  CHECK(sim->stats().calls_started == 1);

  auto call = find(client, {0, 11, "+33612345678", 0});
  REQUIRE(call.ok());
  REQUIRE(call->has_value());
  CHECK((*call)->aircall_call_id > 0);
  auto none = find(client, {0, 12, "+33612345678", 0});
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());

  // Known by its id, the call is read directly, and an id Aircall does not know is no call.
  auto known = find(client, {(*call)->aircall_call_id, 0, "", 0});
  REQUIRE(known.ok());
  REQUIRE(known->has_value());
  CHECK((*known)->aircall_call_id == (*call)->aircall_call_id);
  auto unknown = find(client, {1, 0, "", 0});
  REQUIRE(unknown.ok());
  CHECK_FALSE(unknown->has_value());

  auto options = client_of(*sim);
  options.api_token = "wrong";
  AircallClient wrong{options};
  CHECK(wrong.ping().error().code == dialer::ErrorCode::unauthenticated);
  auto refused = start(wrong, 13, "+33612345679");
  CHECK(refused.status == StartStatus::refused);
  CHECK(sim->stats().calls_started == 1);
}

TEST_CASE("aircall client: an unavailable user and a bad number are refused, not retried") {
  auto sim = simulator();
  AircallClient client{client_of(*sim)};
  sim->set_user_available(21, false);
  CHECK(start(client, 21, "+33612345678").status == StartStatus::user_unavailable);
  CHECK(client.availability(21).value() == "offline");
  CHECK(client.availability(22).value() == "available");
  CHECK(start(client, 22, "12").status == StartStatus::bad_number);
  CHECK(sim->stats().calls_started == 0);
  CHECK(sim->stats().calls_refused == 1);
}

TEST_CASE("aircall client: users and numbers are read across pages, an unknown user is 404") {
  auto sim = simulator({.users = 120, .numbers = 3});
  AircallClient client{client_of(*sim)};
  auto users = client.users();
  REQUIRE(users.ok());
  REQUIRE(users->size() == 120);  // three pages of at most 50
  CHECK(users->front().id == 1);
  CHECK(users->back().id == 120);
  CHECK(users->back().available);
  CHECK(users->back().numbers.empty());  // the list leaves them out, as Aircall's does

  sim->set_user_available(7, false);
  auto user = client.user(7);
  REQUIRE(user.ok());
  CHECK(user->name == "Agent 7");
  CHECK_FALSE(user->available);
  REQUIRE(user->numbers.size() == 3);
  CHECK(user->numbers[2].id == 3);
  CHECK(user->numbers[2].digits == "+44 20 7946 0003");

  auto numbers = client.numbers();
  REQUIRE(numbers.ok());
  REQUIRE(numbers->size() == 3);
  CHECK(numbers->front().time_zone == "Europe/London");

  CHECK(client.user(121).error().code == dialer::ErrorCode::not_found);
  CHECK(client.availability(121).error().code == dialer::ErrorCode::not_found);
  CHECK(start(client, 121, "+33612345678").status == StartStatus::refused);
  CHECK(sim->stats().calls_started == 0);
}

TEST_CASE("aircall client: a 429 storm is waited out, and every call starts once") {
  auto sim = simulator({.requests_per_minute = 3, .window_seconds = 1});
  AircallClient client{client_of(*sim)};
  std::vector<std::future<StartResult>> answers;
  std::vector<std::shared_ptr<std::promise<StartResult>>> promises;
  for (int user = 0; user < 8; ++user) {
    auto promise = std::make_shared<std::promise<StartResult>>();
    answers.push_back(promise->get_future());
    client.start_call({"c", 30 + user, 7, "+3361234560" + std::to_string(user)},
                      [promise](StartResult result) { promise->set_value(std::move(result)); });
    promises.push_back(promise);
  }
  for (auto& answer : answers) {
    REQUIRE(answer.wait_for(60s) == std::future_status::ready);
    CHECK(answer.get().status == StartStatus::accepted);
  }
  CHECK(sim->stats().calls_started == 8);
  CHECK(sim->stats().rate_limited > 0);
}

TEST_CASE("aircall client: 5xx is retried where it is safe, and a start it hides is unknown") {
  auto sim = simulator({.server_error_rate = 1.0});
  AircallClient client{client_of(*sim)};
  CHECK(start(client, 41, "+33612345678").status == StartStatus::unknown);
  CHECK(sim->stats().server_errors == 1);  // a start is never sent twice blindly
  CHECK_FALSE(client.availability(41).ok());
  CHECK(sim->stats().server_errors == 5);  // a read is retried: four attempts

  auto flaky = simulator({.seed = 3, .server_error_rate = 0.5});
  AircallClient retried{client_of(*flaky)};
  for (int i = 0; i < 5; ++i) CHECK(retried.availability(i + 1).ok());
  CHECK(flaky->stats().server_errors > 0);
}

TEST_CASE("aircall client: a server that never answers makes the start unknown") {
  // Listens, never accepts: the connection opens and no answer ever comes.
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(listen(listener, 16) == 0);
  socklen_t length = sizeof address;
  getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
  AircallClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  options.api_id = "id";
  options.api_token = "token";
  options.timeout = 300ms;
  AircallClient client{options};
  auto result = start(client, 601, "+33612345678");
  CHECK(result.status == StartStatus::unknown);
  CHECK(result.message == "no answer from Aircall");
  close(listener);
}
