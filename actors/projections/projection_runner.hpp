#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "actors/projections/store_kv.hpp"
#include "storage/event_store.hpp"

namespace dialer::projections {

// Everything the runner keeps, folded from one event: the reporting keys and the queue
// view. What a stored projection must equal, folded afresh.
Status fold_event(KvWriter& kv, const storage::Envelope& envelope);

// Keeps the reporting and queue projections up with the log: follows the store's subscription from
// its checkpoint, folds each delivered batch, and commits the batch's changes with the new
// checkpoint in one write, so a crash anywhere resumes with neither gaps nor doubles.
class ProjectionRunner {
 public:
  // Starts following at once; `reset` first drops the state and folds the log from zero.
  // `on_commit`, if given, is told each checkpoint committed (tests and tools watch
  // progress with it), from the first batch on.
  static Result<std::unique_ptr<ProjectionRunner>> start(
      storage::EventStore& store, bool reset = false,
      std::function<void(std::uint64_t)> on_commit = {});
  ~ProjectionRunner();

  std::uint64_t checkpoint() const { return checkpoint_.load(); }
  // Waits until everything up to `seq` is folded, so that a read follows the writes before
  // it; false when `timeout` passed first or the projection failed.
  bool wait_for(std::uint64_t seq, std::chrono::milliseconds timeout) const;
  std::optional<Error> failure() const;
  // The committed state, for queries.
  StoredView view() const { return StoredView{store_, kConsumer}; }

  // The projection's name in the store, with the version of its key layout: a build with
  // another layout folds the log afresh under its own name, and drops the retired ones.
  static constexpr const char* kConsumer = "reporting.6";
  static constexpr std::array<const char*, 5> kRetiredConsumers{
      "reporting", "reporting.2", "reporting.3", "reporting.4", "reporting.5"};

 private:
  explicit ProjectionRunner(storage::EventStore& store) : store_(store), kv_(store, kConsumer) {}
  void fold(const std::vector<storage::Envelope>& batch);

  storage::EventStore& store_;
  StoreKv kv_;
  std::atomic<std::uint64_t> checkpoint_{0};
  mutable std::mutex mutex_;
  mutable std::condition_variable advanced_;
  std::optional<Error> failure_;
  std::function<void(std::uint64_t)> on_commit_;
  std::unique_ptr<storage::Subscription> subscription_;
};

}  // namespace dialer::projections
