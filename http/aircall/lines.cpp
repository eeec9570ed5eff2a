#include "http/aircall/lines.hpp"

#include <openssl/rand.h>

#include "events/binary.hpp"
#include "http/aircall/webhook.hpp"

namespace dialer::http {
namespace {

std::string random_token() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  return events::to_hex(std::string_view{reinterpret_cast<const char*>(bytes), sizeof bytes});
}

}  // namespace

AircallLines::AircallLines(std::optional<AircallClientOptions> aircall, SimOptions mock,
                           std::function<void(const std::string&)> accept_token,
                           std::function<void(int, std::optional<int>)> on_answer)
    : mock_options_(std::move(mock)),
      on_answer_(std::move(on_answer)),
      accept_token_(std::move(accept_token)) {
  if (aircall) {
    aircall->on_answer = on_answer_;
    aircall_ = std::make_unique<AircallClient>(std::move(*aircall));
  }
}

AircallLines::~AircallLines() {
  stop_simulator();
}

void AircallLines::start_call(const actors::StartCall& call,
                              std::function<void(actors::StartResult)> done) {
  auto client = line(call.mock_mode);
  if (!client) return done({actors::StartStatus::refused, client.error().message});
  (*client)->start_call(call, std::move(done));
}

void AircallLines::comment(std::int64_t aircall_call_id, std::string text, bool mock_mode) {
  if (auto client = line(mock_mode))
    (*client)->comment(aircall_call_id, std::move(text), mock_mode);
}

void AircallLines::find_call(const actors::CallQuery& query,
                             std::function<void(Result<std::optional<actors::FoundCall>>)> done) {
  auto client = line(query.mock_mode);
  if (!client) return done(client.error());
  (*client)->find_call(query, std::move(done));
}

Result<std::optional<domain::LiveUser>> AircallLines::live_user(std::int64_t aircall_user_id,
                                                                bool mock_mode) {
  auto client = requested_line(mock_mode, "useMockMode");
  if (!client) return client.error();
  auto user = (*client)->user(aircall_user_id);
  if (!user) return user.error();
  auto availability = (*client)->availability(aircall_user_id);
  if (!availability) return availability.error();
  domain::LiveUser live;
  for (const auto& number : user->numbers) live.number_ids.push_back(number.id);
  live.every_number = mock_mode && mock_options_.open_directory;
  live.availability = *availability;
  live.can_take_calls = can_take_calls(*availability);
  live.status = aircall_status_of(*availability);
  return std::optional{std::move(live)};
}

Result<AircallClient*> AircallLines::line(bool mock_mode) {
  if (!mock_mode && aircall_) return aircall_.get();
  Lock lock{mutex_};
  if (auto started = start_simulator(); !started) return started.error();
  return mock_.get();
}

Result<AircallClient*> AircallLines::requested_line(bool mock_mode, const char* field) {
  if (!mock_mode && !aircall_) {
    return Error{ErrorCode::invalid_argument,
                 "this server has no Aircall credentials (AIRCALL_API_KEY and "
                 "AIRCALL_API_SECRET): ask for the simulator with " +
                     std::string{field},
                 field};
  }
  return line(mock_mode);
}

Status AircallLines::set_webhook_url(std::string url) {
  Lock lock{mutex_};
  webhook_url_ = std::move(url);
  return mock_ ? subscribe() : Status{Done{}};
}

AircallSim* AircallLines::simulator() {
  Lock lock{mutex_};
  return simulator_.get();
}

void AircallLines::stop_simulator() {
  Lock lock{mutex_};
  if (simulator_) simulator_->stop();
}

Status AircallLines::start_simulator() {
  if (simulator_) return Done{};
  auto options = mock_options_;
  options.api_id = "mock-" + random_token().substr(0, 8);
  options.api_token = random_token();
  options.webhook_token = random_token();
  options.webhook_url.clear();  // deliveries wait for the subscription
  auto started = AircallSim::start(options);
  if (!started) return started.error();
  simulator_ = std::move(started).value();
  AircallClientOptions client;
  client.base_url = simulator_->base_url();
  client.api_id = options.api_id;
  client.api_token = options.api_token;
  client.on_answer = on_answer_;
  mock_ = std::make_unique<AircallClient>(client);
  // Accepted before subscribing, so that the first deliveries are not refused.
  accept_token_(options.webhook_token);
  return webhook_url_.empty() ? Status{Done{}} : subscribe();
}

Status AircallLines::subscribe() {
  // The simulator may be injecting 5xx; subscribing the same URL again is harmless there.
  Result<std::string> token = Error{ErrorCode::unavailable, "not subscribed"};
  for (int attempt = 0; attempt < 10 && !token; ++attempt) {
    token = mock_->subscribe_webhooks(webhook_url_, subscribed_webhook_events());
  }
  if (!token) return token.error();
  accept_token_(*token);
  return Done{};
}

}  // namespace dialer::http
