#pragma once

// One dialer process: the event store, the actors recovered from it, the projections, the
// telephony and the REST server over them, started in that order and stopped in reverse.

#include <caf/all.hpp>
#include <cstdint>
#include <iosfwd>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "actors/dialer.hpp"
#include "actors/simulated_telephony.hpp"
#include "http/aircall/lines.hpp"
#include "http/node/context.hpp"
#include "http/server/feed_hub.hpp"
#include "http/server/server.hpp"

namespace dialer::http {

// How calls are placed: through Aircall's API (the real one, or for agents in mock mode
// aircall-sim inside the process, reached over loopback by the same client), or, for
// tests, through an in-process simulation with no HTTP at all.
enum class TelephonyKind { aircall, in_process };

struct NodeOptions {
  std::string db_path = "data/dialer.db";
  ServerOptions server;
  std::vector<std::string> api_keys;      // besides security.apiKeys in config
  std::vector<std::string> cors_origins;  // browsers' origins allowed to call the API
  std::string webhook_token;              // besides aircall.webhookToken in config
  TelephonyKind telephony = TelephonyKind::aircall;
  bool mock_mode = false;
  std::string aircall_base_url = "https://api.aircall.io";
  std::string aircall_api_id;
  std::string aircall_api_token;
  // Where Aircall delivers webhooks (a public URL); subscribed at start unless a token is set.
  std::string webhook_url;
  // Calls in the in-process simulation, and in mock mode (with the simulator's faults).
  actors::SimulationOptions simulation{2'000, 8'000, 0.6, 0.1, 0.1, 1};
  double mock_duplicate_rate = 0;
  double mock_reorder_rate = 0;
  double mock_server_error_rate = 0;
  bool verify_on_start = false;
  // Where POST /api/dialer/admin/backup writes (none: backups are refused), and how many
  // it keeps.
  std::string backup_dir;
  std::size_t backup_keep = 7;
  // Settings of the API (scheduling.timeZone, …) from the config file, applied at each start.
  std::map<std::string, nlohmann::json> api_settings;
  // The access log's file (appended to); empty: the server's access_log stream as it is.
  std::string access_log_path;
  rocksdb::Env* store_env = nullptr;     // RocksDB's default when null (tests fill a disk)
  const domain::Clock* clock = nullptr;  // the system clock when null
};

class Node {
 public:
  // Notices (what is bound where, what is ignored) go to `notices`.
  static Result<std::unique_ptr<Node>> start(NodeOptions options, std::ostream& notices);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  int port() const { return server_->port(); }
  bool tls() const { return server_->tls(); }
  // Where a browser on this machine opens the console.
  const std::string& console_url() const { return console_url_; }
  ConnectionCounts connections() const { return server_->connections(); }
  // Every route the API serves, {method, template}.
  std::vector<std::pair<std::string, std::string>> routes() const { return server_->routes(); }
  bool ready() const;
  // Graceful: stop accepting, finish requests in flight, stop the actors, close the store.
  void stop();

  storage::EventStore& store() { return *store_; }
  actors::Dialer& dialer() { return *dialer_; }
  Context& context() { return *context_; }
  // The in-process simulation (TelephonyKind::in_process only).
  actors::SimulatedTelephony& telephony() { return *simulated_; }
  // The aircall-sim inside the process, once an agent in mock mode needed it.
  AircallSim* simulator() { return lines_ ? lines_->simulator() : nullptr; }

 private:
  Node() = default;

  domain::SystemClock system_clock_;
  const domain::Clock* clock_ = nullptr;
  std::unique_ptr<storage::EventStore> store_;
  std::unique_ptr<actors::TelephonyPort> telephony_;
  AircallLines* lines_ = nullptr;  // the telephony, when it is Aircall's API
  actors::SimulatedTelephony* simulated_ = nullptr;
  std::unique_ptr<caf::actor_system_config> actor_config_;
  std::unique_ptr<caf::actor_system> actor_system_;
  std::unique_ptr<actors::Dialer> dialer_;
  std::unique_ptr<projections::ProjectionRunner> projections_;
  std::unique_ptr<FeedHub> feeds_;
  std::unique_ptr<Credentials> credentials_;
  Metrics metrics_;
  std::unique_ptr<Context> context_;
  std::unique_ptr<ApiServer> server_;
  std::uint64_t seq_at_start_ = 0;
  mutable std::atomic<bool> caught_up_{false};
  std::string console_url_;
};

}  // namespace dialer::http
