// The intake's rule (http/aircall/webhook_inbox.hpp), on a store, without a server: who may
// deliver, kept before it is acted on, a redelivery acknowledged and asking nothing more.

#include "http/aircall/webhook_inbox.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/temp_dir.hpp"

using namespace dialer;
using namespace dialer::http;

namespace {

struct OneToken : WebhookTokens {
  std::string token;
  bool webhooks_accepted() const override { return !token.empty(); }
  bool accepts_webhook_token(std::string_view presented) const override {
    return !token.empty() && presented == token;
  }
};

std::string sample_with_token(const std::string& name, const std::string& token) {
  std::ifstream in{std::string{AIRCALL_SAMPLES_DIR} + "/" + name};
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  auto body = nlohmann::json::parse(text.str());
  body["token"] = token;
  return body.dump();
}

struct Inbox {
  testing::TempDir dir;
  std::unique_ptr<storage::EventStore> store;
  OneToken tokens;

  Inbox() {
    auto opened = storage::EventStore::open(dir.path().string());
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    tokens.token = "the-token";
  }
};

}  // namespace

TEST_CASE("webhook inbox: a first delivery is kept and says what it asks of the dialer") {
  Inbox inbox;
  auto taken = take_delivery(*inbox.store, inbox.tokens,
                             sample_with_token("call.answered.json", "the-token"));
  REQUIRE(taken.ok());
  CHECK(taken->event == "call.answered");
  CHECK_FALSE(taken->duplicate);
  CHECK(taken->seq == inbox.store->last_seq());
  REQUIRE(taken->telephony);
  CHECK_FALSE(taken->notes);

  auto commented = take_delivery(*inbox.store, inbox.tokens,
                                 sample_with_token("call.commented.json", "the-token"));
  REQUIRE(commented.ok());
  CHECK_FALSE(commented->telephony);
  REQUIRE(commented->notes);
  CHECK(commented->notes->aircall_call_id != 0);
}

TEST_CASE("webhook inbox: a redelivery is acknowledged at its first place and asks nothing") {
  Inbox inbox;
  auto body = sample_with_token("call.answered.json", "the-token");
  auto first = take_delivery(*inbox.store, inbox.tokens, body);
  REQUIRE(first.ok());
  auto again = take_delivery(*inbox.store, inbox.tokens, body);
  REQUIRE(again.ok());
  CHECK(again->duplicate);
  CHECK(again->seq == first->seq);
  CHECK_FALSE(again->telephony);
  CHECK_FALSE(again->notes);
  CHECK(inbox.store->last_seq() == first->seq);
}

TEST_CASE("webhook inbox: without the token, or with none configured, nothing is kept") {
  Inbox inbox;
  auto wrong = take_delivery(*inbox.store, inbox.tokens,
                             sample_with_token("call.answered.json", "not-the-token"));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().code == ErrorCode::unauthenticated);
  CHECK(wrong.error().message == "wrong webhook token");

  inbox.tokens.token.clear();
  auto unconfigured =
      take_delivery(*inbox.store, inbox.tokens, sample_with_token("call.answered.json", ""));
  REQUIRE_FALSE(unconfigured.ok());
  CHECK(unconfigured.error().code == ErrorCode::unauthenticated);
  CHECK(unconfigured.error().field == "token");

  auto malformed = take_delivery(*inbox.store, inbox.tokens, "{\"event\":");
  REQUIRE_FALSE(malformed.ok());
  CHECK(inbox.store->last_seq() == 0);
}
