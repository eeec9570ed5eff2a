#pragma once

// Where connections wait between requests without a thread each: one thread and epoll
// watch them all, read each next request's head as its bytes come (a slow sender costs a
// buffer, not a thread), and hand a connection to a worker once its head is complete.
// A connection idle past its keep-alive, or whose head does not come whole before its
// deadline, is closed here (the latter answered 408 first); a head over the size bound is
// answered 431.

#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/mutex.hpp"
#include "http/connections/connection.hpp"

namespace dialer::http {

struct ParkingRules {
  std::chrono::milliseconds keep_alive_idle{5'000};
  std::chrono::milliseconds request_deadline{10'000};
  std::size_t max_head_bytes = 64 << 10;
};

class Parker {
 public:
  using Ready = std::function<void(std::shared_ptr<Connection>)>;
  // `ready` gets each connection whose next request's head is complete, on this thread.
  // `refuse` answers a connection that broke a rule (408, 431) before it is closed.
  using Refuse = std::function<void(Connection&, int status)>;
  Parker(ParkingRules rules, Ready ready, Refuse refuse);
  ~Parker();
  Parker(const Parker&) = delete;
  Parker& operator=(const Parker&) = delete;

  // Takes a connection to wait for its next request (any thread).
  void park(std::shared_ptr<Connection> connection);
  // Closes every parked connection and takes no more.
  void stop();
  std::size_t parked() const;

 private:
  void run();
  void take_arrivals();
  void on_readable(int fd);
  void sweep(SteadyTime now);
  void drop(int fd);

  ParkingRules rules_;
  Ready ready_;
  Refuse refuse_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  mutable Mutex mutex_;
  std::vector<std::shared_ptr<Connection>> arrivals_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::size_t parked_count_ GUARDED_BY(mutex_) = 0;
  std::unordered_map<int, std::shared_ptr<Connection>> parked_;  // the parker thread's own
  std::thread thread_;
};

}  // namespace dialer::http
