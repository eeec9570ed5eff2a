// A second process for the store's tests. Answers go to file descriptor 3.
//   store-child append-loop DB THREADS   appends forever; writes each acknowledged seq
//                                        (8 bytes, native order) as soon as it is durable
//   store-child secondary DB FOLDER      opens DB as a secondary beside its live writer,
//                                        catches up, verifies, writes "last_seq=N verified=N"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "actors/projections/projection_runner.hpp"
#include "events/codec.hpp"
#include "storage/event_store.hpp"

using namespace dialer;
using namespace dialer::storage;

namespace {

constexpr int kAnswerFd = 3;

int append_loop(const std::string& path, int threads) {
  auto store = EventStore::open(path);
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  std::vector<std::thread> appenders;
  for (int t = 0; t < threads; ++t) {
    appenders.emplace_back([&, t] {
      for (std::uint64_t n = 0;; ++n) {
        events::AgentPaused event{"appender " + std::to_string(t) + " #" + std::to_string(n)};
        auto outcome = (*store)->append(
            {"agent-" + std::to_string(t), ExpectedVersion::any(), {NewEvent::from(event)}, {}});
        if (!outcome) std::_Exit(2);
        std::uint64_t seq = outcome->last_seq;
        // One write of eight bytes to a pipe is atomic, so acknowledgements never interleave.
        if (write(kAnswerFd, &seq, sizeof seq) != sizeof seq) std::_Exit(3);
      }
    });
  }
  for (auto& appender : appenders) appender.join();
  return 0;
}

int secondary(const std::string& path, const std::string& folder) {
  auto store = EventStore::open(path, {OpenMode::secondary, folder, {}});
  if (!store) {
    std::fprintf(stderr, "%s\n", store.error().message.c_str());
    return 1;
  }
  if (!(*store)->catch_up()) return 2;
  auto last = (*store)->last_seq();
  auto report = (*store)->verify();
  if (!report.ok) std::fprintf(stderr, "verify: %s\n", report.problem.c_str());
  auto answer = "last_seq=" + std::to_string(last) +
                " verified=" + std::to_string(report.ok ? report.events_checked : 0) + "\n";
  return write(kAnswerFd, answer.data(), answer.size()) == static_cast<ssize_t>(answer.size()) ? 0
                                                                                               : 3;
}

}  // namespace

// Folds the reporting projection, writing each committed checkpoint (8 bytes) to fd 3.
int project(const std::string& path) {
  auto store = EventStore::open(path);
  if (!store) return 1;
  std::atomic<bool> done{false};
  auto last = (*store)->last_seq();
  auto runner = projections::ProjectionRunner::start(**store, false, [&](std::uint64_t checkpoint) {
    if (write(kAnswerFd, &checkpoint, sizeof checkpoint) != sizeof checkpoint) std::_Exit(3);
    if (checkpoint >= last) {
      done = true;
      done.notify_all();
    }
  });
  if (!runner) return 2;
  done.wait(false);
  return 0;
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 2 && args[0] == "project") return project(args[1]);
  if (args.size() == 3 && args[0] == "append-loop") return append_loop(args[1], std::stoi(args[2]));
  if (args.size() == 3 && args[0] == "secondary") return secondary(args[1], args[2]);
  std::fprintf(stderr, "usage: store-child append-loop DB THREADS | secondary DB FOLDER\n");
  return 64;
}
