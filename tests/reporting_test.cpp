#include "actors/projections/reporting.hpp"

#include <catch2/catch.hpp>
#include <cstring>

#include "actors/projections/history_csv.hpp"
#include "actors/projections/projection_runner.hpp"
#include "actors/projections/report_json.hpp"
#include "support/child_process.hpp"
#include "support/eventually.hpp"
#include "support/quota_fs.hpp"
#include "support/temp_dir.hpp"
#include "tools/bench_log.hpp"

using namespace dialer;
using namespace dialer::projections;
using namespace std::chrono_literals;

namespace {

constexpr std::int64_t kT = 1'790'000'000'000;  // 2026-09-21 14:13:20 UTC

struct Log {
  std::uint64_t seq = 0;
  std::map<std::string, std::uint64_t> versions;
  MemoryKv kv;

  void add(const std::string& stream, const events::Event& event, std::int64_t at) {
    auto encoded = events::encode(event);
    storage::Envelope e;
    e.seq = ++seq;
    e.stream = stream;
    e.stream_version = ++versions[stream];
    e.type = encoded.type;
    e.schema = encoded.schema;
    e.recorded_at_ms = at;
    e.payload = encoded.payload;
    REQUIRE(apply(kv, e).ok());
  }
};

events::CallEnded ended(std::int64_t id, std::int64_t start, std::optional<std::int64_t> answered,
                        std::int64_t end, events::CallOutcome outcome, std::string missed = {}) {
  events::CallEnded e;
  e.aircall_call_id = id;
  e.started_at_ms = start;
  e.answered_at_ms = answered;
  e.ended_at_ms = end;
  e.duration_seconds = (end - start) / 1000;
  e.outcome = outcome;
  e.missed_call_reason = std::move(missed);
  e.tags = {"vip"};
  return e;
}

void one_call(Log& log, const std::string& call, const std::string& item, const std::string& agent,
              std::int64_t at, std::optional<std::int64_t> answer_after_ms,
              std::int64_t end_after_ms, events::CallOutcome outcome) {
  log.add("call-" + call, events::CallRequested{call, item, agent, 101, 7, "+33612345678", 1}, at);
  log.add("call-" + call, events::CallCreated{900 + static_cast<std::int64_t>(log.seq), at + 500},
          at + 500);
  if (answer_after_ms)
    log.add("call-" + call, events::CallAnswered{at + 500 + *answer_after_ms},
            at + 500 + *answer_after_ms);
  std::optional<std::int64_t> answered;
  if (answer_after_ms) answered = at + 500 + *answer_after_ms;
  log.add("call-" + call,
          ended(900, at + 500, answered, at + 500 + end_after_ms, outcome,
                answer_after_ms ? "" : "no_answer"),
          at + 500 + end_after_ms);
}

// A store in `dir` holding a generated log of `shape`.
std::unique_ptr<storage::EventStore> store_with_log(const testing::TempDir& dir,
                                                    const bench::LogShape& shape) {
  auto store = storage::EventStore::open(dir.sub("db"));
  REQUIRE(store.ok());
  bench::write_log(**store, shape);
  return std::move(store).value();
}

}  // namespace

TEST_CASE("reporting: one row per call with its client, times, outcome and tags") {
  Log log;
  events::QueueItemAdded item;
  item.item_id = "q1";
  item.client_id = "crm-9";
  item.name = "Anna Gruber";
  item.phone_number = "+33612345678";
  item.metadata_json = R"({"tier":"gold"})";
  log.add("queue-q1", item, kT);
  one_call(log, "c1", "q1", "agent-1", kT + 1000, 8000, 98'000, events::CallOutcome::connected);

  auto page = query_history(log.kv, {});
  REQUIRE(page.total == 1);
  const auto& row = page.rows.at(0);
  CHECK(row.call_id == "c1");
  CHECK(row.client_id == "crm-9");
  CHECK(row.client_name == "Anna Gruber");
  CHECK(row.metadata_json == R"({"tier":"gold"})");
  CHECK(row.agent_id == "agent-1");
  CHECK(row.status == "completed");
  CHECK(row.wait_seconds() == 8);
  CHECK(row.talk_seconds() == 90);
  CHECK(row.tags == std::vector<std::string>{"vip"});
  CHECK(row.requested_at_ms == kT + 1000);

  auto stats = query_stats(log.kv, {});
  CHECK(stats.total.dialled == 1);
  CHECK(stats.total.answered == 1);
  CHECK(stats.total.talk_seconds == 90);
  CHECK(stats.by_agent.at("agent-1").by_status.at("completed") == 1);
  CHECK(stats.realtime.items_by_status.at("pending") == 1);
  CHECK(stats.realtime.calls_in_progress == 0);
}

TEST_CASE("reporting: history filters, newest first, pages and cursors") {
  Log log;
  for (int i = 0; i < 30; ++i) {
    auto agent = i % 3 == 0 ? "agent-a" : "agent-b";
    auto outcome = i % 2 == 0 ? events::CallOutcome::connected : events::CallOutcome::no_answer;
    std::optional<std::int64_t> answer;
    if (i % 2 == 0) answer = 5000;
    one_call(log, "c" + std::to_string(i), "q" + std::to_string(i), agent, kT + i * 60'000, answer,
             30'000, outcome);
  }
  auto all = query_history(log.kv, {.page = {.limit = 100}});
  REQUIRE(all.total == 30);
  for (std::size_t i = 1; i < all.rows.size(); ++i)
    CHECK(all.rows[i - 1].requested_at_ms > all.rows[i].requested_at_ms);

  auto agent_a = query_history(log.kv, {.agent = "agent-a", .page = {.limit = 100}});
  CHECK(agent_a.total == 10);
  auto missed = query_history(log.kv, {.status = "no-answer", .page = {.limit = 100}});
  CHECK(missed.total == 15);
  auto window = query_history(
      log.kv, {.from_ms = kT + 10 * 60'000, .to_ms = kT + 20 * 60'000, .page = {.limit = 100}});
  CHECK(window.total == 10);
  CHECK(window.rows.front().call_id == "c19");
  CHECK(window.rows.back().call_id == "c10");

  auto first = query_history(log.kv, {.page = {.limit = 7}});
  CHECK(first.rows.size() == 7);
  REQUIRE_FALSE(first.next_cursor.empty());
  auto second = query_history(log.kv, {.page = {.limit = 7, .cursor = first.next_cursor}});
  CHECK(second.rows.front().call_id == "c22");
  auto skipped = query_history(log.kv, {.page = {.limit = 7, .skip = 7}});
  CHECK(skipped.rows.front().call_id == second.rows.front().call_id);
}

TEST_CASE("reporting: stats per hour and agent equal a fold of the history") {
  Log log;
  for (int i = 0; i < 50; ++i) {
    std::optional<std::int64_t> answer;
    if (i % 3 != 0) answer = 1000 * (i % 7);
    one_call(log, "c" + std::to_string(i), "q" + std::to_string(i),
             "agent-" + std::to_string(i % 4), kT + i * 17 * 60'000, answer, 20'000 + 1000 * i,
             i % 3 ? events::CallOutcome::connected : events::CallOutcome::busy);
  }
  // A late answered for a finished call is recorded: the stats move with the row.
  log.add("call-c0", events::CallAnswered{kT + 700}, kT + 800'000);
  auto stored = query_stats(log.kv, {});
  auto folded = stats_from_history(log.kv, {});
  CHECK(stored == folded);
  CHECK(stored.total.dialled == 50);
  CHECK(stored.by_hour.size() > 10);
  auto hour = query_stats(
      log.kv, {.agent = "agent-1", .from_ms = kT + 3'600'000, .to_ms = kT + 4 * 3'600'000});
  CHECK(hour ==
        stats_from_history(
            log.kv, {.agent = "agent-1", .from_ms = kT + 3'600'000, .to_ms = kT + 4 * 3'600'000}));
  CHECK(hour.total.dialled < stored.total.dialled);
}

TEST_CASE("reporting: a request closed before Aircall was asked leaves no row") {
  Log log;
  log.add("call-c1", events::CallRequested{"c1", "q1", "agent-1", 101, 7, "+33612345678", 1}, kT);
  CHECK(query_stats(log.kv, {}).realtime.calls_in_progress == 1);
  log.add("call-c1", events::CallStartFailed{events::CallFailure::not_reserved, "agent busy"}, kT);
  CHECK(query_history(log.kv, {}).total == 0);
  CHECK(query_stats(log.kv, {}).realtime.calls_in_progress == 0);
  log.add("call-c2", events::CallRequested{"c2", "q1", "agent-1", 101, 7, "+33612345678", 1}, kT);
  log.add("call-c2", events::CallStartFailed{events::CallFailure::user_unavailable, "405"}, kT);
  auto page = query_history(log.kv, {});
  REQUIRE(page.total == 1);
  CHECK(page.rows[0].status == "failed");
  CHECK(page.rows[0].failure == "user_unavailable");
}

namespace {
std::map<std::string, std::string> stored_state(const storage::EventStore& store) {
  std::map<std::string, std::string> state;
  StoredView view{store, ProjectionRunner::kConsumer};
  view.scan("", [&](std::string_view k, std::string_view v) {
    state.emplace(k, v);
    return true;
  });
  return state;
}

std::map<std::string, std::string> folded_state(const storage::EventStore& store,
                                                std::uint64_t until = 0) {
  MemoryKv kv;
  REQUIRE(store
              .scan_log(1,
                        [&](const storage::Envelope& e) {
                          if (until && e.seq > until) return false;
                          REQUIRE(fold_event(kv, e).ok());
                          return true;
                        })
              .ok());
  return kv.data();
}
}  // namespace

TEST_CASE(
    "reporting: the live projection equals a fresh fold, and resumes after a kill with no gap or "
    "double") {
  testing::TempDir dir;
  auto path = dir.sub("db");
  {
    auto store = storage::EventStore::open(path);
    REQUIRE(store.ok());
    bench::write_log(**store, {60'000, 0.2, 20, kT});
  }
  std::uint64_t killed_at = 0;
  {
    testing::ChildProcess child{{STORE_CHILD_PATH, "project", path}};
    std::string progress;
    REQUIRE(child.read_some(progress, 30s));
    child.kill_and_wait(SIGKILL);
    progress += child.read_all(5s);
    std::memcpy(&killed_at, progress.data() + progress.size() - 8, 8);
  }
  auto store = storage::EventStore::open(path);
  REQUIRE(store.ok());
  auto last = (*store)->last_seq();
  INFO("killed at checkpoint " << killed_at << " of " << last);
  CHECK(killed_at < last);  // mid-stream
  CHECK(*(*store)->checkpoint(ProjectionRunner::kConsumer) >= killed_at);
  {
    auto runner = ProjectionRunner::start(**store);
    REQUIRE(runner.ok());
    REQUIRE(testing::eventually([&] { return (*runner)->checkpoint() == last; }, 60s));
    REQUIRE_FALSE((*runner)->failure());
  }
  CHECK(stored_state(**store) == folded_state(**store));
  auto view = StoredView{**store, ProjectionRunner::kConsumer};
  CHECK(query_stats(view, {}) == stats_from_history(view, {}));
}

TEST_CASE("reporting: replay up to a point equals what the live projection showed then") {
  testing::TempDir dir;
  auto store = store_with_log(dir, {20'000, 0.2, 10, kT});
  auto then = store->last_seq();
  StatsReport live_then;
  {
    auto runner = ProjectionRunner::start(*store);
    REQUIRE(runner.ok());
    REQUIRE(testing::eventually([&] { return (*runner)->checkpoint() == then; }, 60s));
    live_then = query_stats((*runner)->view(), {});
  }
  bench::write_log(*store, {5'000, 0.5, 10, kT + 86'400'000});  // the day goes on
  MemoryKv replayed;
  REQUIRE(store
              ->scan_log(1,
                         [&](const storage::Envelope& e) {
                           if (e.seq > then) return false;
                           REQUIRE(apply(replayed, e).ok());
                           return true;
                         })
              .ok());
  CHECK(query_stats(replayed, {}) == live_then);
  CHECK(query_stats(replayed, {}).total.dialled > 0);
}

TEST_CASE("reporting: a projection rebuilt from zero equals a fresh fold") {
  testing::TempDir dir;
  auto store = store_with_log(dir, {6'000, 0.2, 10, kT});
  auto last = store->last_seq();
  auto run_to_end = [&](bool reset) {
    std::atomic<std::uint64_t> reached{0};
    auto runner = ProjectionRunner::start(*store, reset,
                                          [&](std::uint64_t checkpoint) { reached = checkpoint; });
    REQUIRE(runner.ok());
    REQUIRE(testing::eventually([&] { return reached == last; }, 60s));
  };
  run_to_end(false);
  // Damage the stored state behind the projection's back; a rebuild puts it right.
  REQUIRE(store
              ->commit_projection(ProjectionRunner::kConsumer, last,
                                  {{{"rc\x1f"
                                     "calls\x1f"
                                     "in-progress",
                                     "999"}},
                                   {}})
              .ok());
  CHECK(stored_state(*store) != folded_state(*store));
  run_to_end(true);
  CHECK(stored_state(*store) == folded_state(*store));
  CHECK(*store->checkpoint(ProjectionRunner::kConsumer) == last);
}

TEST_CASE("reporting: a projection of a retired layout is dropped, and the current one folded") {
  testing::TempDir dir;
  auto store = store_with_log(dir, {2'000, 0.2, 5, kT});
  const char* retired = ReportingProjection{}.retired().front();
  storage::ProjectionChanges old_layout;
  old_layout.puts.emplace_back("qp\x1f+33612345678", "q-1");
  REQUIRE(store->commit_projection(retired, store->last_seq(), old_layout).ok());
  auto runner = ProjectionRunner::start(*store);
  REQUIRE(runner.ok());
  CHECK(*store->checkpoint(retired) == 0);
  CHECK_FALSE((*store->projection_get(retired, "qp\x1f+33612345678")).has_value());
  REQUIRE(testing::eventually([&] { return (*runner)->checkpoint() == store->last_seq(); }, 60s));
}

TEST_CASE("reporting: hours and days in the team's zone, and one meaning of duration") {
  Log log;
  events::QueueItemAdded item;
  item.item_id = "q1";
  item.phone_number = "+33612345678";
  log.add("queue-q1", item, kT);
  // 2026-11-30 23:30 UTC is 00:30 on 1 December in Paris.
  constexpr std::int64_t kLateMonday = 1'796'081'400'000;
  one_call(log, "c1", "q1", "agent-1", kLateMonday, 8000, 98'000, events::CallOutcome::connected);

  auto paris = dialer::projections::stats_json(query_stats(log.kv, {.time_zone = "Europe/Paris"}),
                                               "Europe/Paris");
  REQUIRE(paris["byDay"].size() == 1);
  CHECK(paris["byDay"][0]["day"] == "2026-12-01");
  REQUIRE(paris["byHour"].size() == 1);
  CHECK(paris["byHour"][0]["hour"] == "2026-12-01T00:00:00+01:00");
  CHECK(paris["timeZone"] == "Europe/Paris");
  auto utc = dialer::projections::stats_json(query_stats(log.kv, {}), "UTC");
  CHECK(utc["byDay"][0]["day"] == "2026-11-30");
  CHECK(utc["byHour"][0]["hour"] == "2026-11-30T23:00:00+00:00");

  // The stats' duration is the history's: Aircall's span of the call.
  auto row = dialer::projections::row_json(query_history(log.kv, {}).rows.at(0));
  CHECK(utc["stats"]["totalDuration"] == row["duration"]);
  CHECK(utc["stats"]["avgDuration"].get<double>() == row["duration"].get<double>());
}

TEST_CASE("reporting: a CSV cell a spreadsheet would run is neutralised, a number is not") {
  using dialer::projections::csv_cell;
  CHECK(csv_cell("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
  CHECK(csv_cell("@SUM(1+1)") == "'@SUM(1+1)");
  CHECK(csv_cell("+SUM(1)") == "'+SUM(1)");
  CHECK(csv_cell("-1+2") == "'-1+2");
  CHECK(csv_cell("\tx") == "'\tx");
  CHECK(csv_cell("=1,2") == "\"'=1,2\"");
  CHECK(csv_cell("+33622904576") == "+33622904576");
  CHECK(csv_cell("+33 6 22 90 45 76") == "+33 6 22 90 45 76");
  CHECK(csv_cell("-2.5") == "-2.5");
  CHECK(csv_cell("Dupont, \"Jean\"") == "\"Dupont, \"\"Jean\"\"\"");
  CHECK(csv_cell("") == "");

  dialer::projections::HistoryRow row;
  row.call_id = "c-1";
  row.client_name = "=HYPERLINK(\"http://x\")";
  row.phone_number = "+33622904576";
  row.notes = "@SUM(1+1)";
  auto line = dialer::projections::history_csv_line(row);
  CHECK(line.find(",\"'=HYPERLINK(\"\"http://x\"\")\",") != std::string::npos);
  CHECK(line.find(",+33622904576,") != std::string::npos);
  CHECK(line.find(",'@SUM(1+1),") != std::string::npos);
  CHECK(line.ends_with("\n"));
}

TEST_CASE("reporting: a projection whose writes are refused retries and resumes by itself") {
  testing::TempDir dir;
  testing::QuotaDisk disk{256 << 20};
  storage::OpenOptions options;
  options.env = disk.env.get();
  auto store = storage::EventStore::open(dir.sub("db"), options);
  REQUIRE(store.ok());
  bench::write_log(**store, {2'000, 0.2, 5, kT});
  auto last = (*store)->last_seq();
  // The disk fills before the projection has written anything: every commit is refused.
  disk.fs->set_free(0);
  auto runner = ProjectionRunner::start(**store);
  REQUIRE(runner.ok());
  REQUIRE(testing::eventually([&] {
    auto stall = (*runner)->stalled();
    return stall && stall->retries >= 2;
  }));
  CHECK((*runner)->checkpoint() < last);
  CHECK_FALSE((*runner)->failure());
  CHECK_FALSE((*runner)->wait_for(last, 100ms));

  // Room again: the store resumes writing, and the projection with it, where it stopped.
  disk.fs->set_free(256 << 20);
  REQUIRE(testing::eventually([&] { return (*runner)->checkpoint() == last; }, 30s));
  CHECK_FALSE((*runner)->stalled());
  CHECK_FALSE((*runner)->failure());
  MemoryKv fresh;
  REQUIRE(
      (*store)->scan_log(1, [&](const storage::Envelope& e) { return apply(fresh, e).ok(); }).ok());
  CHECK(query_stats((*runner)->view(), {}) == query_stats(fresh, {}));
}
