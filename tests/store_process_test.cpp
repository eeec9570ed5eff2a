#include <atomic>
#include <catch2/catch.hpp>
#include <cstring>
#include <thread>

#include "events/codec.hpp"
#include "storage/event_store.hpp"
#include "support/child_process.hpp"
#include "support/temp_dir.hpp"

using namespace dialer;
using namespace dialer::storage;
using namespace std::chrono_literals;

TEST_CASE("every acknowledged append survives SIGKILL, round after round") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  std::uint64_t total_acknowledged = 0;
  for (int round = 0; round < 4; ++round) {
    INFO("round " << round);
    std::string acks;
    {
      testing::ChildProcess child{{STORE_CHILD_PATH, "append-loop", path, "8"}};
      // Kill at a different depth each round, always mid-flight.
      const std::size_t wanted = (200 + 150 * round) * sizeof(std::uint64_t);
      auto deadline = std::chrono::steady_clock::now() + 60s;
      while (acks.size() < wanted && std::chrono::steady_clock::now() < deadline) {
        REQUIRE(child.read_some(acks, 10s));
      }
      int status = child.kill_and_wait(SIGKILL);
      REQUIRE(WIFSIGNALED(status));
      CHECK(WTERMSIG(status) == SIGKILL);
      acks += child.read_all(5s);  // acknowledged before the kill, still in the pipe
    }
    REQUIRE(acks.size() % sizeof(std::uint64_t) == 0);
    std::vector<std::uint64_t> seqs(acks.size() / sizeof(std::uint64_t));
    std::memcpy(seqs.data(), acks.data(), acks.size());
    total_acknowledged += seqs.size();

    auto store = EventStore::open(path);
    REQUIRE(store.ok());
    std::uint64_t highest = 0;
    for (auto seq : seqs) {
      auto event = (*store)->read_log(seq, 1);
      REQUIRE(event.ok());
      REQUIRE(event->size() == 1);
      CHECK(event->front().seq == seq);
      highest = std::max(highest, seq);
    }
    CHECK((*store)->last_seq() >= highest);
    auto report = (*store)->verify();
    CHECK(report.ok);
    CHECK(report.events_checked == (*store)->last_seq());
  }
  CHECK(total_acknowledged >= 200 + 350 + 500 + 650);
}

TEST_CASE("a second process follows a live writer as a secondary") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  auto store = EventStore::open(path);
  REQUIRE(store.ok());
  for (int i = 0; i < 100; ++i) {
    (*store)
        ->append({"agent-" + std::to_string(i % 5),
                  ExpectedVersion::any(),
                  {NewEvent::from(events::AgentPaused{"before"})},
                  {}})
        .value();
  }
  std::atomic<bool> stop{false};
  std::thread writer{[&] {
    while (!stop) {
      (*store)
          ->append({"agent-live",
                    ExpectedVersion::any(),
                    {NewEvent::from(events::AgentPaused{"during"})},
                    {}})
          .value();
    }
  }};
  std::string answer;
  int status = 0;
  {
    testing::ChildProcess reader{{STORE_CHILD_PATH, "secondary", path, dir.sub("secondary")}};
    answer = reader.read_all(30s);
    status = reader.wait();
  }
  stop = true;
  writer.join();

  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::uint64_t last = 0;
  std::uint64_t verified = 0;
  REQUIRE(std::sscanf(answer.c_str(), "last_seq=%lu verified=%lu", &last, &verified) == 2);
  CHECK(last >= 100);
  CHECK(verified >= 100);
  CHECK(last <= (*store)->last_seq());
}
