// Secrets never leave the server: a key or a token set through the API is logged as a salted
// digest, so the log's bytes, the live feed and a decoded read never show it; one written in
// clear before that rule is shown as a digest too, and still works; Aircall's API
// credentials are never taken into the log; a webhook delivery is kept without its token.

#include "events/secrets.hpp"

#include <cstdio>
#include <cstdlib>

#include "events/codec.hpp"
#include "support/http_fixture.hpp"
#include "support/raw_client.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kKey = "api-key-7f3c9a01e5";
constexpr const char* kToken = "webhook-token-42b8d6";

// Everything the log holds, as bytes and as every event's decoded JSON.
std::string everything_logged(dialer::storage::EventStore& store) {
  std::string seen;
  (void)store.scan_log(1, [&](const dialer::storage::Envelope& e) {
    seen += e.payload;
    auto event = dialer::events::decode(e.type, e.schema, e.payload);
    if (event) seen += dialer::events::to_json(*event).dump();
    return true;
  });
  return seen;
}

// The live feed from the start of the log, until it has shown `type` `count` times.
std::string feed_of(int port, const std::string& bearer, const std::string& type,
                    std::size_t count) {
  RawConnection feed{port};
  REQUIRE(
      feed.send("GET /api/dialer/events?after=0 HTTP/1.1\r\nHost: x\r\n"
                "Authorization: Bearer " +
                bearer + "\r\n\r\n"));
  std::string seen;
  REQUIRE(eventually([&] {
    seen += feed.receive(200ms);
    std::size_t found = 0;
    for (auto at = seen.find("event: " + type); at != std::string::npos;
         at = seen.find("event: " + type, at + 1))
      ++found;
    return found >= count;
  }));
  return seen;
}

}  // namespace

// What dialerctl prints of the database, as an analyst would run it beside the server.
std::string dialerctl_output(const std::string& db, const std::string& arguments) {
  dialer::testing::TempDir scratch;
  auto out = scratch.sub("out");
  auto status = std::system(
      (std::string{DIALERCTL_PATH} + " --db " + db + " " + arguments + " >" + out + " 2>&1")
          .c_str());
  REQUIRE(status == 0);
  std::ifstream in{out};
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST_CASE("secrets: a key and a token set through the API are logged as digests and work") {
  auto options = ServerFixture::fast_options();
  dialer::testing::TempDir logs;
  auto* access_log = std::fopen(logs.sub("access.log").c_str(), "w");
  REQUIRE(access_log);
  options.server.access_log = access_log;
  ServerFixture f{options};
  auto set = f.send("POST", "/api/dialer/config",
                    json{{"settings",
                          {{"security.apiKeys", json::array({kKey, "second-key-0d1e"})},
                           {"aircall.webhookToken", kToken}}}});
  REQUIRE(set.status == 200);
  CHECK(set.text.find(kKey) == std::string::npos);

  auto logged = everything_logged(f.node->store());
  CHECK(logged.find(kKey) == std::string::npos);
  CHECK(logged.find("second-key-0d1e") == std::string::npos);
  CHECK(logged.find(kToken) == std::string::npos);
  CHECK(logged.find("sha256$") != std::string::npos);

  auto feed = feed_of(f.node->port(), kKey, "config.changed", 1);
  CHECK(feed.find(kKey) == std::string::npos);
  CHECK(feed.find(kToken) == std::string::npos);

  // The key is required now, and accepted; the token is the webhooks' one.
  CHECK(f.send("GET", "/api/dialer/agents").status == 401);
  f.bearer = kKey;
  CHECK(f.send("GET", "/api/dialer/agents").status == 200);
  f.bearer = "second-key-0d1e";
  CHECK(f.send("GET", "/api/dialer/agents").status == 200);
  f.bearer = "api-key-7f3c9a01e6";
  CHECK(f.send("GET", "/api/dialer/agents").status == 401);

  auto webhook = json::parse(dialer::testing::sample("contact.updated.json"));
  webhook["token"] = kToken;
  CHECK(f.send("POST", "/api/dialer/webhook", webhook).status == 200);
  webhook["token"] = "webhook-token-42b8d7";
  CHECK(f.send("POST", "/api/dialer/webhook", webhook).status == 401);

  // A delivery is kept without its token, and still recognised when it comes again.
  auto original = dialer::testing::sample("contact.updated.json");
  CHECK(f.send_raw("POST", "/api/dialer/webhook", original, "application/json").status == 200);
  auto again = f.send_raw("POST", "/api/dialer/webhook", original, "application/json");
  CHECK(again.body["duplicate"] == true);
  const std::string sample_token = dialer::testing::kSampleToken;
  REQUIRE(original.find(sample_token) != std::string::npos);
  for (const auto& [what, text] : std::vector<std::pair<std::string, std::string>>{
           {"the log", everything_logged(f.node->store())},
           {"the feed", feed_of(f.node->port(), kKey, "webhook.received", 2)},
           {"the metrics", f.send("GET", "/metrics").text},
           {"the history", f.send("GET", "/api/dialer/history").text},
           {"the config", f.send("GET", "/api/dialer/config").text},
           {"dialerctl events", dialerctl_output(f.dir.sub("db"), "events")},
           {"dialerctl export events", dialerctl_output(f.dir.sub("db"), "export events")},
           {"dialerctl export history", dialerctl_output(f.dir.sub("db"), "export history")},
           {"the server's notices", f.notices.str()},
           {"the access log",
            (std::fflush(access_log), dialer::testing::read_text(logs.sub("access.log")))}}) {
    INFO(what);
    CHECK(text.find(sample_token) == std::string::npos);
    CHECK(text.find(kToken) == std::string::npos);
    CHECK(text.find(kKey) == std::string::npos);
  }

  // After a restart, from the log.
  auto restarted = options;
  restarted.server.access_log = nullptr;
  f.restart(restarted);
  std::fclose(access_log);
  f.bearer = kKey;
  CHECK(f.send("GET", "/api/dialer/agents").status == 200);
  auto config = f.send("GET", "/api/dialer/config?category=security");
  CHECK(config.text.find("sha256") == std::string::npos);
  CHECK(config.text.find("********") != std::string::npos);
}

TEST_CASE("secrets: a key logged in clear before digests is read as a digest and still works") {
  ServerFixture f;
  f.node.reset();
  {
    auto store = dialer::storage::EventStore::open(f.dir.sub("db"), {});
    REQUIRE(store.ok());
    dialer::events::ConfigChanged old;
    old.settings["security.apiKeys"] = json::array({kKey}).dump();
    old.settings["aircall.webhookToken"] = json(kToken).dump();
    old.settings["aircall.apiSecret"] = json("aircall-secret-9").dump();
    old.settings["dialer.maxRetries"] = "5";
    dialer::storage::AppendRequest request;
    request.stream = "config";
    request.events.push_back({std::string{dialer::events::ConfigChanged::type}, 1,
                              dialer::events::encode_fields(old), "", ""});
    REQUIRE((*store)->append(std::move(request)).ok());
    // A delivery as v1 kept it: the body as it came, token and all.
    dialer::events::WebhookReceived delivery{"contact.updated", "contact", 1790000000,
                                             dialer::testing::sample("contact.updated.json")};
    REQUIRE(delivery.body.find(dialer::testing::kSampleToken) != std::string::npos);
    dialer::storage::AppendRequest hook;
    hook.stream = "webhooks";
    hook.events.push_back({std::string{dialer::events::WebhookReceived::type}, 1,
                           dialer::events::encode_fields(delivery), "", ""});
    REQUIRE((*store)->append(std::move(hook)).ok());
  }
  f.start(ServerFixture::fast_options());

  // What every read path decodes: the token and the key as digests, the Aircall secret gone.
  std::string decoded;
  (void)f.node->store().scan_log(1, [&](const dialer::storage::Envelope& e) {
    if (auto event = dialer::events::decode(e.type, e.schema, e.payload))
      decoded += dialer::events::to_json(*event).dump();
    return true;
  });
  CHECK(decoded.find(kKey) == std::string::npos);
  CHECK(decoded.find(kToken) == std::string::npos);
  CHECK(decoded.find("aircall-secret-9") == std::string::npos);
  CHECK(decoded.find("dialer.maxRetries") != std::string::npos);
  CHECK(decoded.find(dialer::testing::kSampleToken) == std::string::npos);
  CHECK(decoded.find("contact.updated") != std::string::npos);

  f.bearer = kKey;
  auto feed = feed_of(f.node->port(), kKey, "config.changed", 1);
  CHECK(feed.find(kKey) == std::string::npos);
  CHECK(feed.find(kToken) == std::string::npos);
  CHECK(feed.find("aircall-secret-9") == std::string::npos);
  auto hooks = feed_of(f.node->port(), kKey, "webhook.received", 1);
  CHECK(hooks.find(dialer::testing::kSampleToken) == std::string::npos);
  CHECK(f.send("GET", "/api/dialer/agents").status == 200);
  f.bearer = "not-the-key";
  CHECK(f.send("GET", "/api/dialer/agents").status == 401);
}

TEST_CASE("secrets: Aircall's API credentials come from the environment and are never logged") {
  ServerFixture f;
  for (const auto* key : {"aircall.apiKey", "aircall.apiSecret"}) {
    INFO(key);
    auto refused =
        f.refused(400, "POST", "/api/dialer/config", json{{"key", key}, {"value", "s3cr3t"}});
    CHECK(refused.body["error"]["field"] == key);
    CHECK(refused.text.find("environment") != std::string::npos);
  }
  CHECK(everything_logged(f.node->store()).find("s3cr3t") == std::string::npos);
}

TEST_CASE("secrets: a digest matches its secret alone") {
  auto salt = dialer::events::new_salt();
  auto stored = dialer::events::secret_digest("the secret", salt);
  CHECK(dialer::events::is_secret_digest(stored));
  CHECK(dialer::events::digest_matches(stored, "the secret"));
  CHECK_FALSE(dialer::events::digest_matches(stored, "the secreT"));
  CHECK_FALSE(dialer::events::digest_matches(stored, ""));
  // Salted: the same secret twice is two digests.
  CHECK(stored != dialer::events::secret_digest("the secret", dialer::events::new_salt()));
  CHECK_FALSE(dialer::events::is_secret_digest("the secret"));
  CHECK_FALSE(dialer::events::digest_matches("the secret", "the secret"));
}
