#include "http/connections/worker_pool.hpp"

#include <pthread.h>

#include <memory>

namespace dialer::http {

WorkerPool::WorkerPool(std::size_t max_threads, std::size_t stack_bytes,
                       std::chrono::milliseconds idle_exit)
    : max_threads_(max_threads), stack_bytes_(stack_bytes), idle_exit_(idle_exit) {}

WorkerPool::~WorkerPool() {
  shutdown();
}

bool WorkerPool::submit(std::function<void()> task) {
  Lock lock{mutex_};
  if (stopping_) return false;
  tasks_.push_back(std::move(task));
  if (idle_ >= tasks_.size() || (threads_ < max_threads_ && spawn())) {
    lock.unlock();
    work_.notify_one();
  }
  return true;
}

bool WorkerPool::spawn() {
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, stack_bytes_);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_t thread;
  auto started = pthread_create(
      &thread, &attributes,
      [](void* pool) -> void* {
        static_cast<WorkerPool*>(pool)->run();
        return nullptr;
      },
      this);
  pthread_attr_destroy(&attributes);
  if (started != 0) return false;  // the threads there are take the work in turn
  ++threads_;
  ++idle_;
  return true;
}

void WorkerPool::run() {
  Lock lock{mutex_};
  for (;;) {
    bool woken = work_.wait_for(lock.native(), idle_exit_,
                                [this]() REQUIRES(mutex_) { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty() && (stopping_ || !woken)) break;
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    --idle_;
    lock.unlock();
    task();
    task = nullptr;  // its captures go before the next wait
    lock.lock();
    ++idle_;
  }
  --idle_;
  --threads_;
  gone_.notify_all();
}

void WorkerPool::shutdown() {
  Lock lock{mutex_};
  stopping_ = true;
  work_.notify_all();
  gone_.wait(lock.native(), [this]() REQUIRES(mutex_) { return threads_ == 0; });
}

std::size_t WorkerPool::threads() const {
  Lock lock{mutex_};
  return threads_;
}

std::size_t WorkerPool::busy() const {
  Lock lock{mutex_};
  return threads_ - idle_;
}

}  // namespace dialer::http
