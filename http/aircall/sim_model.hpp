#pragma once

// aircall-sim's world, without its HTTP API (sim_api.cpp serves it): the company's
// directory, the calls it places and how each goes (outcomes, ring and talk times drawn
// from a seeded generator), users' availability, the company's rate limit, and the webhooks
// Aircall would send, delivered to the subscribed URL by a thread of its own, with the
// faults asked for (duplicates, reordering, delays, redelivery of what was not acknowledged).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "events/mutex.hpp"
#include "http/aircall/sim.hpp"

namespace dialer::http {

// Aircall's JSON shapes for the directory (the API's answers and the webhooks' data).
nlohmann::json sim_number_json(std::int64_t number_id);
nlohmann::json sim_user_json(std::int64_t user_id, const std::string& availability);

class SimModel {
 public:
  explicit SimModel(SimOptions options);
  ~SimModel();
  SimModel(const SimModel&) = delete;
  SimModel& operator=(const SimModel&) = delete;

  // Starts and stops the thread that runs calls' steps and delivers webhooks.
  void start();
  void stop();

  // One API request counted against the company's budget, in Aircall's order: over the
  // budget, 429; else, perhaps, an injected 5xx.
  enum class Admission { admitted, rate_limited, server_error };
  struct Budget {
    Admission admission = Admission::admitted;
    int limit = 0;
    int remaining = 0;
    std::int64_t reset_at_seconds = 0;
  };
  Budget admit();

  bool known_user(std::int64_t user_id) const;
  // The directory, in order of id.
  std::vector<std::int64_t> user_ids() const;
  std::vector<std::int64_t> number_ids() const;
  // available, in_call or offline.
  std::string availability(std::int64_t user_id) const;
  // Places a call, or refuses it (false) as Aircall does a user unavailable or on a call.
  bool start_call(std::int64_t user_id, std::int64_t number_id, const std::string& to_e164);
  // A call as Aircall's Call object, or nothing for an unknown id.
  std::optional<nlohmann::json> call(std::int64_t call_id) const;
  // The calls started between two UNIX times, oldest first (or newest first), as Call
  // objects: `count` of them from the `first`; `total` says how many there are in all.
  std::vector<nlohmann::json> calls_between(std::int64_t from, std::int64_t to, bool newest_first,
                                            std::size_t first, std::size_t count,
                                            std::size_t& total) const;
  // A comment on a call (POST /v1/calls/:id/comments), announced with call.commented; false
  // for an unknown call.
  bool comment(std::int64_t call_id, const std::string& content);
  // The call's tags as an agent sets them in Aircall's app, announced with call.tagged (or
  // call.untagged when one was taken off); false for an unknown call.
  bool set_tags(std::int64_t call_id, const std::vector<std::string>& names);
  // Whether a user can take calls; a change is announced with user.opened / user.closed.
  void set_available(std::int64_t user_id, bool available);
  // Where deliveries go from now on; a subscription answers the token they carry.
  std::string subscribe(std::string url);
  void set_webhook_target(std::string url, std::string token);

  SimStats stats() const;
  std::size_t calls_live() const;

 private:
  struct Call {
    std::int64_t id = 0;
    std::int64_t user_id = 0;
    std::int64_t number_id = 0;
    std::string to;  // E.164
    std::int64_t started_at = 0;
    std::optional<std::int64_t> answered_at;
    std::optional<std::int64_t> ended_at;
    std::string hangup_cause;
    std::string status = "initial";                          // initial, answered, done
    std::vector<std::pair<std::int64_t, std::string>> tags;  // (tagged at, name)
    std::vector<std::tuple<std::int64_t, std::string, std::int64_t>> comments;  // id, text, at
  };
  // Deliveries and call steps, by due time.
  struct Job {
    std::chrono::steady_clock::time_point due;
    std::uint64_t order = 0;
    std::function<void()> step;  // a call's next step; empty for a delivery
    std::string body;            // a delivery
    int attempt = 0;
    bool operator>(const Job& other) const {
      return std::tie(due, order) > std::tie(other.due, other.order);
    }
  };
  // With the mutex held, as the scheduled steps run.
  void deliver_later(std::string body, std::chrono::milliseconds delay) REQUIRES(mutex_);
  void announce_call(const char* event, const Call& call,
                     std::chrono::milliseconds delay = std::chrono::milliseconds{0})
      REQUIRES(mutex_);
  void announce_user(const char* event, std::int64_t user_id) REQUIRES(mutex_);
  void schedule_step(std::chrono::milliseconds delay, std::function<void()> step) REQUIRES(mutex_);
  void unpark() REQUIRES(mutex_);
  double roll() REQUIRES(mutex_);
  void run_worker();
  static nlohmann::json call_json(const Call& call);

  SimOptions options_;
  mutable Mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::mt19937_64 random_ GUARDED_BY(mutex_);
  std::map<std::int64_t, Call> calls_ GUARDED_BY(mutex_);
  std::set<std::int64_t> unavailable_users_ GUARDED_BY(mutex_);
  // With an open directory, the ids beyond the fixed ones that were used.
  mutable std::set<std::int64_t> used_users_ GUARDED_BY(mutex_);
  std::set<std::int64_t> used_numbers_ GUARDED_BY(mutex_);
  std::set<std::int64_t> users_on_call_ GUARDED_BY(mutex_);
  std::map<std::string, int> numbers_on_call_ GUARDED_BY(mutex_);
  std::int64_t next_call_id_ GUARDED_BY(mutex_) = 0;
  std::int64_t next_note_id_ GUARDED_BY(mutex_) = 24'000'000;  // tags' and comments' ids
  std::int64_t window_start_ GUARDED_BY(mutex_) =
      0;  // UNIX seconds, the rate limit's current window
  int window_used_ GUARDED_BY(mutex_) = 0;
  SimStats stats_ GUARDED_BY(mutex_);
  std::priority_queue<Job, std::vector<Job>, std::greater<>> jobs_ GUARDED_BY(mutex_);
  std::uint64_t order_ GUARDED_BY(mutex_) = 0;
  std::vector<Job> parked_ GUARDED_BY(mutex_);  // deliveries made before any webhook target was set
  std::thread worker_;
};

}  // namespace dialer::http
