#pragma once

// One client connection as the server holds it: its socket (non-blocking) and, for HTTPS,
// its TLS session; its place at the gate; the bytes read ahead of the request being
// served; and the stream httplib reads a request from and writes its answer to, with one
// deadline for the whole request's head and body rather than one per read.

#include <httplib.h>
#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "http/connections/gate.hpp"

namespace dialer::http {

using SteadyTime = std::chrono::steady_clock::time_point;

class Connection {
 public:
  // Takes the socket (and the TLS session, if any) and closes them when destroyed.
  Connection(int fd, SSL* tls, ConnectionGate::Ticket ticket);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Some bytes into `into` without waiting: how many, 0 when the peer closed, kWouldBlock
  // when none are there yet, kFailed on an error.
  static constexpr long kWouldBlock = -1;
  static constexpr long kFailed = -2;
  long receive(char* into, std::size_t size);
  long send(const char* data, std::size_t size);
  // Waits until the socket is readable (or writable) or `until` passes.
  bool wait_readable(SteadyTime until) const;
  bool wait_writable(SteadyTime until) const;
  // Whether bytes wait in the TLS session beyond what the socket shows.
  bool tls_pending() const;
  // Sends all of `data` or gives up at `until`.
  bool send_all(std::string_view data, SteadyTime until);
  // Reads and drops what the peer sends until it closes or `until` passes (at most a few
  // MiB), for a connection being closed with an answer.
  void drain(SteadyTime until);

  // Where the head of the buffered request ends (after its blank line), or npos.
  std::size_t head_end() const;

  int fd() const { return fd_; }
  bool tls() const { return tls_ != nullptr; }
  const std::string& address() const { return address_; }
  int port() const { return port_; }
  const std::string& local_address() const { return local_address_; }
  int local_port() const { return local_port_; }

  std::string buffer;            // read ahead, not yet consumed
  std::string body;              // the body of the request being served, read whole
  SteadyTime request_started{};  // the first byte of the request being read
  SteadyTime idle_since{};       // when the connection last went quiet
  std::size_t requests_served = 0;

 private:
  int fd_;
  SSL* tls_;
  ConnectionGate::Ticket ticket_;
  std::string address_;
  int port_ = 0;
  std::string local_address_;
  int local_port_ = 0;
};

// The address of a connected socket's peer ("127.0.0.1", "::1").
std::string peer_address(int fd);

// What httplib reads one request from and writes its answer to: the buffered bytes first,
// then the socket, every read before `read_deadline`.
class ConnectionStream final : public httplib::Stream {
 public:
  ConnectionStream(Connection& connection, SteadyTime read_deadline,
                   std::chrono::milliseconds write_timeout)
      : c_(connection), read_deadline_(read_deadline), write_timeout_(write_timeout) {}

  bool is_readable() const override;
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  socket_t socket() const override { return c_.fd(); }

 private:
  Connection& c_;
  SteadyTime read_deadline_;
  std::chrono::milliseconds write_timeout_;
};

}  // namespace dialer::http
