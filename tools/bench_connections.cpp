// bench-connections: the REST API's rate and latency while dialerd holds N idle keep-alive
// connections, N live feeds and N slowloris connections (one header line a second, opened
// again whenever the server cuts one off), against the same server holding none, in one run.
// dialerd runs as a child process in mock mode on loopback.
//   build/tools/bench-connections [--held 1000] [--seconds 10] [--clients 8]
//                                 [--kinds idle,feed,slowloris]
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
#include <map>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tools/bench_cli.hpp"
#include "tools/bench_dialerd.hpp"
#include "tools/bench_log.hpp"

namespace {

using dialer::bench::ApiRun;
using dialer::bench::Child;
using dialer::bench::measure_api;
using dialer::bench::rss_mib_of;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// The held connections, all on one epoll thread of the bench's.
class Holder {
 public:
  enum class Kind { idle, feed, slowloris };

  Holder(int port, std::size_t each, std::vector<Kind> kinds)
      : port_(port), each_(each), kinds_(std::move(kinds)) {
    epoll_ = epoll_create1(0);
  }
  ~Holder() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (auto& [fd, held] : held_) close(fd);
    close(epoll_);
  }

  void start() {
    for (std::size_t i = 0; i < each_; ++i) {
      for (auto kind : kinds_) open_one(kind);
    }
    thread_ = std::thread{[this] { run(); }};
  }

  std::size_t held() const { return held_count_; }
  std::uint64_t feeds_dropped() const { return feeds_dropped_; }
  std::uint64_t idle_dropped() const { return idle_dropped_; }
  std::uint64_t slowloris_cut() const { return slowloris_cut_; }
  std::uint64_t connect_failures() const { return connect_failures_; }
  std::uint64_t feed_bytes() const { return feed_bytes_; }

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
      if (got > 0) {
        if (held_[fd].kind == Kind::feed) feed_bytes_ += static_cast<std::uint64_t>(got);
        continue;
      }
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
  std::vector<Kind> kinds_;
  int epoll_ = -1;
  std::unordered_map<int, Held> held_;
  std::atomic<std::size_t> held_count_{0};
  std::atomic<std::uint64_t> feeds_dropped_{0};
  std::atomic<std::uint64_t> idle_dropped_{0};
  std::atomic<std::uint64_t> slowloris_cut_{0};
  std::atomic<std::uint64_t> connect_failures_{0};
  std::atomic<std::uint64_t> feed_bytes_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t held = 1'000;
  int seconds = 10;
  int clients = 8;
  dialer::bench::BenchCli cli{"bench-connections", "the API under held connections, against none"};
  auto& app = cli.app;
  std::vector<Holder::Kind> kinds{Holder::Kind::idle, Holder::Kind::feed, Holder::Kind::slowloris};
  app.add_option("--held", held, "connections of each kind held (idle, feed, slowloris)");
  // One kind at a time shows what each costs the API.
  app.add_option("--kinds", kinds, "the kinds held")
      ->delimiter(',')
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, Holder::Kind>{{"idle", Holder::Kind::idle},
                                              {"feed", Holder::Kind::feed},
                                              {"slowloris", Holder::Kind::slowloris}}));
  dialer::bench::add_load_options(app, seconds, clients);
  CLI11_PARSE(app, argc, argv);

  dialer::bench::prepare_for_many_sockets();

  auto dir = cli.scratch();
  Child dialerd;
  try {
    dialerd = dialer::bench::start_dialerd(dir / "db", held * kinds.size() + 1'000);
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
  double feed_mib_per_s = 0;  // what the feeds together received while the API was measured
  {
    Holder holder{dialerd.port, held, kinds};
    holder.start();
    std::this_thread::sleep_for(2s);  // let the feeds and the parked connections settle
    holding = holder.held();
    auto feed_bytes_before = holder.feed_bytes();
    loaded = measure_api(dialerd.port, clients, std::chrono::seconds(seconds), next_number);
    rss = rss_mib_of(dialerd.pid);
    feeds_dropped = holder.feeds_dropped();
    idle_dropped = holder.idle_dropped();
    cut = holder.slowloris_cut();
    refused = holder.connect_failures();
    feed_mib_per_s = static_cast<double>(holder.feed_bytes() - feed_bytes_before) / (1 << 20) /
                     static_cast<double>(seconds);
  }
  auto held_of = [&](Holder::Kind kind) {
    return std::count(kinds.begin(), kinds.end(), kind) ? held : std::size_t{0};
  };
  std::printf(
      "holding %zu (%zu idle, %zu feeds, %zu slowloris): %.0f requests/s, p50 %.2f ms, p99 %.2f "
      "ms, errors %llu; feeds dropped %llu, idle dropped %llu, slowloris cut at their deadline "
      "%llu, connects failed %llu; the feeds received %.0f MiB/s\n",
      holding, held_of(Holder::Kind::idle), held_of(Holder::Kind::feed),
      held_of(Holder::Kind::slowloris), loaded.per_s, loaded.p50_ms, loaded.p99_ms,
      static_cast<unsigned long long>(loaded.errors),
      static_cast<unsigned long long>(feeds_dropped), static_cast<unsigned long long>(idle_dropped),
      static_cast<unsigned long long>(cut), static_cast<unsigned long long>(refused),
      feed_mib_per_s);
  dialer::bench::stop_dialerd(dialerd);

  auto errors = baseline.errors + loaded.errors + feeds_dropped + idle_dropped + refused;
  std::printf(
      "bench-connections held=%zu api_p99_ms=%.2f api_ratio=%.2f rss_mib=%.0f errors=%llu\n",
      held * kinds.size(), loaded.p99_ms, baseline.per_s > 0 ? loaded.per_s / baseline.per_s : 0.0,
      rss, static_cast<unsigned long long>(errors));
  return 0;
}
