// dialerd as its users run it: a process that serves, and on SIGTERM stops accepting,
// finishes, closes its store and exits 0; started again, it finds everything.

#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/child_process.hpp"
#include "support/port_in_output.hpp"
#include "support/temp_dir.hpp"

namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// dialerd writes its notices to stdout; here stdout is the pipe on descriptor 3.
struct Dialerd {
  explicit Dialerd(const std::string& db)
      : process({"/bin/sh", "-c",
                 std::string{"ENABLE_MOCK_MODE=true exec "} + DIALERD_PATH + " --db " + db +
                     " --port 0 >&3 2>&3"}) {
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < deadline && process.read_some(output, 1s)) {
      auto serving = dialer::testing::port_after(output, "serving http://127.0.0.1:");
      if (serving && output.find("ready;") != std::string::npos) {
        port = *serving;
        return;
      }
    }
    FAIL("dialerd did not start: " << output);
  }
  dialer::testing::ChildProcess process;
  std::string output;
  int port = 0;
};

}  // namespace

TEST_CASE("dialerd: serves, stops gracefully on SIGTERM, and starts again on the same log") {
  dialer::testing::TempDir dir;
  auto db = dir.sub("db");
  std::string item_id;
  {
    Dialerd server{db};
    httplib::Client client{"127.0.0.1", server.port};
    client.set_tcp_nodelay(true);
    auto added = client.Post(
        "/api/dialer/queue",
        json{{"clients",
              {{{"phoneNumber", "+33612345678"}, {"scheduledFor", "2030-01-01T00:00:00Z"}}}}}
            .dump(),
        "application/json");
    REQUIRE(added);
    REQUIRE(added->status == 200);
    item_id = json::parse(added->body)["results"][0]["queueItem"]["id"];
    auto status = server.process.kill_and_wait(SIGTERM);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    server.output += server.process.read_all(5s);
    CHECK(server.output.find("dialerd: stopped") != std::string::npos);
  }
  Dialerd again{db};
  CHECK(again.output.find("1 items pending") != std::string::npos);
  httplib::Client client{"127.0.0.1", again.port};
  auto listed = client.Get("/api/dialer/queue");
  REQUIRE(listed);
  auto body = json::parse(listed->body);
  REQUIRE(body["totalCount"] == 1);
  CHECK(body["queueItems"][0]["id"] == item_id);
}

namespace {

// Runs dialerd to its end with `environment` and `arguments`; what it said, and how it ended.
std::pair<int, std::string> run_dialerd(const std::string& environment,
                                        const std::string& arguments) {
  dialer::testing::ChildProcess process{
      {"/bin/sh", "-c",
       environment + " exec " + DIALERD_PATH + " " + arguments + " >&3 2>&3 </dev/null"}};
  auto said = process.read_all(30s);
  return {process.wait(), said};
}

}  // namespace

TEST_CASE("dialerd: --help lists the environment, and a start that cannot go says why in words") {
  auto [help_code, help] = run_dialerd("", "--help");
  CHECK(help_code == 0);
  // A flag it does not know is a usage error, as with every command line tool.
  auto [unknown, unknown_said] = run_dialerd("", "--no-such-flag");
  CHECK(WIFEXITED(unknown));
  CHECK(WEXITSTATUS(unknown) == 2);
  CHECK(unknown_said.find("--no-such-flag") != std::string::npos);
  for (const auto* name : {"DIALER_API_KEYS", "DIALER_CORS_ORIGINS", "ENABLE_MOCK_MODE",
                           "AIRCALL_API_KEY", "DIALER_ACCESS_LOG", "(8080)"}) {
    CHECK(help.find(name) != std::string::npos);
  }

  dialer::testing::TempDir dir;
  // No credentials and no mock mode: refused before anything is created on disk.
  auto [no_credentials, said] =
      run_dialerd("ENABLE_MOCK_MODE=false", "--db " + dir.sub("never") + " --port 0");
  CHECK(no_credentials != 0);
  CHECK(said.find("no Aircall credentials") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.sub("never")));

  Dialerd server{dir.sub("db")};
  // The same database: in use.
  auto [locked, locked_said] =
      run_dialerd("ENABLE_MOCK_MODE=true", "--db " + dir.sub("db") + " --port 0");
  CHECK(locked != 0);
  CHECK(locked_said.find("is in use by another process") != std::string::npos);
  // The same port: taken.
  auto [busy, busy_said] = run_dialerd(
      "ENABLE_MOCK_MODE=true", "--db " + dir.sub("db2") + " --port " + std::to_string(server.port));
  CHECK(busy != 0);
  CHECK(busy_said.find("the port is in use by another process") != std::string::npos);
  // A first start says nothing alarming about the folder it creates.
  CHECK(server.output.find("[ERROR]") == std::string::npos);
}
