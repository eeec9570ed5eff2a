#pragma once

// HTTP as an attacker writes it: a plain socket to a loopback port, bytes sent as they are
// (half a head, a lying Content-Length, a NUL), and whatever comes back read with a
// deadline. Also a held connection that sends one header line at a time, as slowloris does.

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>

namespace dialer::testing {

class RawConnection {
 public:
  explicit RawConnection(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ =
        fd_ >= 0 && ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(RawConnection&& other) noexcept : fd_(other.fd_), connected_(other.connected_) {
    other.fd_ = -1;
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }
  int fd() const { return fd_; }
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      auto sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }
  // What arrives until the peer closes, a whole answer has come, or `timeout` passes.
  std::string receive(std::chrono::milliseconds timeout) {
    std::string got;
    auto until = std::chrono::steady_clock::now() + timeout;
    while (read_until(until, got) == Read::data && !complete(got)) {
    }
    return got;
  }
  // Whether the peer has closed (reads end of stream) within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    auto until = std::chrono::steady_clock::now() + timeout;
    for (std::string ignored;; ignored.clear()) {
      switch (read_until(until, ignored)) {
        case Read::closed:
          return true;
        case Read::timed_out:
          return false;
        case Read::data:
          break;
      }
    }
  }

  // The status of an answer's first line, or 0.
  static int status_of(const std::string& answer) {
    if (!answer.starts_with("HTTP/1.1 ") || answer.size() < 12) return 0;
    return std::stoi(answer.substr(9, 3));
  }
  static std::string body_of(const std::string& answer) {
    auto blank = answer.find("\r\n\r\n");
    return blank == std::string::npos ? std::string{} : answer.substr(blank + 4);
  }

  // Whether `got` holds an answer's head and as much body as its Content-Length says.
  static bool complete(const std::string& got) {
    auto blank = got.find("\r\n\r\n");
    if (blank == std::string::npos) return false;
    auto length_at = got.find("Content-Length: ");
    if (length_at == std::string::npos || length_at > blank) return false;
    auto length = std::stoul(got.substr(length_at + 16));
    return got.size() >= blank + 4 + length;
  }

 private:
  enum class Read { data, closed, timed_out };
  // Waits until `until` for the peer: what it sent next (appended to `into`), or that it
  // closed (or failed).
  Read read_until(std::chrono::steady_clock::time_point until, std::string& into) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    until - std::chrono::steady_clock::now())
                    .count();
    if (left <= 0) return Read::timed_out;
    pollfd watched{fd_, POLLIN, 0};
    if (::poll(&watched, 1, static_cast<int>(left)) <= 0) return Read::timed_out;
    char chunk[8192];
    auto read = ::recv(fd_, chunk, sizeof chunk, 0);
    if (read <= 0) return Read::closed;
    into.append(chunk, static_cast<std::size_t>(read));
    return Read::data;
  }

  int fd_ = -1;
  bool connected_ = false;
};

}  // namespace dialer::testing
