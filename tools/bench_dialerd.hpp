#pragma once

// What the benchmarks that drive a whole dialerd share: the server as a child process in mock
// mode on a free loopback port, its resident memory, and a REST load of keep-alive clients
// (status reads, queue pages, queue adds) with its rate and latency.

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace dialer::bench {

struct Child {
  pid_t pid = -1;
  int port = 0;
};

// dialerd (beside this executable) on a free port, in mock mode, allowed `max_connections`
// in all and from one address, with `env` set too. Throws when it does not start.
Child start_dialerd(const std::filesystem::path& db, std::size_t max_connections,
                    const std::vector<std::pair<std::string, std::string>>& env = {});
// SIGTERM, then waits for it.
void stop_dialerd(const Child& child);

double rss_mib_of(pid_t pid);

// A French mobile number, one for each n.
std::string french_number(std::uint64_t n);

struct ApiRun {
  double per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::uint64_t errors = 0;
};

// `clients` keep-alive clients for `seconds`: status reads of agent-1, queue pages and queue
// adds (new numbers from `next_number`), two, two and one in five.
ApiRun measure_api(int port, int clients, std::chrono::seconds seconds,
                   std::atomic<std::uint64_t>& next_number);

// Raises the open files limit to its hard limit and ignores SIGPIPE: a bench holds many sockets.
void prepare_for_many_sockets();

}  // namespace dialer::bench
