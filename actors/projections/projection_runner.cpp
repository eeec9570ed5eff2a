#include "actors/projections/projection_runner.hpp"

#include <cstdio>

#include "actors/projections/queue_view.hpp"
#include "actors/projections/reporting.hpp"

namespace dialer::projections {

Status fold_event(KvWriter& kv, const storage::Envelope& envelope) {
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  if (!event) return event.error();
  ReportingFold fold{kv};
  fold.apply(envelope.stream, envelope.recorded_at_ms, *event);
  fold.flush();
  apply_queue(kv, envelope.stream, envelope.recorded_at_ms, *event);
  return Done{};
}

Status ReportingProjection::fold(KvWriter& kv, const std::vector<storage::Envelope>& batch) {
  ReportingFold fold{kv};
  for (const auto& envelope : batch) {
    // Most of a busy log is webhook deliveries: not decoded when no part folds them.
    if (!ReportingFold::wants(envelope.type) && !is_queue_stream(envelope.stream)) continue;
    auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
    if (!event) return event.error();
    fold.apply(envelope.stream, envelope.recorded_at_ms, *event);
    apply_queue(kv, envelope.stream, envelope.recorded_at_ms, *event);
  }
  fold.flush();
  return ok_status();
}

Result<std::unique_ptr<ProjectionRunner>> ProjectionRunner::start(
    storage::EventStore& store, bool reset, std::function<void(std::uint64_t)> on_commit) {
  return start(store, std::make_unique<ReportingProjection>(), reset, std::move(on_commit));
}

Result<std::unique_ptr<ProjectionRunner>> ProjectionRunner::start(
    storage::EventStore& store, std::unique_ptr<Projection> projection, bool reset,
    std::function<void(std::uint64_t)> on_commit) {
  const char* consumer = projection->consumer();
  if (reset) {
    if (auto dropped = store.reset_projection(consumer); !dropped) return dropped.error();
  }
  for (const auto* retired : projection->retired()) {
    auto left = store.checkpoint(retired);
    if (!left) return left.error();
    if (*left == 0) continue;
    if (auto dropped = store.reset_projection(retired); !dropped) return dropped.error();
  }
  auto from = store.checkpoint(consumer);
  if (!from) return from.error();
  std::unique_ptr<ProjectionRunner> runner{new ProjectionRunner{store, std::move(projection)}};
  runner->checkpoint_ = *from;
  runner->on_commit_ = std::move(on_commit);
  auto* self = runner.get();
  runner->subscription_ = store.subscribe(
      *from, [self](const std::vector<storage::Envelope>& batch) { self->fold(batch); },
      [self](const Error& error) {
        Lock lock{self->mutex_};
        self->failure_ = error;
      });
  return runner;
}

ProjectionRunner::~ProjectionRunner() {
  {
    Lock lock{mutex_};
    stopping_ = true;
  }
  advanced_.notify_all();
  subscription_.reset();
}

std::optional<Error> ProjectionRunner::failure() const {
  Lock lock{mutex_};
  return failure_;
}

std::optional<ProjectionRunner::Stall> ProjectionRunner::stalled() const {
  Lock lock{mutex_};
  return stalled_;
}

void ProjectionRunner::fold(const std::vector<storage::Envelope>& batch) {
  if (failure()) return;
  if (auto folded = projection_->fold(kv_, batch); !folded) {
    Lock lock{mutex_};
    failure_ = folded.error();
    advanced_.notify_all();
    return;
  }
  auto last = batch.back().seq;
  // A commit the store refuses (a full disk, an I/O error) is kept and tried again, backing
  // off, until the store can write: the runner resumes by itself, where it stopped.
  constexpr std::chrono::milliseconds kFirstWait{50};
  constexpr std::chrono::milliseconds kLongestWait{2000};
  auto wait = kFirstWait;
  // A batch that changed nothing the view shows leaves it current whether or not its
  // checkpoint is written: a refused write of that alone is not waited for (the next commit
  // writes a later checkpoint, and a restart folds the batch again, to the same nothing).
  bool changed = kv_.has_changes();
  for (;;) {
    auto committed = kv_.commit(last);
    Lock lock{mutex_};
    if (!committed && !changed && !stalled_) {
      checkpoint_ = last;
      break;
    }
    if (committed) {
      if (stalled_) {
        std::fprintf(stderr, "dialerd: the %s view writes again, after %llu retries\n",
                     projection_->consumer(), static_cast<unsigned long long>(stalled_->retries));
      }
      stalled_.reset();
      checkpoint_ = last;
      break;
    }
    if (!stalled_) {
      // Said once, to the server's log: /readyz and /metrics say it to everyone after.
      std::fprintf(stderr, "dialerd: the %s view's writes are refused (%s): it retries\n",
                   projection_->consumer(), committed.error().message.c_str());
      stalled_ = Stall{committed.error(), std::chrono::steady_clock::now(), 0};
    }
    stalled_->error = committed.error();
    ++stalled_->retries;
    if (advanced_.wait_for(lock.native(), wait, [&]() REQUIRES(mutex_) { return stopping_; }))
      return;
    wait = std::min(wait * 2, kLongestWait);
  }
  advanced_.notify_all();
  if (on_commit_) on_commit_(last);
}

bool ProjectionRunner::wait_for(std::uint64_t seq, std::chrono::milliseconds timeout) const {
  Lock lock{mutex_};
  return advanced_.wait_for(lock.native(), timeout, [&]() REQUIRES(mutex_) {
    return checkpoint_.load() >= seq || failure_.has_value();
  }) && !failure_;
}

}  // namespace dialer::projections
