#include "http/connections/connection.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace dialer::http {
namespace {

void address_of(const sockaddr_storage& storage, std::string& ip, int& port) {
  char text[INET6_ADDRSTRLEN] = {};
  if (storage.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(storage);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
    port = ntohs(v4.sin_port);
  } else if (storage.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(storage);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
    port = ntohs(v6.sin6_port);
  }
  ip = text;
}

int remaining_ms(SteadyTime until) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                  until - std::chrono::steady_clock::now())
                  .count();
  return static_cast<int>(std::clamp<long long>(left, 0, 60'000));
}

bool wait_for(int fd, short events, SteadyTime until) {
  for (;;) {
    pollfd poll_fd{fd, events, 0};
    auto ready = ::poll(&poll_fd, 1, remaining_ms(until));
    if (ready > 0) return true;
    if (ready == 0 && std::chrono::steady_clock::now() >= until) return false;
    if (ready < 0 && errno != EINTR) return false;
  }
}

}  // namespace

std::string peer_address(int fd) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  std::string ip;
  int port = 0;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length) == 0)
    address_of(storage, ip, port);
  return ip;
}

Connection::Connection(int fd, SSL* tls, ConnectionGate::Ticket ticket)
    : fd_(fd), tls_(tls), ticket_(std::move(ticket)) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&storage), &length) == 0)
    address_of(storage, address_, port_);
  length = sizeof storage;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) == 0)
    address_of(storage, local_address_, local_port_);
  idle_since = std::chrono::steady_clock::now();
}

Connection::~Connection() {
  if (tls_) {
    SSL_shutdown(tls_);  // fails for a session whose handshake never ended: nothing to say
    SSL_free(tls_);
    ERR_clear_error();
  }
  ::shutdown(fd_, SHUT_RDWR);
  ::close(fd_);
}

long Connection::receive(char* into, std::size_t size) {
  if (tls_) {
    auto got = SSL_read(tls_, into, static_cast<int>(std::min<std::size_t>(size, INT32_MAX)));
    if (got > 0) return got;
    auto error = SSL_get_error(tls_, got);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) return kWouldBlock;
    // A failed handshake or record leaves its reasons on this thread's queue: cleared, so
    // that the next connection served here does not read them as its own.
    ERR_clear_error();
    return error == SSL_ERROR_ZERO_RETURN ? 0 : kFailed;
  }
  for (;;) {
    auto got = ::recv(fd_, into, size, MSG_DONTWAIT);
    if (got >= 0) return got;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? kWouldBlock : kFailed;
  }
}

long Connection::send(const char* data, std::size_t size) {
  if (tls_) {
    auto sent = SSL_write(tls_, data, static_cast<int>(std::min<std::size_t>(size, INT32_MAX)));
    if (sent > 0) return sent;
    auto error = SSL_get_error(tls_, sent);
    return error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE ? kWouldBlock : kFailed;
  }
  for (;;) {
    auto sent = ::send(fd_, data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (sent >= 0) return sent;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK ? kWouldBlock : kFailed;
  }
}

bool Connection::wait_readable(SteadyTime until) const {
  return tls_pending() || wait_for(fd_, POLLIN, until);
}

bool Connection::wait_writable(SteadyTime until) const {
  return wait_for(fd_, POLLOUT, until);
}

bool Connection::tls_pending() const {
  return tls_ && SSL_pending(tls_) > 0;
}

bool Connection::send_all(std::string_view data, SteadyTime until) {
  while (!data.empty()) {
    auto sent = send(data.data(), data.size());
    if (sent == kFailed) return false;
    if (sent == kWouldBlock) {
      if (!wait_writable(until)) return false;
      continue;
    }
    data.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

void Connection::drain(SteadyTime until) {
  constexpr std::size_t kMostDrained = 16 << 20;
  char sink[16384];
  std::size_t drained = 0;
  while (drained < kMostDrained) {
    auto got = ::recv(fd_, sink, sizeof sink, MSG_DONTWAIT);
    if (got > 0) {
      drained += static_cast<std::size_t>(got);
      continue;
    }
    if (got == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return;
    if (!wait_for(fd_, POLLIN, until)) return;
  }
}

std::size_t Connection::head_end() const {
  auto blank = buffer.find("\r\n\r\n");
  return blank == std::string::npos ? std::string::npos : blank + 4;
}

bool ConnectionStream::is_readable() const {
  return !c_.buffer.empty() || c_.wait_readable(read_deadline_);
}

bool ConnectionStream::is_writable() const {
  if (!c_.wait_writable(std::chrono::steady_clock::now() + write_timeout_)) return false;
  // Still there: a peer that closed reads as end of stream.
  char probe;
  auto peeked = ::recv(c_.fd(), &probe, 1, MSG_PEEK | MSG_DONTWAIT);
  return peeked != 0;
}

ssize_t ConnectionStream::read(char* ptr, size_t size) {
  if (!c_.buffer.empty()) {
    auto n = std::min(size, c_.buffer.size());
    std::memcpy(ptr, c_.buffer.data(), n);
    c_.buffer.erase(0, n);
    return static_cast<ssize_t>(n);
  }
  for (;;) {
    auto got = c_.receive(ptr, size);
    if (got >= 0) return got;
    if (got == Connection::kFailed || !c_.wait_readable(read_deadline_)) return -1;
  }
}

ssize_t ConnectionStream::write(const char* ptr, size_t size) {
  auto until = std::chrono::steady_clock::now() + write_timeout_;
  for (;;) {
    auto sent = c_.send(ptr, size);
    if (sent >= 0) return sent;
    if (sent == Connection::kFailed || !c_.wait_writable(until)) return -1;
  }
}

void ConnectionStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = c_.address();
  port = c_.port();
}

void ConnectionStream::get_local_ip_and_port(std::string& ip, int& port) const {
  ip = c_.local_address();
  port = c_.local_port();
}

}  // namespace dialer::http
