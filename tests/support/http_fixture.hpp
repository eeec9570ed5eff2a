#pragma once

// A dialer node serving on a free loopback port, a client for it, and the log to check
// what a request left behind.

#include <httplib.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>

#include "http/node/node.hpp"
#include "support/answer_recorder.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

namespace dialer::testing {

inline constexpr const char* kSampleToken = "58ffd2bc5f3113f7bebf210a49299a1b";
inline constexpr std::int64_t kMondayTenUtc = 1'796'032'800'000;  // 2026-11-30 10:00 UTC

struct Answer {
  int status = 0;
  nlohmann::json body;
  std::string text;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in{path};
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The value of setting `key` in the body of a GET /api/dialer/config answer, if it is listed.
inline std::optional<nlohmann::json> setting_in(const nlohmann::json& body,
                                                const std::string& key) {
  for (const auto& setting : body["configs"]) {
    if (setting["key"] == key) return setting["value"];
  }
  return std::nullopt;
}

inline std::string sample(const std::string& name) {
  return read_text(std::string{AIRCALL_SAMPLES_DIR} + "/" + name);
}

class ServerFixture {
 public:
  explicit ServerFixture(http::NodeOptions options = fast_options()) : clock(kMondayTenUtc) {
    start(std::move(options));
  }

  // Stops the node as SIGTERM would and starts another on the same store.
  void restart(http::NodeOptions options = fast_options()) {
    client.reset();
    node.reset();
    start(std::move(options));
  }

  static http::NodeOptions fast_options() {
    http::NodeOptions options;
    options.server.port = 0;
    options.server.access_log = nullptr;
    options.webhook_token = kSampleToken;
    options.telephony = http::TelephonyKind::in_process;
    options.mock_mode = true;
    options.simulation = {0, 0, 0.7, 0.1, 0.1, 7};
    return options;
  }

  Answer send(const std::string& method, const std::string& path,
              const std::optional<nlohmann::json>& body = std::nullopt,
              httplib::Headers headers = {}) {
    return send_raw(method, path, body ? body->dump() : std::string{}, "application/json",
                    std::move(headers));
  }

  Answer send_raw(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& content_type, httplib::Headers headers = {}) {
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    httplib::Result result{nullptr, httplib::Error::Unknown};
    if (method == "GET") {
      result = client->Get(path.c_str(), headers);
    } else if (method == "POST") {
      result = client->Post(path.c_str(), headers, body, content_type.c_str());
    } else if (method == "PUT") {
      result = client->Put(path.c_str(), headers, body, content_type.c_str());
    } else if (method == "DELETE") {
      result = client->Delete(path.c_str(), headers);
    }
    REQUIRE(result);
    Answer answer{result->status, nlohmann::json::parse(result->body, nullptr, false),
                  result->body};
    return answer;
  }

  // The request is refused with `status` and leaves the log as it was.
  Answer refused(int status, const std::string& method, const std::string& path,
                 const std::optional<nlohmann::json>& body = std::nullopt) {
    auto before = changes();
    auto answer = send(method, path, body);
    CHECK(answer.status == status);
    CHECK(answer.body.value("success", true) == false);
    CHECK(changes() == before);
    return answer;
  }
  // How many events the log holds, the dispatcher's own notices aside (it records, on its
  // own time, that the dialable list ran dry or a callback came due: no request's doing).
  std::size_t changes() {
    std::size_t count = 0;
    (void)node->store().scan_log(1, [&](const storage::Envelope& e) {
      if (e.stream != "dispatcher") ++count;
      return true;
    });
    return count;
  }

  // How many events of this type the log holds.
  std::size_t events_of_type(const std::string& type) {
    std::size_t count = 0;
    (void)node->store().scan_log(1, [&](const storage::Envelope& e) {
      if (e.type == type) ++count;
      return true;
    });
    return count;
  }

  void start(http::NodeOptions options) {
    options.db_path = dir.sub("db");
    options.clock = &clock;
    record_answers(options.server);
    auto started = http::Node::start(std::move(options), notices);
    REQUIRE(started.ok());
    node = std::move(started).value();
    if (node->tls()) {
      client =
          std::make_unique<httplib::Client>("https://127.0.0.1:" + std::to_string(node->port()));
      client->enable_server_certificate_verification(false);
    } else {
      client = std::make_unique<httplib::Client>("127.0.0.1", node->port());
    }
    client->set_tcp_nodelay(true);
    client->set_read_timeout(std::chrono::seconds(20));
  }

  domain::ManualClock clock;
  TempDir dir;
  std::ostringstream notices;
  std::unique_ptr<http::Node> node;
  std::unique_ptr<httplib::Client> client;
  std::string bearer;
};

}  // namespace dialer::testing
