#include "http/connections/parker.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace dialer::http {
namespace {

using std::chrono::steady_clock;
constexpr int kSweepEveryMs = 100;

}  // namespace

Parker::Parker(ParkingRules rules, Ready ready, Refuse refuse)
    : rules_(rules), ready_(std::move(ready)), refuse_(std::move(refuse)) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = wake_fd_;
  epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
  thread_ = std::thread{[this] { run(); }};
}

Parker::~Parker() {
  stop();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void Parker::park(std::shared_ptr<Connection> connection) {
  {
    Lock lock{mutex_};
    if (stopping_) return;  // dropped: the connection closes with its last owner
    arrivals_.push_back(std::move(connection));
  }
  std::uint64_t one = 1;
  (void)::write(wake_fd_, &one, sizeof one);
}

void Parker::stop() {
  {
    Lock lock{mutex_};
    if (stopping_) return;
    stopping_ = true;
  }
  std::uint64_t one = 1;
  (void)::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

std::size_t Parker::parked() const {
  Lock lock{mutex_};
  return parked_count_;
}

void Parker::run() {
  std::vector<epoll_event> events(256);
  auto next_sweep = steady_clock::now();
  for (;;) {
    auto count =
        epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), kSweepEveryMs);
    {
      Lock lock{mutex_};
      if (stopping_) break;
    }
    for (int i = 0; i < count; ++i) {
      if (events[i].data.fd == wake_fd_) {
        std::uint64_t drained;
        (void)::read(wake_fd_, &drained, sizeof drained);
        take_arrivals();
      } else {
        on_readable(events[i].data.fd);
      }
    }
    auto now = steady_clock::now();
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + std::chrono::milliseconds(kSweepEveryMs);
    }
  }
  parked_.clear();  // closes them
  Lock lock{mutex_};
  arrivals_.clear();
  parked_count_ = 0;
}

void Parker::take_arrivals() {
  std::vector<std::shared_ptr<Connection>> arrived;
  {
    Lock lock{mutex_};
    arrived.swap(arrivals_);
  }
  for (auto& connection : arrived) {
    int fd = connection->fd();
    auto now = steady_clock::now();
    connection->idle_since = now;
    if (!connection->buffer.empty()) connection->request_started = now;
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = fd;
    if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) continue;  // dropped: closes
    // Bytes already here (a pipelined request, a TLS record read ahead) need no wait.
    bool waiting = !connection->buffer.empty() || connection->tls_pending();
    parked_.emplace(fd, std::move(connection));
    if (waiting) on_readable(fd);
  }
  Lock lock{mutex_};
  parked_count_ = parked_.size();
}

void Parker::on_readable(int fd) {
  auto found = parked_.find(fd);
  if (found == parked_.end()) return;
  auto& connection = *found->second;
  char chunk[8192];
  for (;;) {
    if (connection.head_end() != std::string::npos) break;
    if (connection.buffer.size() > rules_.max_head_bytes) {
      refuse_(connection, 431);
      return drop(fd);
    }
    auto got = connection.receive(chunk, sizeof chunk);
    if (got == Connection::kWouldBlock) break;
    if (got <= 0) return drop(fd);  // closed, or broken
    if (connection.buffer.empty()) connection.request_started = steady_clock::now();
    connection.buffer.append(chunk, static_cast<std::size_t>(got));
  }
  if (connection.head_end() == std::string::npos) return;
  auto ready = std::move(found->second);
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  parked_.erase(found);
  {
    Lock lock{mutex_};
    parked_count_ = parked_.size();
  }
  ready_(std::move(ready));
}

void Parker::sweep(SteadyTime now) {
  std::vector<int> expired;
  for (const auto& [fd, connection] : parked_) {
    bool reading = !connection->buffer.empty();
    if (reading && now - connection->request_started > rules_.request_deadline) {
      refuse_(*connection, 408);
      expired.push_back(fd);
    } else if (!reading && now - connection->idle_since > rules_.keep_alive_idle) {
      expired.push_back(fd);
    }
  }
  for (int fd : expired) drop(fd);
}

void Parker::drop(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  parked_.erase(fd);
  Lock lock{mutex_};
  parked_count_ = parked_.size();
}

}  // namespace dialer::http
