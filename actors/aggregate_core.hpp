#pragma once

#include <caf/all.hpp>
#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "actors/services.hpp"
#include "events/codec.hpp"

namespace dialer::actors {

// The shell around one aggregate's decide/evolve, used inside its actor: commands are
// decided against the current state one at a time; their events are appended with the
// stream version the decision saw; only once durable are they folded into the state and
// the command answered. A version conflict (another writer got there first) reloads the
// stream and decides again.
template <class Traits>
class AggregateCore {
 public:
  using State = typename Traits::State;
  using Command = typename Traits::Command;
  using Done = std::function<void(Result<State>)>;
  // Told of each change after it is durable, inside the actor.
  using Observer = std::function<void(const State& before, const State& after,
                                      const std::vector<events::Event>& events)>;

  AggregateCore(Services& services, std::string id)
      : services_(services),
        id_(std::move(id)),
        stream_(Traits::stream(id_)),
        state_(Traits::initial(id_)) {}

  Status load() {
    state_ = Traits::initial(id_);
    version_ = 0;
    if constexpr (has_snapshots) {
      // A snapshot this build cannot read is passed over: the stream alone is the truth.
      auto snapshot = services_.store->load_snapshot(stream_);
      if (snapshot && *snapshot) {
        if (auto state = Traits::decode_snapshot((*snapshot)->state)) {
          state_ = std::move(*state);
          version_ = (*snapshot)->version;
          snapshot_version_ = version_;
        }
      }
    }
    auto stored = services_.store->read_stream(stream_, version_ + 1);
    if (!stored) return stored.error();
    for (const auto& envelope : *stored) {
      auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
      if (!event) return event.error();
      state_ = Traits::evolve(std::move(state_), *event, envelope.recorded_at_ms);
      version_ = envelope.stream_version;
    }
    return ok_status();
  }

  void adopt(State state, std::uint64_t version) {
    state_ = std::move(state);
    version_ = version;
  }

  static constexpr bool has_snapshots = requires { Traits::snapshot_every; };

  void observe(Observer observer) { observer_ = std::move(observer); }

  void submit(AppendListener self, Command command, Done done) {
    queue_.push_back({std::move(command), std::move(done)});
    run(self);
  }

  void appended(AppendListener self, Result<storage::AppendOutcome> outcome) {
    busy_ = false;
    if (outcome && outcome->status == storage::AppendStatus::conflict &&
        conflicts_ < kMaxConflicts) {
      ++conflicts_;
      if (auto reloaded = load(); !reloaded) fail_front(reloaded.error());
      return run(self);
    }
    conflicts_ = 0;
    if (!outcome) {
      fail_front(outcome.error());
    } else if (outcome->status != storage::AppendStatus::appended) {
      fail_front(Error{ErrorCode::conflict, stream_ + " keeps changing under this actor"});
    } else {
      auto before = state_;
      for (const auto& event : in_flight_) {
        state_ = Traits::evolve(std::move(state_), event, outcome->recorded_at_ms);
      }
      version_ = outcome->stream_version;
      if constexpr (has_snapshots) {
        if (version_ - snapshot_version_ >= Traits::snapshot_every) {
          // Taken after the events are durable, so it never runs ahead of the log; one
          // lost (it is not synced) only means a longer replay.
          if (services_.store->save_snapshot(stream_, version_, Traits::encode_snapshot(state_))) {
            snapshot_version_ = version_;
          }
        }
      }
      auto done = std::move(queue_.front().done);
      queue_.pop_front();
      if (observer_) observer_(before, state_, in_flight_);
      done(state_);
    }
    in_flight_.clear();
    run(self);
  }

  const State& state() const { return state_; }
  std::uint64_t version() const { return version_; }
  const std::string& id() const { return id_; }
  bool idle() const { return !busy_ && queue_.empty(); }

 private:
  static constexpr int kMaxConflicts = 3;
  struct Pending {
    Command command;
    Done done;
  };

  void fail_front(const Error& error) {
    auto done = std::move(queue_.front().done);
    queue_.pop_front();
    done(error);
  }

  void run(const AppendListener& self) {
    while (!busy_ && !queue_.empty()) {
      auto decided = Traits::decide(state_, queue_.front().command);
      if (!decided) {
        fail_front(decided.error());
        continue;
      }
      if (decided->empty()) {
        auto done = std::move(queue_.front().done);
        queue_.pop_front();
        done(state_);
        continue;
      }
      busy_ = true;
      in_flight_ = std::move(decided).value();
      storage::AppendRequest request{stream_, storage::ExpectedVersion::exact(version_), {}, {}};
      for (const auto& event : in_flight_) request.events.push_back(storage::NewEvent::from(event));
      services_.store->append_async(
          std::move(request), [self](Result<storage::AppendOutcome> outcome) {
            caf::anon_send(self, appended_atom::value, std::move(outcome));
          });
    }
  }

  Services& services_;
  std::string id_;
  std::string stream_;
  State state_;
  std::uint64_t version_ = 0;
  std::uint64_t snapshot_version_ = 0;
  std::deque<Pending> queue_;
  std::vector<events::Event> in_flight_;
  bool busy_ = false;
  int conflicts_ = 0;
  Observer observer_;
};

}  // namespace dialer::actors
