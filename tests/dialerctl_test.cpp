#include <rocksdb/db.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "actors/live_set.hpp"
#include "actors/projections/projection_runner.hpp"
#include "actors/projections/report_json.hpp"
#include "storage/keys.hpp"
#include "support/eventually.hpp"
#include "support/live_set_records.hpp"
#include "support/raw_log.hpp"
#include "support/temp_dir.hpp"
#include "tools/bench_log.hpp"
#include "tools/dialerctl/commands.hpp"

using namespace dialer;
using namespace std::chrono_literals;

namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

// Runs dialerctl with `arguments` and returns its exit code and what it printed.
Run dialerctl(const testing::TempDir& dir, const std::string& arguments) {
  auto out = dir.sub("stdout");
  auto err = dir.sub("stderr");
  auto status = std::system(
      (std::string{DIALERCTL_PATH} + " " + arguments + " >" + out + " 2>" + err).c_str());
  auto slurp = [](const std::string& path) {
    std::ifstream in{path};
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(out), slurp(err)};
}

// The run ended with `code` and printed `phrase` on its standard output.
void check_run(const Run& run, int code, const std::string& phrase) {
  INFO("stdout: " << run.out << "\nstderr: " << run.err);
  CHECK(run.code == code);
  CHECK(run.out.find(phrase) != std::string::npos);
}

std::size_t lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

constexpr std::int64_t kT = 1'790'000'000'000;

// A database at `db` holding a log of `shape`, closed again for the command to open.
bench::Written closed_log(const std::string& db, const bench::LogShape& shape) {
  auto store = storage::EventStore::open(db);
  REQUIRE(store.ok());
  return bench::write_log(**store, shape);
}

}  // namespace

TEST_CASE("dialerctl: events, stats, export, replay and verify on a generated log") {
  testing::TempDir dir;
  auto db = dir.sub("db");
  auto written = closed_log(db, {8'000, 0.25, 5, kT});
  auto completed = written.items - written.pending_items;
  auto arg = "--db " + db + " ";

  auto ended = dialerctl(dir, arg + "events --type call.ended");
  REQUIRE(ended.code == 0);
  CHECK(lines(ended.out) == completed);
  auto first = nlohmann::json::parse(ended.out.substr(0, ended.out.find('\n')));
  CHECK(first["type"] == "call.ended");
  CHECK(first["data"]["outcome"] == "connected");

  auto agent_events =
      dialerctl(dir, arg + "events --prefix agent- --from-seq 100 --to-seq 400 --format table");
  REQUIRE(agent_events.code == 0);
  CHECK(agent_events.out.find("agent.reserved") != std::string::npos);
  CHECK(agent_events.out.find("queue.item_added") == std::string::npos);

  auto stats = dialerctl(dir, arg + "stats --format json");
  REQUIRE(stats.code == 0);
  auto json = nlohmann::json::parse(stats.out);
  CHECK(json["stats"]["total"] == completed);
  CHECK(json["realtime"]["queueByStatus"]["pending"] == written.pending_items);

  auto history =
      dialerctl(dir, arg + "export history --format csv --out " + dir.sub("history.csv"));
  REQUIRE(history.code == 0);
  std::ifstream csv{dir.sub("history.csv")};
  std::stringstream csv_text;
  csv_text << csv.rdbuf();
  CHECK(lines(csv_text.str()) == completed + 1);

  auto events_csv = dialerctl(dir, arg + "export events --type queue.item_added");
  REQUIRE(events_csv.code == 0);
  CHECK(lines(events_csv.out) == written.items + 1);

  // Time travel: the stats folded up to a sequence number equal a fold stopped there.
  auto replayed = dialerctl(dir, arg + "replay --until-seq 3000 --format json");
  REQUIRE(replayed.code == 0);
  projections::MemoryKv kv;
  {
    auto store = storage::EventStore::open(db, {storage::OpenMode::read_only, {}, {}, nullptr});
    REQUIRE((*store)
                ->scan_log(1,
                           [&](const storage::Envelope& e) {
                             if (e.seq > 3000) return false;
                             REQUIRE(projections::apply(kv, e).ok());
                             return true;
                           })
                .ok());
  }
  CHECK(nlohmann::json::parse(replayed.out) ==
        projections::stats_json(projections::query_stats(kv, {})));

  check_run(dialerctl(dir, arg + "verify"), 0, "intact");
}

TEST_CASE("dialerctl: works beside a live writer, and checks the projection it keeps") {
  testing::TempDir dir;
  auto db = dir.sub("db");
  auto store = storage::EventStore::open(db);
  REQUIRE(store.ok());
  bench::write_log(**store, {4'000, 0.25, 5, kT});
  auto last = (*store)->last_seq();
  {
    auto runner = projections::ProjectionRunner::start(**store);
    REQUIRE(runner.ok());
    auto live_set = projections::ProjectionRunner::start(
        **store, std::make_unique<actors::LiveSetProjection>(**store));
    REQUIRE(live_set.ok());
    REQUIRE(testing::eventually([&] { return (*runner)->checkpoint() == last; }, 30s));
    REQUIRE(testing::eventually([&] { return (*live_set)->checkpoint() == last; }, 30s));
  }
  // The server still holds the database open.
  auto verified = dialerctl(dir, "--db " + db + " verify");
  CHECK(verified.code == 0);
  CHECK(verified.out.find("equal a fresh fold") != std::string::npos);
  CHECK(verified.out.find("records at checkpoint " + std::to_string(last) + " equal a full fold") !=
        std::string::npos);

  // A live-set record that is not what the log says is named.
  auto item_key = testing::first_item_record(**store);
  storage::ProjectionChanges planted;
  planted.deletes.push_back(item_key);
  REQUIRE((*store)->commit_projection(actors::kLiveSetConsumer, last, planted).ok());
  check_run(dialerctl(dir, "--db " + db + " verify"), 1, "the first: queue-" + item_key.substr(2));
  check_run(dialerctl(dir, "--db " + db + " stats"), 0, "TOTAL");
  CHECK(std::filesystem::exists(db + "/CURRENT"));
}

TEST_CASE("dialerctl: a damaged log is named by its sequence number, bad input is a usage error") {
  testing::TempDir dir;
  auto db = dir.sub("db");
  closed_log(db, {500, 0.25, 5, kT});
  testing::damage_logged_event(db, 321, 1.0 / 3);
  check_run(dialerctl(dir, "--db " + db + " verify"), 1, "seq 321");

  auto missing = dialerctl(dir, "--db " + dir.sub("nowhere") + " stats");
  CHECK(missing.code == 3);
  CHECK(missing.err.find("no database at") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.sub("nowhere")));
  CHECK(dialerctl(dir, "--db " + db + " events --since yesterday").code == 2);
  CHECK(dialerctl(dir, "--db " + db + " teleport").code == 2);
  // A mistyped command is named, with the ones there are.
  auto typo = dialerctl(dir, "--db " + db + " evnets --limit 3");
  CHECK(typo.code == 2);
  CHECK(typo.err.find("no command \"evnets\": the commands are events, replay") !=
        std::string::npos);
  CHECK(dialerctl(dir, "--db " + db + " events --limit -1").code == 2);
  CHECK(dialerctl(dir, "--db " + db + " events --to-seq -5").code == 2);
  CHECK(dialerctl(dir, "stats").code == 2);
  check_run(dialerctl(dir, "replay --help"), 0, "--until-seq");
}

TEST_CASE("dialerctl: flags after the subcommand, --version, --from-seq 0, closed pipes") {
  testing::TempDir dir;
  auto db = dir.sub("db");
  closed_log(db, {2'000, 0.25, 12, kT});
  auto after = dialerctl(dir, "events --limit 3 --db " + db);
  CHECK(after.code == 0);
  CHECK(lines(after.out) == 3);
  auto from_zero = dialerctl(dir, "events --db " + db + " --from-seq 0 --limit 1");
  CHECK(from_zero.code == 0);
  CHECK(nlohmann::json::parse(from_zero.out)["seq"] == 1);
  auto version = dialerctl(dir, "--version");
  CHECK(version.code == 0);
  CHECK(version.out.starts_with("dialerctl "));

  // A reader that stops early: quiet, exit 0, and no scratch folder left behind.
  auto scratch = dir.sub("scratch");
  std::filesystem::create_directories(scratch);
  auto status = std::system((std::string{"bash -c 'set -o pipefail; TMPDIR="} + scratch + " " +
                             DIALERCTL_PATH + " --db " + db + " events 2>" + dir.sub("pipe.err") +
                             " | head -1 >/dev/null'")
                                .c_str());
  CHECK(WEXITSTATUS(status) == 0);
  std::ifstream err{dir.sub("pipe.err")};
  std::string said{std::istreambuf_iterator<char>{err}, {}};
  CHECK(said.empty());
  CHECK(std::filesystem::is_empty(scratch));
}

TEST_CASE("dialerctl: unknown filter values, a history table, agents in natural order") {
  testing::TempDir dir;
  auto db = dir.sub("db");
  closed_log(db, {2'000, 0.25, 12, kT});
  auto arg = "--db " + db + " ";
  auto unknown = dialerctl(dir, arg + "export history --status answered");
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("completed") != std::string::npos);

  auto table = dialerctl(dir, arg + "replay --history --format table");
  REQUIRE(table.code == 0);
  CHECK(table.out.starts_with("REQUESTED"));
  CHECK(table.out.find('{') == std::string::npos);

  auto stats = dialerctl(dir, arg + "stats");
  REQUIRE(stats.code == 0);
  INFO(stats.out);
  auto two = stats.out.find("\n2 ");
  auto ten = stats.out.find("\n10 ");
  REQUIRE(two != std::string::npos);
  REQUIRE(ten != std::string::npos);
  CHECK(two < ten);

  auto early = dialerctl(dir, arg + "replay --until 2020-01-01");
  CHECK(early.code == 0);
  CHECK(early.err.find("the log begins at") != std::string::npos);
}

TEST_CASE("dialerctl: natural order compares runs of digits as numbers") {
  CHECK(ctl::natural_less("agent-2", "agent-10"));
  CHECK_FALSE(ctl::natural_less("agent-10", "agent-2"));
  CHECK(ctl::natural_less("agent-02", "agent-3"));
  CHECK(ctl::natural_less("a", "b"));
  CHECK(ctl::natural_less("agent", "agent-1"));
  CHECK_FALSE(ctl::natural_less("agent-7", "agent-7"));
}

TEST_CASE("dialerctl: backup of a stopped database, the list, and a restore that verifies") {
  testing::TempDir dir;
  auto db = dir.sub("db");
  closed_log(db, {3'000, 0.25, 5, kT});
  auto backed = dialerctl(dir, "backup --db " + db + " --to " + dir.sub("backups"));
  INFO(backed.err);
  REQUIRE(backed.code == 0);
  CHECK(backed.out.starts_with("backup 1: "));
  auto listed = dialerctl(dir, "backups --from " + dir.sub("backups"));
  REQUIRE(listed.code == 0);
  CHECK(lines(listed.out) == 1);

  auto restored =
      dialerctl(dir, "restore --from " + dir.sub("backups") + " --to " + dir.sub("restored"));
  INFO(restored.out << restored.err);
  REQUIRE(restored.code == 0);
  CHECK(restored.out.find("hash chain intact") != std::string::npos);
  CHECK(restored.out.find("done, verified") != std::string::npos);
  // Never over a database, and a store in use is backed up by its server, not behind it.
  auto over = dialerctl(dir, "restore --from " + dir.sub("backups") + " --to " + db);
  CHECK(over.code == 2);
  auto store = storage::EventStore::open(db);
  REQUIRE(store.ok());
  auto busy = dialerctl(dir, "backup --db " + db + " --to " + dir.sub("backups"));
  CHECK(busy.code == 3);
  CHECK(busy.err.find("--server") != std::string::npos);
}
