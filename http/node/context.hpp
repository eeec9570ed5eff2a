#pragma once

// What the routes work with: the dialer's actors, the log, the projections, the clock and
// the edge's own state. Owned by the node (http/node/node.hpp); routes hold a reference.

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "actors/dialer.hpp"
#include "actors/projections/projection_runner.hpp"
#include "http/server/credentials.hpp"
#include "http/server/metrics.hpp"
#include "storage/event_store.hpp"

namespace dialer::http {

class AircallLines;
class FeedHub;

struct Context {
  Context(actors::Dialer& dialer_, storage::EventStore& store_,
          projections::ProjectionRunner& projections_, const domain::Clock& clock_,
          Credentials& credentials_, Metrics& metrics_)
      : dialer(dialer_),
        store(store_),
        projections(projections_),
        clock(clock_),
        credentials(credentials_),
        metrics(metrics_) {}

  actors::Dialer& dialer;
  storage::EventStore& store;
  projections::ProjectionRunner& projections;
  const domain::Clock& clock;
  Credentials& credentials;
  Metrics& metrics;
  bool mock_mode = false;
  AircallLines* lines = nullptr;              // Aircall's API and the mock line; none in-process
  FeedHub* feeds = nullptr;                   // what every live feed reads
  std::string telephony_name;                 // "simulated", "aircall"
  bool aircall_api_from_environment = false;  // AIRCALL_API_KEY and AIRCALL_API_SECRET given
  std::string backup_dir;                     // none: no backups
  std::size_t backup_keep = 7;

  // How long a read waits for the projections to fold the writes before it.
  std::chrono::milliseconds read_wait{std::chrono::seconds(2)};
  // Origins a browser may call the API from (DIALER_CORS_ORIGINS); "*" for any, which holds
  // only while no API key is required.
  std::vector<std::string> cors_origins;
  // What Access-Control-Allow-Origin says to `origin`: itself, "*", or nothing.
  std::string allowed_origin(const std::string& origin, bool keys_required) const {
    for (const auto& allowed : cors_origins) {
      if (allowed == origin) return origin;
      if (allowed == "*" && !keys_required) return "*";
    }
    return {};
  }
  // Set when the server is shutting down: live feeds end so that their threads are free.
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> webhooks_received{0};
  std::atomic<std::uint64_t> webhooks_duplicate{0};
  std::atomic<std::uint64_t> webhooks_applied{0};

  std::int64_t now_ms() const { return clock.now_ms(); }
  // Whether the projections hold every event written before this call.
  bool caught_up() const { return projections.wait_for(store.last_seq(), read_wait); }
  // The same for a read that must be up to date: when the views are behind (their writes
  // refused, a full disk), `unavailable`, saying by how much, rather than stale data.
  Status current_views() const;
  // Reads the secrets config holds into `credentials` (after start and each change).
  void refresh_credentials(const domain::ConfigState& config);
};

}  // namespace dialer::http
