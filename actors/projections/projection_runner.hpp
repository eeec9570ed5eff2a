#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/projections/store_kv.hpp"
#include "events/mutex.hpp"
#include "storage/event_store.hpp"

namespace dialer::projections {

// Everything the reporting runner keeps, folded from one event: the reporting keys and the
// queue view. What a stored projection must equal, folded afresh.
Status fold_event(KvWriter& kv, const storage::Envelope& envelope);

// What a runner keeps up with the log: its name in the store (with the version of its key
// layout: a build with another layout folds the log afresh under its own name), the names
// it retired, and how a delivered batch changes its keys.
class Projection {
 public:
  virtual ~Projection() = default;
  virtual const char* consumer() const = 0;
  virtual std::vector<const char*> retired() const { return {}; }
  virtual Status fold(KvWriter& kv, const std::vector<storage::Envelope>& batch) = 0;
};

// The reporting keys and the queue view, which the API's reads query.
class ReportingProjection final : public Projection {
 public:
  const char* consumer() const override { return kConsumer; }
  std::vector<const char*> retired() const override {
    return {"reporting", "reporting.2", "reporting.3", "reporting.4", "reporting.5"};
  }
  Status fold(KvWriter& kv, const std::vector<storage::Envelope>& batch) override;

  static constexpr const char* kConsumer = "reporting.6";
};

class ProjectionRunner {
 public:
  // Starts following at once; `reset` first drops the state and folds the log from zero.
  // `on_commit`, if given, is told each checkpoint committed (tests and tools watch
  // progress with it), from the first batch on.
  static Result<std::unique_ptr<ProjectionRunner>> start(
      storage::EventStore& store, std::unique_ptr<Projection> projection, bool reset = false,
      std::function<void(std::uint64_t)> on_commit = {});
  // The reporting projection.
  static Result<std::unique_ptr<ProjectionRunner>> start(
      storage::EventStore& store, bool reset = false,
      std::function<void(std::uint64_t)> on_commit = {});
  ~ProjectionRunner();

  std::uint64_t checkpoint() const { return checkpoint_.load(); }
  // Why the last commit was refused and since when, while the runner tries it again (a full
  // disk); nothing while commits go through.
  struct Stall {
    Error error;
    std::chrono::steady_clock::time_point since;
    std::uint64_t retries = 0;
  };
  std::optional<Stall> stalled() const;
  // Waits until everything up to `seq` is folded, so that a read follows the writes before
  // it; false when `timeout` passed first or the projection failed.
  bool wait_for(std::uint64_t seq, std::chrono::milliseconds timeout) const;
  // A fault no retry mends (an event that does not decode): the runner has stopped.
  std::optional<Error> failure() const;
  // The committed state, for queries.
  StoredView view() const { return StoredView{store_, projection_->consumer()}; }

  static constexpr const char* kConsumer = ReportingProjection::kConsumer;

 private:
  ProjectionRunner(storage::EventStore& store, std::unique_ptr<Projection> projection)
      : store_(store), projection_(std::move(projection)), kv_(store, projection_->consumer()) {}
  void fold(const std::vector<storage::Envelope>& batch);

  storage::EventStore& store_;
  std::unique_ptr<Projection> projection_;
  StoreKv kv_;
  std::atomic<std::uint64_t> checkpoint_{0};
  mutable Mutex mutex_;
  mutable std::condition_variable advanced_;
  std::optional<Error> failure_ GUARDED_BY(mutex_);
  std::optional<Stall> stalled_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;  // ends a retry's wait
  std::function<void(std::uint64_t)> on_commit_;
  std::unique_ptr<storage::Subscription> subscription_;
};

}  // namespace dialer::projections
