// bench-console: the REST API's rate and latency while N consoles are open, against the same
// server with none, in one run. A console is what the console page holds all day: one live
// feed (GET /api/dialer/events) and a status read every few seconds on its own keep-alive
// connection. Agents take calls and the API load queues clients meanwhile, so every feed
// carries events. dialerd runs as a child process in mock mode on loopback.
//   build/tools/bench-console [--consoles 1000] [--seconds 10] [--clients 8] [--status-every 5]
// Last line: bench-console consoles=… feed_errors=… status_errors=… api_p99_ms=… api_ratio=…
// (feed_errors: feeds refused or dropped; api_ratio: the API's rate with the consoles open
// over its rate with none).

#include <fcntl.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "tools/bench_cli.hpp"
#include "tools/bench_dialerd.hpp"
#include "tools/bench_log.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

int connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
  return fd;
}

// Every console's two connections, on one epoll thread of the bench's.
class Consoles {
 public:
  Consoles(int port, std::size_t count, std::chrono::milliseconds status_every)
      : port_(port), count_(count), status_every_(status_every), epoll_(epoll_create1(0)) {}
  ~Consoles() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (auto& [fd, socket] : sockets_) close(fd);
    close(epoll_);
  }

  void start() {
    consoles_.resize(count_);
    for (std::size_t i = 0; i < count_; ++i) {
      open_feed(i);
      // Spread over the period, as consoles opened through the day would be.
      consoles_[i].next_status =
          Clock::now() + status_every_ * static_cast<long>(i) / static_cast<long>(count_);
    }
    thread_ = std::thread{[this] { run(); }};
  }

  std::size_t feeds_open() const { return feeds_open_; }
  std::uint64_t feed_errors() const { return feed_errors_; }
  std::uint64_t status_errors() const { return status_errors_; }
  std::uint64_t statuses() const { return statuses_; }
  std::uint64_t frames() const { return frames_; }

 private:
  enum class Kind { feed, status };
  struct Socket {
    Kind kind;
    std::size_t console;
    std::string seen;  // a feed: until its head has come; a status read: its whole answer
    bool head_read = false;
  };
  struct Console {
    int status_fd = -1;
    bool waiting = false;
    Clock::time_point next_status;
    Clock::time_point asked;
  };

  void watch(int fd, Kind kind, std::size_t console) {
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.fd = fd;
    epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
    sockets_[fd] = Socket{kind, console, {}, false};
  }

  void forget(int fd) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
    close(fd);
    sockets_.erase(fd);
  }

  void open_feed(std::size_t console) {
    int fd = connect_loopback(port_);
    if (fd < 0) {
      ++feed_errors_;
      return;
    }
    std::string request =
        "GET /api/dialer/events HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n";
    (void)send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    watch(fd, Kind::feed, console);
  }

  void ask_status(std::size_t index) {
    auto& console = consoles_[index];
    if (console.status_fd < 0) {
      console.status_fd = connect_loopback(port_);
      if (console.status_fd < 0) {
        ++status_errors_;
        return;
      }
      watch(console.status_fd, Kind::status, index);
    }
    auto request = "GET /api/dialer/status/agent-" + std::to_string(index % 20 + 1) +
                   " HTTP/1.1\r\nHost: bench\r\n\r\n";
    if (send(console.status_fd, request.data(), request.size(), MSG_NOSIGNAL) < 0) {
      // The server closed the idle connection: a browser opens another, so does a console.
      forget(console.status_fd);
      console.status_fd = -1;
      return ask_status(index);
    }
    console.waiting = true;
    console.asked = Clock::now();
  }

  void run() {
    std::vector<epoll_event> events(512);
    while (!stop_) {
      auto count = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 20);
      for (int i = 0; i < count; ++i) on_readable(events[i].data.fd);
      auto now = Clock::now();
      for (std::size_t i = 0; i < consoles_.size(); ++i) {
        auto& console = consoles_[i];
        if (console.waiting) {
          if (now - console.asked > 10s) {  // no answer in time: an error, and a new connection
            ++status_errors_;
            console.waiting = false;
            forget(console.status_fd);
            console.status_fd = -1;
          }
          continue;
        }
        if (now < console.next_status) continue;
        console.next_status = now + status_every_;
        ask_status(i);
      }
    }
  }

  void on_readable(int fd) {
    auto found = sockets_.find(fd);
    if (found == sockets_.end()) return;
    auto& socket = found->second;
    char chunk[16384];
    bool closed = false;
    for (;;) {
      auto got = recv(fd, chunk, sizeof chunk, 0);
      if (got > 0) {
        take(socket, std::string_view{chunk, static_cast<std::size_t>(got)});
        continue;
      }
      if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      closed = true;
      break;
    }
    if (socket.kind == Kind::status) return status_answered(fd, socket, closed);
    if (!closed) return;
    // A feed the server ended: an error; the console opens it again, as the page does.
    auto console = socket.console;
    if (socket.head_read) --feeds_open_;
    ++feed_errors_;
    forget(fd);
    if (!stop_) open_feed(console);
  }

  void take(Socket& socket, std::string_view bytes) {
    if (socket.kind == Kind::status || !socket.head_read) {
      socket.seen.append(bytes);
      if (socket.kind == Kind::feed && socket.seen.find("\r\n\r\n") != std::string::npos) {
        socket.head_read = true;
        if (socket.seen.rfind("HTTP/1.1 200", 0) == 0) {
          ++feeds_open_;
        } else {
          ++feed_errors_;
        }
        bytes = std::string_view{socket.seen}.substr(socket.seen.find("\r\n\r\n") + 4);
      } else {
        return;
      }
    }
    for (auto at = bytes.find("\nid: "); at != std::string_view::npos;
         at = bytes.find("\nid: ", at + 1)) {
      ++frames_;
    }
    if (bytes.starts_with("id: ")) ++frames_;
    if (socket.kind == Kind::feed) socket.seen.clear();
  }

  // A status answer is whole once its head and Content-Length bytes have come.
  void status_answered(int fd, Socket& socket, bool closed) {
    auto& console = consoles_[socket.console];
    auto head_end = socket.seen.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      auto length_at = socket.seen.find("Content-Length: ");
      std::size_t length = length_at < head_end
                               ? std::strtoul(socket.seen.c_str() + length_at + 16, nullptr, 10)
                               : 0;
      if (socket.seen.size() >= head_end + 4 + length) {
        if (socket.seen.rfind("HTTP/1.1 200", 0) != 0) ++status_errors_;
        ++statuses_;
        console.waiting = false;
        socket.seen.erase(0, head_end + 4 + length);
      }
    }
    if (!closed) return;
    if (console.waiting) ++status_errors_;
    console.waiting = false;
    console.status_fd = -1;
    forget(fd);
  }

  int port_;
  std::size_t count_;
  std::chrono::milliseconds status_every_;
  int epoll_;
  std::vector<Console> consoles_;
  std::unordered_map<int, Socket> sockets_;
  std::atomic<std::size_t> feeds_open_{0};
  std::atomic<std::uint64_t> feed_errors_{0};
  std::atomic<std::uint64_t> status_errors_{0};
  std::atomic<std::uint64_t> statuses_{0};
  std::atomic<std::uint64_t> frames_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  std::size_t consoles = 1'000;
  int seconds = 10;
  int clients = 8;
  int status_every = 5;
  int agents = 20;
  dialer::bench::BenchCli cli{"bench-console", "the API under N open consoles, against none"};
  auto& app = cli.app;
  app.add_option("--consoles", consoles, "consoles open: a live feed and a status read each");
  app.add_option("--status-every", status_every, "seconds between a console's status reads");
  app.add_option("--agents", agents, "agents taking calls meanwhile (the feeds' events)");
  dialer::bench::add_load_options(app, seconds, clients);
  CLI11_PARSE(app, argc, argv);
  dialer::bench::prepare_for_many_sockets();

  auto dir = cli.scratch();
  dialer::bench::Child dialerd;
  try {
    // Calls at any hour, quickly: the feeds carry what a working team makes.
    dialerd = dialer::bench::start_dialerd(
        dir / "db", consoles * 2 + 1'000,
        {{"AIRCALL_SIM_RING_MS", "500"}, {"AIRCALL_SIM_TALK_MS", "3000"}});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 1;
  }
  {
    httplib::Client setup{"127.0.0.1", dialerd.port};
    auto opened = setup.Post(
        "/api/dialer/config",
        R"({"settings":{"scheduling.businessHoursStart":"00:00","scheduling.businessHoursEnd":"23:59",)"
        R"("scheduling.businessDays":[1,2,3,4,5,6,7],"scheduling.calleeWindowStart":"00:00",)"
        R"("scheduling.calleeWindowEnd":"23:59","dialer.wrapUpSeconds":0}})",
        "application/json");
    bool ok = opened && opened->status == 200;
    for (int a = 1; ok && a <= agents; ++a) {
      auto body = R"({"aircallUserId":)" + std::to_string(a) + R"(,"numberId":1})";
      auto started = setup.Post(("/api/dialer/start/agent-" + std::to_string(a)).c_str(), body,
                                "application/json");
      ok = started && started->status == 200;
    }
    if (!ok) {
      std::fprintf(stderr, "could not set the dialer up\n");
      dialer::bench::stop_dialerd(dialerd);
      return 1;
    }
  }

  std::atomic<std::uint64_t> next_number{0};
  (void)dialer::bench::measure_api(dialerd.port, clients, 2s, next_number);  // warm-up
  auto baseline =
      dialer::bench::measure_api(dialerd.port, clients, std::chrono::seconds(seconds), next_number);
  std::printf("no console: %.0f requests/s, p50 %.2f ms, p99 %.2f ms, errors %llu\n",
              baseline.per_s, baseline.p50_ms, baseline.p99_ms,
              static_cast<unsigned long long>(baseline.errors));

  dialer::bench::ApiRun loaded;
  std::size_t open = 0;
  std::uint64_t feed_errors = 0, status_errors = 0, statuses = 0, frames = 0;
  double rss = 0;
  {
    Consoles held{dialerd.port, consoles, std::chrono::seconds(status_every)};
    held.start();
    // Until every feed has its answer's head (or a deadline): the measure starts with all open.
    auto deadline = Clock::now() + 30s;
    while (held.feeds_open() + held.feed_errors() < consoles && Clock::now() < deadline) {
      std::this_thread::sleep_for(50ms);
    }
    loaded = dialer::bench::measure_api(dialerd.port, clients, std::chrono::seconds(seconds),
                                        next_number);
    rss = dialer::bench::rss_mib_of(dialerd.pid);
    open = held.feeds_open();
    feed_errors = held.feed_errors();
    status_errors = held.status_errors();
    statuses = held.statuses();
    frames = held.frames();
  }
  std::printf(
      "%zu consoles (%zu feeds open): %.0f requests/s, p50 %.2f ms, p99 %.2f ms, errors %llu; "
      "status reads %llu (errors %llu), frames delivered %llu, feed errors %llu\n",
      consoles, open, loaded.per_s, loaded.p50_ms, loaded.p99_ms,
      static_cast<unsigned long long>(loaded.errors), static_cast<unsigned long long>(statuses),
      static_cast<unsigned long long>(status_errors), static_cast<unsigned long long>(frames),
      static_cast<unsigned long long>(feed_errors));
  dialer::bench::stop_dialerd(dialerd);

  std::printf(
      "bench-console consoles=%zu feed_errors=%llu status_errors=%llu api_p99_ms=%.2f "
      "api_ratio=%.2f frames=%llu rss_mib=%.0f\n",
      consoles, static_cast<unsigned long long>(feed_errors),
      static_cast<unsigned long long>(status_errors), loaded.p99_ms,
      baseline.per_s > 0 ? loaded.per_s / baseline.per_s : 0.0,
      static_cast<unsigned long long>(frames), rss);
  return 0;
}
