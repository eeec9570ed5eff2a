#include <thread>

#include "storage/commit_signal.hpp"
#include "storage/event_store.hpp"

namespace dialer::storage {
namespace {
constexpr std::size_t kDeliveryBatch = 512;
}

struct Subscription::State {
  const EventStore& store;
  std::shared_ptr<CommitSignal> signal;
  std::function<void(const std::vector<Envelope>&)> deliver;
  std::function<void(const Error&)> failed;
  std::atomic<std::uint64_t> position;
  bool stopping GUARDED_BY(signal->mutex) = false;
  std::thread thread;

  State(const EventStore& s, std::shared_ptr<CommitSignal> sig, std::uint64_t after,
        std::function<void(const std::vector<Envelope>&)> d, std::function<void(const Error&)> f)
      : store(s),
        signal(std::move(sig)),
        deliver(std::move(d)),
        failed(std::move(f)),
        position(after) {}

  // Sleeps until the log moves past what was delivered, then reads and delivers up to the
  // committed end; catching up on history and following new commits are the same loop.
  void run() {
    for (;;) {
      std::uint64_t committed = 0;
      {
        Lock lock{signal->mutex};
        signal->changed.wait(lock.native(), [&]() REQUIRES(signal->mutex) {
          return stopping || signal->closed || signal->committed > position.load();
        });
        if (stopping || signal->closed) return;
        committed = signal->committed;
      }
      while (position.load() < committed) {
        auto batch = store.read_log(position.load() + 1, kDeliveryBatch);
        if (!batch) {
          if (failed) failed(batch.error());
          return;
        }
        if (batch->empty()) break;
        deliver(*batch);
        position.store(batch->back().seq);
        Lock lock{signal->mutex};
        if (stopping) return;
      }
    }
  }
};

Subscription::Subscription(const EventStore& store, std::shared_ptr<CommitSignal> signal,
                           std::uint64_t after_seq,
                           std::function<void(const std::vector<Envelope>&)> deliver,
                           std::function<void(const Error&)> failed)
    : state_(std::make_unique<State>(store, std::move(signal), after_seq, std::move(deliver),
                                     std::move(failed))) {
  state_->thread = std::thread([state = state_.get()] { state->run(); });
}

Subscription::~Subscription() {
  {
    Lock lock{state_->signal->mutex};
    state_->stopping = true;
  }
  state_->signal->changed.notify_all();
  state_->thread.join();
}

std::uint64_t Subscription::position() const {
  return state_->position.load();
}

}  // namespace dialer::storage
