// Aircall's webhooks: every captured sample is read, stored once and applied; a wrong
// token, malformed JSON or an oversized body stores nothing.

#include "http/aircall/webhook.hpp"

#include <filesystem>
#include <set>

#include "support/http_fixture.hpp"

namespace {

using dialer::actors::TelephonyEvent;
using namespace dialer::testing;
using nlohmann::json;

std::vector<std::string> sample_names() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator{AIRCALL_SAMPLES_DIR}) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The sample with the token this test's server expects.
std::string with_token(const std::string& body, const std::string& token) {
  auto parsed = json::parse(body);
  parsed["token"] = token;
  return parsed.dump();
}

// Koen queued and agent-1 started as the samples' Aircall user; the simulated telephony keeps
// its own news back, so only the webhooks tell the story. Returns once the call is started
// at Aircall and waits for its call.created.
void start_call_awaiting_created(ServerFixture& f) {
  f.node->telephony().hold(true);
  REQUIRE(f.send("POST", "/api/dialer/queue",
                 json{{"clients", {{{"clientId", "koen"}, {"phoneNumber", "+43 720 880079"}}}}})
              .body["created"] == 1);
  REQUIRE(f.send("POST", "/api/dialer/start/agent-1",
                 json{{"aircallUserId", 736640}, {"numberId", 404821}})
              .status == 200);
  REQUIRE(eventually([&] { return f.node->telephony().records().size() == 1; }));
}

}  // namespace

TEST_CASE("webhook: every event the dialer subscribes to is one it acts on") {
  for (const auto& name : dialer::http::subscribed_webhook_events()) {
    INFO(name);
    bool call = name.starts_with("call.");
    json data = call ? json{{"id", 1},
                            {"direction", "outbound"},
                            {"raw_digits", "+33 6 12 34 56 78"},
                            {"started_at", 1},
                            {"user", {{"id", 2}}}}
                     : json{{"id", 2}};
    dialer::http::WebhookDelivery delivery{name, call ? "call" : "user", 1, "t", data, {}};
    CHECK((dialer::http::telephony_event_of(delivery).has_value() ||
           dialer::http::call_notes_of(delivery).has_value()));
  }
}

TEST_CASE("webhook: a user's live availability as the agent's view of Aircall") {
  using dialer::http::aircall_status_of;
  using dialer::http::can_take_calls;
  auto available = aircall_status_of("available");
  REQUIRE(available);
  CHECK((available->connected == true && available->opened == true &&
         available->wrapping_up == false));
  CHECK(aircall_status_of("after_call_work")->wrapping_up == true);
  CHECK(aircall_status_of("do_not_disturb")->opened == false);
  CHECK(aircall_status_of("offline")->connected == false);
  CHECK_FALSE(aircall_status_of("on_the_moon"));
  CHECK(can_take_calls("in_call"));
  CHECK(can_take_calls("after_call_work"));
  CHECK_FALSE(can_take_calls("offline"));
  CHECK_FALSE(can_take_calls("do_not_disturb"));
}

TEST_CASE("webhook: each call and user event becomes what the actors need") {
  auto created = dialer::http::parse_webhook(sample("call.created.json"));
  REQUIRE(created.ok());
  auto event = dialer::http::telephony_event_of(*created);
  REQUIRE(event);
  CHECK(event->kind == TelephonyEvent::Kind::created);
  CHECK(event->aircall_call_id == 780836699);
  CHECK(event->aircall_user_id == 736640);
  CHECK(event->digits == "43720880079");  // "+43 720 880079"
  CHECK(event->outbound);
  CHECK(event->at_ms == 1646389735000);

  auto ended =
      dialer::http::telephony_event_of(*dialer::http::parse_webhook(sample("call.ended.json")));
  REQUIRE(ended);
  REQUIRE(ended->ended);
  CHECK(ended->ended->outcome == dialer::events::CallOutcome::connected);
  CHECK(ended->ended->duration_seconds == 20);
  CHECK(ended->ended->answered_at_ms == 1646389740000);

  auto missed =
      dialer::http::telephony_event_of(*dialer::http::parse_webhook(sample("call.ended.2.json")));
  REQUIRE(missed);
  CHECK(missed->ended->outcome == dialer::events::CallOutcome::no_answer);
  CHECK(missed->ended->missed_call_reason == "agents_did_not_answer");
  CHECK_FALSE(missed->outbound);

  auto closed =
      dialer::http::telephony_event_of(*dialer::http::parse_webhook(sample("user.closed.json")));
  REQUIRE(closed);
  CHECK(closed->kind == TelephonyEvent::Kind::user_status);
  CHECK(closed->opened == false);
  CHECK_FALSE(closed->connected);
  auto wrap =
      dialer::http::telephony_event_of(*dialer::http::parse_webhook(sample("user.wut_start.json")));
  CHECK(wrap->wrapping_up == true);

  // Events the dialer does not use are not errors: they are simply not routed.
  for (const auto* name : {"contact.created.json", "number.closed.json", "call.tagged.json",
                           "integration.deleted.json", "call.hold.json"}) {
    auto parsed = dialer::http::parse_webhook(sample(name));
    REQUIRE(parsed.ok());
    CHECK_FALSE(dialer::http::telephony_event_of(*parsed));
  }
  CHECK_FALSE(dialer::http::parse_webhook("{\"event\":").ok());
  CHECK(dialer::http::parse_webhook("[1,2]").error().field == "body");
  CHECK(dialer::http::parse_webhook("{\"token\":\"x\"}").error().field == "event");
  CHECK(dialer::http::webhook_idempotency_key("a") == dialer::http::webhook_idempotency_key("a"));
  CHECK(dialer::http::webhook_idempotency_key("a") != dialer::http::webhook_idempotency_key("b"));
}

TEST_CASE("webhook: every sample is stored and acknowledged, and a redelivery is applied once") {
  ServerFixture f;
  auto names = sample_names();
  REQUIRE(names.size() >= 30);
  for (const auto& name : names) {
    INFO(name);
    auto answer =
        f.send_raw("POST", "/api/dialer/webhook",
                   with_token(sample(name), dialer::testing::kSampleToken), "application/json");
    CHECK(answer.status == 200);
    CHECK(answer.body["duplicate"] == false);
  }
  CHECK(f.events_of_type("webhook.received") == names.size());

  auto again = f.send_raw("POST", "/api/dialer/webhook",
                          with_token(sample(names.front()), dialer::testing::kSampleToken),
                          "application/json");
  CHECK(again.status == 200);
  CHECK(again.body["duplicate"] == true);
  CHECK(f.events_of_type("webhook.received") == names.size());

  // Nothing the dialer did not start touched a queue item or a call.
  CHECK(f.events_of_type("queue.item_added") == 0);
  CHECK(f.events_of_type("call.created") == 0);
}

TEST_CASE("webhook: a wrong token, malformed JSON or a 10 MB body stores nothing") {
  ServerFixture f;
  auto before = f.changes();
  auto wrong = f.send_raw("POST", "/api/dialer/webhook",
                          with_token(sample("call.created.json"), "nope"), "application/json");
  CHECK(wrong.status == 401);
  CHECK(wrong.body["error"]["field"] == "token");
  auto malformed = f.send_raw("POST", "/api/dialer/webhook", "{\"event\": \"call.created\", ",
                              "application/json");
  CHECK(malformed.status == 400);
  auto huge =
      f.send_raw("POST", "/api/dialer/webhook", std::string(10 << 20, 'x'), "application/json");
  CHECK(huge.status == 413);
  CHECK(f.changes() == before);
}

TEST_CASE("webhook: without a configured token every delivery is refused") {
  auto options = ServerFixture::fast_options();
  options.webhook_token.clear();
  ServerFixture f{options};
  auto before = f.changes();
  auto answer =
      f.send_raw("POST", "/api/dialer/webhook", sample("call.created.json"), "application/json");
  CHECK(answer.status == 401);
  CHECK(f.changes() == before);
  CHECK(f.notices.str().find("no webhook token") != std::string::npos);
}

TEST_CASE("webhook: Aircall's events for a call the dialer started carry it to its end") {
  ServerFixture f;
  start_call_awaiting_created(f);
  for (const auto* name : {"call.created.json", "call.answered.json", "call.hungup.json",
                           "call.ended.json", "call.ended.json"}) {
    REQUIRE(f.send_raw("POST", "/api/dialer/webhook", sample(name), "application/json").status ==
            200);
  }
  REQUIRE(dialer::testing::eventually(
      [&] { return f.send("GET", "/api/dialer/queue?status=completed").body["totalCount"] == 1; }));
  auto history = f.send("GET", "/api/dialer/history").body;
  REQUIRE(history["totalCount"] == 1);
  CHECK(history["callHistory"][0]["callId"] == "780836699");
  CHECK(history["callHistory"][0]["status"] == "completed");
  CHECK(f.events_of_type("call.ended") == 1);  // the redelivered call.ended changed nothing
  f.node->telephony().drop_pending();
  f.node->telephony().hold(false);
}

TEST_CASE("webhook: a delivery stored just before a stop still reaches its call") {
  ServerFixture f;
  start_call_awaiting_created(f);
  // Stored as the intake stores them, and the process gone before it routed them.
  for (const auto* name : {"call.created.json", "call.answered.json", "call.ended.json"}) {
    auto body = sample(name);
    auto delivery = dialer::http::parse_webhook(body);
    REQUIRE(delivery.ok());
    dialer::events::WebhookReceived received{delivery->event, delivery->resource,
                                             delivery->sent_at_seconds, body};
    auto stored = f.node->store().append(
        {"webhooks",
         dialer::storage::ExpectedVersion::any(),
         {dialer::storage::NewEvent::from(dialer::events::Event{std::move(received)})},
         dialer::http::webhook_idempotency_key(body)});
    REQUIRE(stored.ok());
  }
  f.restart();
  CHECK(f.notices.str().find("3 stored Aircall events replayed to the 1 calls in flight") !=
        std::string::npos);
  REQUIRE(dialer::testing::eventually(
      [&] { return f.send("GET", "/api/dialer/queue?status=completed").body["totalCount"] == 1; }));
  auto history = f.send("GET", "/api/dialer/history").body;
  INFO(history.dump(1));
  REQUIRE(history["totalCount"] == 1);
  CHECK(history["callHistory"][0]["callId"] == "780836699");
  CHECK(history["callHistory"][0]["status"] == "completed");
}
