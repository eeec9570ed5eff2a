#pragma once

#include <caf/all.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "actors/agent_board.hpp"
#include "actors/callback_board.hpp"
#include "actors/domain/clock.hpp"
#include "actors/domain/config.hpp"
#include "actors/protocols.hpp"
#include "actors/telephony.hpp"
#include "events/mutex.hpp"
#include "storage/event_store.hpp"

namespace dialer::actors {

class Registry;

// What every actor may use. Set up before the first actor starts; then read-only, but for
// the links from Aircall users to agents, which agents keep up to date.
struct Services {
  caf::actor_system* system = nullptr;
  storage::EventStore* store = nullptr;
  const domain::Clock* clock = nullptr;
  TelephonyPort* telephony = nullptr;
  Registry* registry = nullptr;
  DispatcherActor dispatcher;
  RouterActor router;
  // How long an idle item or agent actor lives before it is passivated.
  std::chrono::milliseconds passivate_after{std::chrono::seconds(30)};
  // How long a started call may go unseen before Aircall's call list is asked.
  std::chrono::milliseconds creation_timeout{std::chrono::seconds(20)};
  // How often a call Aircall knows of, and has not yet said ended, is looked up: a lost
  // call.ended (a webhook Aircall gave up on) must not hold its agent for ever.
  std::chrono::milliseconds live_call_check{std::chrono::minutes(10)};
  // How long before an agent's wrap-up (or pace) lets it call, its next call is reserved:
  // the reservation's synced appends are done by then, and the call starts on time.
  std::chrono::milliseconds reserve_ahead{50};
  // Agents' states as their actors last published them, for reads.
  AgentBoard agents;
  // Agents' next callbacks as the dispatcher last published them, for reads.
  CallbackBoard callbacks;
  // Observability: told, inside the agent's actor, the moment an agent's change that frees
  // it for a call is durable, and from when (its wrap-up's end) it may take one.
  std::function<void(const std::string& agent_id, std::int64_t free_at_ms)> on_agent_free;

  void link_aircall_user(std::int64_t aircall_user_id, const std::string& agent_id) {
    Lock lock{links_mutex_};
    agent_of_user_[aircall_user_id] = agent_id;
  }
  // The settings in force, as the config actor last announced them.
  std::shared_ptr<const domain::DialerSettings> settings() const {
    Lock lock{links_mutex_};
    return settings_;
  }
  void set_settings(domain::DialerSettings settings) {
    auto shared = std::make_shared<const domain::DialerSettings>(std::move(settings));
    Lock lock{links_mutex_};
    settings_ = std::move(shared);
  }

  std::string agent_of(std::int64_t aircall_user_id) const {
    Lock lock{links_mutex_};
    auto found = agent_of_user_.find(aircall_user_id);
    return found == agent_of_user_.end() ? std::string{} : found->second;
  }

 private:
  mutable Mutex links_mutex_;
  std::unordered_map<std::int64_t, std::string> agent_of_user_ GUARDED_BY(links_mutex_);
  std::shared_ptr<const domain::DialerSettings> settings_ GUARDED_BY(links_mutex_) =
      std::make_shared<const domain::DialerSettings>();
};

}  // namespace dialer::actors
