// dialerd's settings from a file and the environment (the original system's names).

#include "http/node/node_config.hpp"

#include <catch2/catch.hpp>
#include <map>

namespace {

using dialer::http::resolve_node_options;

dialer::http::Environment env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

}  // namespace

TEST_CASE("node config: defaults, then the file, then the environment") {
  std::vector<std::string> notices;
  auto defaults = resolve_node_options(std::nullopt, env_of({}), notices);
  REQUIRE(defaults.ok());
  CHECK(defaults->server.bind == "127.0.0.1");
  CHECK(defaults->server.port == 8080);
  CHECK_FALSE(defaults->mock_mode);
  CHECK(notices.empty());

  auto file = R"({"db": "/srv/dialer", "port": 9000, "apiKeys": ["a", "b"], "mockMode": false})";
  auto from_file = resolve_node_options(file, env_of({}), notices);
  REQUIRE(from_file.ok());
  CHECK(from_file->db_path == "/srv/dialer");
  CHECK(from_file->server.port == 9000);
  CHECK(from_file->api_keys == std::vector<std::string>{"a", "b"});
  CHECK_FALSE(from_file->mock_mode);

  auto env = env_of({{"PORT", "7000"},
                     {"ENABLE_MOCK_MODE", "true"},
                     {"AIRCALL_WEBHOOK_TOKEN", "tok"},
                     {"DIALER_API_KEYS", "k1, k2"},
                     {"AIRCALL_SIM_RING_MS", "0"},
                     {"AIRCALL_SIM_ANSWER_RATE", "0.5"},
                     {"REDIS_HOST", "redis"},
                     {"REDIS_PORT", "6379"},
                     {"DIALER_WEBHOOK_URL", "https://dialer.example.com/api/dialer/webhook"}});
  auto from_env = resolve_node_options(file, env, notices);
  REQUIRE(from_env.ok());
  CHECK(from_env->server.port == 7000);
  CHECK(from_env->mock_mode);
  CHECK(from_env->webhook_token == "tok");
  CHECK(from_env->api_keys == std::vector<std::string>{"k1", "k2"});
  CHECK(from_env->simulation.ring_ms == 0);
  CHECK(from_env->simulation.answer_rate == 0.5);
  CHECK(from_env->webhook_url == "https://dialer.example.com/api/dialer/webhook");
  REQUIRE(notices.size() == 2);
  CHECK(notices[0].find("REDIS_HOST is accepted and ignored") == 0);
  for (const auto& notice : notices) CHECK(notice.find("tok") == std::string::npos);
}

TEST_CASE("node config: bad values are refused with the setting named") {
  std::vector<std::string> notices;
  auto port = resolve_node_options(std::nullopt, env_of({{"PORT", "eighty"}}), notices);
  REQUIRE_FALSE(port.ok());
  CHECK(port.error().field == "port");
  CHECK_FALSE(resolve_node_options(std::nullopt, env_of({{"PORT", "70000"}}), notices).ok());
  CHECK_FALSE(
      resolve_node_options(std::nullopt, env_of({{"ENABLE_MOCK_MODE", "maybe"}}), notices).ok());
  CHECK_FALSE(
      resolve_node_options(std::nullopt, env_of({{"DIALER_TLS_CERT", "c.pem"}}), notices).ok());
  CHECK_FALSE(resolve_node_options(std::string{"[1]"}, env_of({}), notices).ok());
  auto url =
      resolve_node_options(std::nullopt, env_of({{"DIALER_WEBHOOK_URL", "dialer:80"}}), notices);
  REQUIRE_FALSE(url.ok());
  CHECK(url.error().field == "webhookUrl");
  auto unknown = resolve_node_options(std::string{R"({"colour": "blue"})"}, env_of({}), notices);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.find("colour") != std::string::npos);
}

TEST_CASE("node config: the file may hold the API's settings, applied at start") {
  std::vector<std::string> notices;
  auto file = R"({"port": 9000, "scheduling.timeZone": "Europe/Paris",
                  "scheduling.businessDays": [1, 2, 3, 4, 5, 6, 7]})";
  auto options = resolve_node_options(file, env_of({}), notices);
  REQUIRE(options.ok());
  CHECK(options->api_settings.at("scheduling.timeZone") == "Europe/Paris");
  CHECK(options->api_settings.at("scheduling.businessDays").size() == 7);
  auto unknown = resolve_node_options(R"({"scheduling.timezone": "UTC"})", env_of({}), notices);
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().field == "config file: scheduling.timezone");
}

TEST_CASE("node config: the access log may go to a file, CORS origins are checked") {
  std::vector<std::string> notices;
  auto to_file =
      resolve_node_options(std::nullopt, env_of({{"DIALER_ACCESS_LOG", "/tmp/a.log"}}), notices);
  REQUIRE(to_file.ok());
  CHECK(to_file->access_log_path == "/tmp/a.log");
  auto origins = resolve_node_options(
      std::nullopt, env_of({{"DIALER_CORS_ORIGINS", "http://localhost:3000, https://a.example"}}),
      notices);
  REQUIRE(origins.ok());
  CHECK(origins->cors_origins ==
        std::vector<std::string>{"http://localhost:3000", "https://a.example"});
  auto bad =
      resolve_node_options(std::nullopt, env_of({{"DIALER_CORS_ORIGINS", "localhost"}}), notices);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().field == "corsOrigins");
}
