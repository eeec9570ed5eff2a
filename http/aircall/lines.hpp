#pragma once

// The lines a node dials through: Aircall's API, and aircall-sim inside the process for
// agents started in mock mode (for every agent when the node has no Aircall credentials).
// Both are reached by the same client over HTTP, so mock mode runs the real client and
// the real webhook path. The simulator starts on first need, on a free loopback port, and
// subscribes the node's webhook URL as an integration subscribes at Aircall.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "actors/telephony.hpp"
#include "events/mutex.hpp"
#include "http/aircall/client.hpp"
#include "http/aircall/sim.hpp"

namespace dialer::http {

class AircallLines final : public actors::TelephonyPort {
 public:
  // `aircall`: the account's API, or nothing when the node has no credentials. `mock`: the
  // simulator's outcomes and faults; its credentials and webhook token are drawn at random.
  // `accept_token` learns each webhook token the simulator's subscription answers;
  // `on_answer` hears every answer of either line (for metrics).
  AircallLines(std::optional<AircallClientOptions> aircall, SimOptions mock,
               std::function<void(const std::string& token)> accept_token,
               std::function<void(int status, std::optional<int> remaining)> on_answer = {});
  ~AircallLines() override;
  AircallLines(const AircallLines&) = delete;
  AircallLines& operator=(const AircallLines&) = delete;

  void start_call(const actors::StartCall& call,
                  std::function<void(actors::StartResult)> done) override;
  void find_call(const actors::CallQuery& query,
                 std::function<void(Result<std::optional<actors::FoundCall>>)> done) override;
  void comment(std::int64_t aircall_call_id, std::string text, bool mock_mode) override;
  // The user, their numbers and their availability, asked of the line `mock_mode` names.
  Result<std::optional<domain::LiveUser>> live_user(std::int64_t aircall_user_id,
                                                    bool mock_mode) override;

  bool has_aircall() const { return aircall_ != nullptr; }
  // The client for an agent's calls; the simulator is started on the first mock one.
  Result<AircallClient*> line(bool mock_mode);
  // The line a request asks for: as line(), except that asking for Aircall's own on a server
  // without credentials is refused, naming the request's `field`.
  Result<AircallClient*> requested_line(bool mock_mode, const char* field);
  // Where the simulator delivers, once the node's server listens.
  Status set_webhook_url(std::string url);
  // The simulator, once started (for its statistics and controls).
  AircallSim* simulator();
  // Stops the simulator's deliveries; the clients stay until destruction.
  void stop_simulator();

 private:
  Status start_simulator() REQUIRES(mutex_);
  Status subscribe() REQUIRES(mutex_);

  std::unique_ptr<AircallClient> aircall_;
  SimOptions mock_options_;
  std::function<void(int, std::optional<int>)> on_answer_;  // the mock line's too
  std::function<void(const std::string&)> accept_token_;
  Mutex mutex_;
  std::string webhook_url_ GUARDED_BY(mutex_);
  std::unique_ptr<AircallSim> simulator_ GUARDED_BY(mutex_);
  std::unique_ptr<AircallClient> mock_ GUARDED_BY(mutex_);
};

}  // namespace dialer::http
