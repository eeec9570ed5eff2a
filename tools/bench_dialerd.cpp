#include "tools/bench_dialerd.hpp"

#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace dialer::bench {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

Child start_dialerd(const std::filesystem::path& db, std::size_t max_connections,
                    const std::vector<std::pair<std::string, std::string>>& env) {
  auto self = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  auto binary = (self / "dialerd").string();
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  auto pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    auto connections = std::to_string(max_connections);
    setenv("ENABLE_MOCK_MODE", "true", 1);
    setenv("DIALER_ACCESS_LOG", "false", 1);
    setenv("DIALER_MAX_CONNECTIONS", connections.c_str(), 1);
    setenv("DIALER_MAX_CONNECTIONS_PER_ADDRESS", connections.c_str(), 1);
    setenv("DIALER_KEEP_ALIVE_SECONDS", "600", 1);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    execl(binary.c_str(), binary.c_str(), "--db", db.c_str(), "--port", "0", nullptr);
    _exit(127);
  }
  close(out[1]);
  std::string seen;
  char chunk[512];
  Child child{pid, 0};
  auto deadline = Clock::now() + 60s;
  while (child.port == 0 && Clock::now() < deadline) {
    auto got = read(out[0], chunk, sizeof chunk);
    if (got <= 0) break;
    seen.append(chunk, static_cast<std::size_t>(got));
    if (auto at = seen.find("serving http://127.0.0.1:"); at != std::string::npos) {
      child.port = std::atoi(seen.c_str() + at + 25);
    }
  }
  // Its further notices go nowhere; a full pipe must not stop it.
  int devnull = open("/dev/null", O_WRONLY);
  std::thread{[fd = out[0], devnull] {
    char sink[4096];
    while (read(fd, sink, sizeof sink) > 0) {
    }
    close(fd);
    close(devnull);
  }}.detach();
  if (child.port == 0) throw std::runtime_error("dialerd did not start: " + seen);
  return child;
}

double rss_mib_of(pid_t pid) {
  std::ifstream status{"/proc/" + std::to_string(pid) + "/status"};
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

std::string french_number(std::uint64_t n) {
  auto digits = std::to_string(10'000'000 + n % 90'000'000);
  return "+336" + digits.substr(digits.size() - 8);
}

ApiRun measure_api(int port, int clients, std::chrono::seconds seconds,
                   std::atomic<std::uint64_t>& next_number) {
  std::vector<std::vector<double>> latencies(clients);
  std::atomic<std::uint64_t> errors{0};
  auto until = Clock::now() + seconds;
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client{"127.0.0.1", port};
      client.set_tcp_nodelay(true);
      client.set_keep_alive(true);
      client.set_read_timeout(10s);
      for (std::uint64_t i = 0; Clock::now() < until; ++i) {
        auto started = Clock::now();
        httplib::Result answer{nullptr, httplib::Error::Unknown};
        switch (i % 5) {
          case 0:
          case 2:
            answer = client.Get("/api/dialer/status/agent-1");
            break;
          case 1:
          case 3:
            answer = client.Get("/api/dialer/queue?limit=10");
            break;
          default: {
            std::string body =
                R"({"phoneNumbers":[")" + french_number(next_number.fetch_add(1)) + R"("]})";
            answer = client.Post("/api/dialer/queue", body, "application/json");
          }
        }
        latencies[c].push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        if (!answer || answer->status >= 300) ++errors;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::vector<double> all;
  for (auto& one : latencies) all.insert(all.end(), one.begin(), one.end());
  std::sort(all.begin(), all.end());
  ApiRun run;
  run.per_s = static_cast<double>(all.size()) / static_cast<double>(seconds.count());
  if (!all.empty()) {
    run.p50_ms = all[all.size() / 2];
    run.p99_ms = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  }
  run.errors = errors;
  return run;
}

void stop_dialerd(const Child& child) {
  kill(child.pid, SIGTERM);
  int status = 0;
  waitpid(child.pid, &status, 0);
}

void prepare_for_many_sockets() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace dialer::bench
