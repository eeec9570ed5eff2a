#pragma once

// A loopback port free at the time of asking, for a server whose own URL must be known
// before it starts (a webhook URL handed to Aircall). Another process could take it before
// the server binds it, moments later; the server's start then fails loudly.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

namespace dialer::testing {

inline int free_loopback_port() {
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(probe >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  close(probe);
  return ntohs(address.sin_port);
}

}  // namespace dialer::testing
