// bench-connections: the REST API's rate and latency while dialerd holds N idle keep-alive
// connections, N live feeds and N slowloris connections (one header line a second, opened
// again whenever the server cuts one off), against the same server holding none, in one run.
// dialerd runs as a child process in mock mode on loopback.
//   build/tools/bench-connections [--held 1000] [--seconds 10] [--clients 8]
// Last line: bench-connections held=… api_p99_ms=… api_ratio=… rss_mib=… errors=…

#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tools/bench_log.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

struct Child {
  pid_t pid = -1;
  int port = 0;
};

// dialerd on a free port, in mock mode, with room for every held connection.
Child start_dialerd(const std::filesystem::path& db, std::size_t held) {
  auto self = std::filesystem::read_symlink("/proc/self/exe").parent_path();
  auto binary = (self / "dialerd").string();
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe");
  auto pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    auto connections = std::to_string(held * 3 + 1'000);
    setenv("ENABLE_MOCK_MODE", "true", 1);
    setenv("DIALER_ACCESS_LOG", "false", 1);
    setenv("DIALER_MAX_CONNECTIONS", connections.c_str(), 1);
    setenv("DIALER_MAX_CONNECTIONS_PER_ADDRESS", connections.c_str(), 1);
    setenv("DIALER_KEEP_ALIVE_SECONDS", "600", 1);
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

struct ApiRun {
  double per_s = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  std::uint64_t errors = 0;
};

// `clients` keep-alive clients for `seconds`: status reads, queue pages and queue adds.
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

// The held connections, all on one epoll thread of the bench's.
class Holder {
 public:
  enum class Kind { idle, feed, slowloris };

  Holder(int port, std::size_t each) : port_(port), each_(each) { epoll_ = epoll_create1(0); }
  ~Holder() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (auto& [fd, held] : held_) close(fd);
    close(epoll_);
  }

  void start() {
    for (std::size_t i = 0; i < each_; ++i) {
      for (auto kind : {Kind::idle, Kind::feed, Kind::slowloris}) open_one(kind);
    }
    thread_ = std::thread{[this] { run(); }};
  }

  std::size_t held() const { return held_count_; }
  std::uint64_t feeds_dropped() const { return feeds_dropped_; }
  std::uint64_t idle_dropped() const { return idle_dropped_; }
  std::uint64_t slowloris_cut() const { return slowloris_cut_; }
  std::uint64_t connect_failures() const { return connect_failures_; }

 private:
  struct Held {
    Kind kind;
    Clock::time_point next_line;
  };

  void open_one(Kind kind) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      if (fd >= 0) close(fd);
      ++connect_failures_;
      return;
    }
    std::string request;
    switch (kind) {
      case Kind::idle:
        request = "GET /healthz HTTP/1.1\r\nHost: bench\r\n\r\n";
        break;
      case Kind::feed:
        request = "GET /api/dialer/events HTTP/1.1\r\nHost: bench\r\n\r\n";
        break;
      case Kind::slowloris:
        request = "GET /healthz HTTP/1.1\r\nHost: bench\r\n";
        break;
    }
    (void)send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = fd;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    held_[fd] = Held{kind, Clock::now() + 1s};
    held_count_ = held_.size();
  }

  void run() {
    std::vector<epoll_event> events(512);
    while (!stop_) {
      auto count = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 100);
      for (int i = 0; i < count; ++i) on_readable(events[i].data.fd);
      auto now = Clock::now();
      for (auto& [fd, held] : held_) {
        if (held.kind != Kind::slowloris || now < held.next_line) continue;
        (void)send(fd, "X-Slow: 1\r\n", 11, MSG_NOSIGNAL);
        held.next_line = now + 1s;
      }
    }
  }

  void on_readable(int fd) {
    char sink[16384];
    for (;;) {
      auto got = recv(fd, sink, sizeof sink, 0);
      if (got > 0) continue;
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      break;  // closed
    }
    auto kind = held_[fd].kind;
    epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    held_.erase(fd);
    switch (kind) {
      case Kind::idle:
        ++idle_dropped_;
        break;
      case Kind::feed:
        ++feeds_dropped_;
        break;
      case Kind::slowloris:
        ++slowloris_cut_;  // what the server is meant to do: cut it at its deadline
        break;
    }
    if (!stop_) open_one(kind);
  }

  int port_;
  std::size_t each_;
  int epoll_ = -1;
  std::unordered_map<int, Held> held_;
  std::atomic<std::size_t> held_count_{0};
  std::atomic<std::uint64_t> feeds_dropped_{0};
  std::atomic<std::uint64_t> idle_dropped_{0};
  std::atomic<std::uint64_t> slowloris_cut_{0};
  std::atomic<std::uint64_t> connect_failures_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t held = 1'000;
  int seconds = 10;
  int clients = 8;
  std::string parent = std::filesystem::temp_directory_path().string();
  CLI::App app{"bench-connections: the API under held connections, against none"};
  app.add_option("--held", held, "connections of each kind held (idle, feed, slowloris)");
  app.add_option("--seconds", seconds, "seconds per measured run");
  app.add_option("--clients", clients, "API clients, each with one keep-alive connection");
  app.add_option("--dir", parent, "where the temporary database goes");
  CLI11_PARSE(app, argc, argv);

  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
  signal(SIGPIPE, SIG_IGN);

  auto dir = dialer::bench::make_temp_dir(parent, "bench-connections");
  Child dialerd;
  try {
    dialerd = start_dialerd(dir / "db", held);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  {
    httplib::Client setup{"127.0.0.1", dialerd.port};
    auto started = setup.Post("/api/dialer/start/agent-1", R"({"aircallUserId":1,"numberId":1})",
                              "application/json");
    if (!started || started->status != 200) {
      std::fprintf(stderr, "could not start an agent\n");
      kill(dialerd.pid, SIGKILL);
      return 1;
    }
  }
  std::atomic<std::uint64_t> next_number{0};
  (void)measure_api(dialerd.port, clients, 2s, next_number);  // warm-up, not scored
  auto baseline = measure_api(dialerd.port, clients, std::chrono::seconds(seconds), next_number);
  std::printf("no held connections: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, errors %llu\n",
              baseline.per_s, baseline.p50_ms, baseline.p99_ms,
              static_cast<unsigned long long>(baseline.errors));

  ApiRun loaded;
  std::size_t holding = 0;
  std::uint64_t feeds_dropped = 0, idle_dropped = 0, cut = 0, refused = 0;
  double rss = 0;
  {
    Holder holder{dialerd.port, held};
    holder.start();
    std::this_thread::sleep_for(2s);  // let the feeds and the parked connections settle
    holding = holder.held();
    loaded = measure_api(dialerd.port, clients, std::chrono::seconds(seconds), next_number);
    rss = rss_mib_of(dialerd.pid);
    feeds_dropped = holder.feeds_dropped();
    idle_dropped = holder.idle_dropped();
    cut = holder.slowloris_cut();
    refused = holder.connect_failures();
  }
  std::printf(
      "holding %zu (%zu idle, %zu feeds, %zu slowloris): %.0f requests/s, p50 %.2f ms, p99 %.2f "
      "ms, errors %llu; feeds dropped %llu, idle dropped %llu, slowloris cut at their deadline "
      "%llu, connects failed %llu\n",
      holding, held, held, held, loaded.per_s, loaded.p50_ms, loaded.p99_ms,
      static_cast<unsigned long long>(loaded.errors),
      static_cast<unsigned long long>(feeds_dropped), static_cast<unsigned long long>(idle_dropped),
      static_cast<unsigned long long>(cut), static_cast<unsigned long long>(refused));
  kill(dialerd.pid, SIGTERM);
  int status = 0;
  waitpid(dialerd.pid, &status, 0);
  std::filesystem::remove_all(dir);

  auto errors = baseline.errors + loaded.errors + feeds_dropped + idle_dropped + refused;
  std::printf(
      "bench-connections held=%zu api_p99_ms=%.2f api_ratio=%.2f rss_mib=%.0f errors=%llu\n",
      held * 3, loaded.p99_ms, baseline.per_s > 0 ? loaded.per_s / baseline.per_s : 0.0, rss,
      static_cast<unsigned long long>(errors));
  return 0;
}
