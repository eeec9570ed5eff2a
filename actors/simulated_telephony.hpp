#pragma once

// An in-process telephony for tests and benchmarks: a started call rings, is answered or
// not, and ends, and the same kinds of events the webhook path brings are delivered to a
// sink, on a thread of its own. Outcomes are drawn from a seeded generator, call by call.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "actors/domain/clock.hpp"
#include "actors/telephony.hpp"
#include "events/mutex.hpp"

namespace dialer::actors {

struct SimulationOptions {
  std::int64_t ring_ms = 0;
  std::int64_t talk_ms = 0;
  double answer_rate = 0.7;     // of calls, answered by a person
  double voicemail_rate = 0.1;  // answered by a voicemail
  double busy_rate = 0.1;       // the rest ring out unanswered
  std::uint64_t seed = 1;
  // A call picked up talks talk_ms plus a uniform draw up to this, so that agents free up
  // at scattered times as on a working day, not in step.
  std::int64_t talk_spread_ms = 0;
};

class SimulatedTelephony final : public TelephonyPort {
 public:
  struct Record {
    StartCall call;
    std::int64_t aircall_call_id = 0;
    std::int64_t started_at_ms = 0;
    events::CallOutcome outcome = events::CallOutcome::no_answer;
  };

  SimulatedTelephony(const domain::Clock& clock, SimulationOptions options);
  ~SimulatedTelephony() override;

  // Where events go; an empty sink drops them.
  void connect(std::function<void(TelephonyEvent)> sink);
  void set_available(std::int64_t aircall_user_id, bool available);
  // While held, events wait; released, they go out in order.
  void hold(bool held);
  // Forgets the events not yet delivered, as a process that died would never see them.
  void drop_pending();

  std::vector<Record> records() const;
  // Starts for a user already on a call, or to a number already being called: a dialer
  // that keeps one call per agent and per number never causes one.
  std::uint64_t overlaps() const;
  std::size_t active_calls() const;

  void start_call(const StartCall& call, std::function<void(StartResult)> done) override;
  void find_call(const CallQuery& query,
                 std::function<void(Result<std::optional<FoundCall>>)> done) override;

 private:
  struct Scheduled {
    std::chrono::steady_clock::time_point due;
    std::uint64_t order;
    TelephonyEvent event;
    bool operator>(const Scheduled& other) const {
      return std::tie(due, order) > std::tie(other.due, other.order);
    }
  };
  struct Live {
    std::int64_t aircall_user_id = 0;
    std::string to;
    std::int64_t started_at_ms = 0;
    std::optional<std::int64_t> answered_at_ms;
    std::optional<events::CallEnded> ended;
  };

  void deliver_loop();
  void schedule(std::chrono::milliseconds delay, TelephonyEvent event) REQUIRES(mutex_);

  const domain::Clock& clock_;
  SimulationOptions options_;
  mutable Mutex mutex_;
  std::condition_variable wake_;
  std::priority_queue<Scheduled, std::vector<Scheduled>, std::greater<>> queue_ GUARDED_BY(mutex_);
  std::function<void(TelephonyEvent)> sink_ GUARDED_BY(mutex_);
  std::set<std::int64_t> unavailable_ GUARDED_BY(mutex_);
  std::map<std::int64_t, Live> calls_ GUARDED_BY(mutex_);  // by Aircall id
  std::set<std::int64_t> busy_users_ GUARDED_BY(mutex_);
  std::set<std::string> busy_numbers_ GUARDED_BY(mutex_);
  std::vector<Record> records_ GUARDED_BY(mutex_);
  std::mt19937_64 random_ GUARDED_BY(mutex_);
  std::uint64_t order_ GUARDED_BY(mutex_) = 0;
  std::uint64_t overlaps_ GUARDED_BY(mutex_) = 0;
  std::int64_t next_id_ GUARDED_BY(mutex_) = 812'000'000'000;
  bool held_ GUARDED_BY(mutex_) = false;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace dialer::actors
