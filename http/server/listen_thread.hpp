#pragma once

// A bound httplib server's accept loop on a thread of its own. httplib's stop() does nothing
// until that loop has begun, and a stop right after the start can come first: stopping waits
// for the loop to begin (or to have ended) before asking it to end.

#include <httplib.h>

#include <atomic>
#include <thread>

namespace dialer::http {

class ListenThread {
 public:
  ListenThread() = default;
  ListenThread(const ListenThread&) = delete;
  ListenThread& operator=(const ListenThread&) = delete;
  ~ListenThread() { stop(); }

  void start(httplib::Server& server) {
    server_ = &server;
    thread_ = std::thread{[this] {
      server_->listen_after_bind();
      returned_ = true;
    }};
  }

  void stop() {
    if (!thread_.joinable()) return;
    while (!server_->is_running() && !returned_) std::this_thread::yield();
    server_->stop();
    thread_.join();
  }

 private:
  httplib::Server* server_ = nullptr;
  std::atomic<bool> returned_{false};
  std::thread thread_;
};

}  // namespace dialer::http
