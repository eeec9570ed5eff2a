// Dispositions over HTTP: the agent decides each call's fate, ends the wrap-up with it or
// without it, a callback comes due and rings its agent; every refusal names its field and
// leaves the log as it was.

#include "support/http_fixture.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;

json start_body() {
  return {{"aircallUserId", "736640"}, {"numberId", 404821}};
}

Answer add(ServerFixture& f, const std::string& client, const std::string& phone) {
  return f.send("POST", "/api/dialer/queue",
                json{{"clients", {{{"clientId", client}, {"phoneNumber", phone}}}}});
}

// The agent's call for this client, once it has ended and the agent is in wrap-up.
std::string ended_call(ServerFixture& f, const std::string& client) {
  std::string call_id;
  REQUIRE(eventually([&] {
    auto rows = f.send("GET", "/api/dialer/history?clientId=" + client).body["callHistory"];
    if (rows.size() != 1 || rows[0]["status"] == "in-progress") return false;
    call_id = rows[0]["dialerCallId"].get<std::string>();
    auto status = f.send("GET", "/api/dialer/status/alice").body;
    return status["status"] == "wrap-up" &&
           f.send("GET", "/api/dialer/queue?status=in-progress").body["totalCount"] == 0;
  }));
  return call_id;
}

json history_row(ServerFixture& f, const std::string& client) {
  auto rows = f.send("GET", "/api/dialer/history?clientId=" + client).body["callHistory"];
  REQUIRE(rows.size() >= 1);
  return rows[0];
}

}  // namespace

TEST_CASE("dispositions: refused when unknown, untimed or misplaced, and nothing changes") {
  ServerFixture f;
  REQUIRE(add(f, "c-1", "+33612345601").status == 200);
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  auto call = ended_call(f, "c-1");
  auto path = "/api/dialer/calls/" + call + "/disposition";

  auto field = [&](int status, const std::string& route, const json& body) {
    return f.refused(status, "POST", route, body).body["error"].value("field", "");
  };
  CHECK(field(400, path, json{{"disposition", "sold"}}) == "disposition");
  CHECK(field(400, path, json::object()) == "disposition");
  CHECK(field(400, path, json{{"disposition", "callback"}}) == "callbackAt");
  CHECK(
      field(400, path, json{{"disposition", "callback"}, {"callbackAt", "2026-11-30T09:00:00Z"}}) ==
      "callbackAt");
  CHECK(field(400, path,
              json{{"disposition", "interested"}, {"callbackAt", "2026-12-01T09:00:00Z"}}) ==
        "callbackAt");
  CHECK(field(400, path,
              json{{"disposition", "callback"},
                   {"callbackAt", "2026-12-01T09:00:00Z"},
                   {"callbackScope", "team"}}) == "callbackScope");
  CHECK(field(400, path, json{{"disposition", "interested"}, {"outcome", "sold"}}) == "outcome");
  CHECK(field(400, path, json{{"disposition", "interested"}, {"notes", std::string(5000, 'n')}}) ==
        "notes");
  f.refused(404, "POST", "/api/dialer/calls/no-such-call/disposition",
            json{{"disposition", "interested"}});
  f.refused(404, "POST", "/api/dialer/disposition/bob", json{{"disposition", "interested"}});
  f.refused(404, "POST", "/api/dialer/ready/bob");
  // Nothing was recorded: the agent is still in wrap-up, the row has no disposition.
  CHECK(f.send("GET", "/api/dialer/status/alice").body["status"] == "wrap-up");
  CHECK(history_row(f, "c-1")["disposition"].is_null());
}

TEST_CASE("dispositions: the agent decides, the wrap-up ends, and a callback rings its agent") {
  ServerFixture f;
  REQUIRE(add(f, "c-1", "+33612345601").status == 200);
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  auto first = ended_call(f, "c-1");
  // Two clients more; alice is in wrap-up (30 s on a clock that does not move) so they wait.
  REQUIRE(add(f, "c-2", "+33612345602").status == 200);
  CHECK(f.send("GET", "/api/dialer/status/alice").body["status"] == "wrap-up");

  // Tomorrow 07:00 UTC is before the business hours (09:00 UTC): it will ring at 09:00.
  auto answer = f.send("POST", "/api/dialer/disposition/alice",
                       json{{"disposition", "callback"},
                            {"notes", "call back after the board meeting"},
                            {"callbackAt", "2026-12-01T07:00:00Z"}});
  REQUIRE(answer.status == 200);
  CHECK(answer.body["disposition"]["callId"] == first);
  CHECK(answer.body["disposition"]["action"] == "callback");
  CHECK(answer.body["disposition"]["callbackAgent"] == "alice");
  CHECK(answer.body["dialsAt"] == "2026-12-01T09:00:00.000Z");
  const auto& item = answer.body["item"];
  CHECK(item["status"] == "pending");
  CHECK(item["phase"] == "scheduled");
  CHECK(item["callback"]["at"] == "2026-12-01T07:00:00.000Z");
  CHECK(item["callback"]["agentId"] == "alice");
  CHECK(item["disposition"]["notes"] == "call back after the board meeting");
  auto callback_item = item["id"].get<std::string>();

  // The disposition ended alice's wrap-up: the next client is dialled now.
  auto second = ended_call(f, "c-2");
  CHECK(second != first);
  auto row = history_row(f, "c-1");
  CHECK(row["disposition"] == "callback");
  CHECK(row["notes"] == "call back after the board meeting");
  CHECK(row["callbackAt"] == "2026-12-01T07:00:00.000Z");
  auto stats = f.send("GET", "/api/dialer/stats").body;
  CHECK(stats["stats"]["byDisposition"]["callback"] == 1);
  CHECK(stats["agentStats"][0]["byDisposition"]["callback"] == 1);

  // Ready ends the wrap-up without a disposition; the call keeps none.
  auto ready = f.send("POST", "/api/dialer/ready/alice");
  REQUIRE(ready.status == 200);
  CHECK(ready.body["userStatus"]["status"] == "available");
  CHECK(ready.body["userStatus"]["lastCallId"] == second);
  CHECK(history_row(f, "c-2")["disposition"].is_null());
  // Ready again changes nothing.
  CHECK(f.send("POST", "/api/dialer/ready/alice").status == 200);
  // Bob, who has had no call, is ahead of alice in the line; the callback is hers all the same.
  REQUIRE(f.send("POST", "/api/dialer/start/bob",
                 json{{"aircallUserId", "736641"}, {"numberId", 404821}})
              .status == 200);

  // Alice's status shows the callback coming, as the dispatcher last published it.
  json coming;
  REQUIRE(eventually([&] {
    coming = f.send("GET", "/api/dialer/status/alice").body["nextCallback"];
    return !coming.is_null();
  }));
  CHECK(coming["queueItemId"] == callback_item);
  CHECK(coming["at"] == "2026-12-01T07:00:00.000Z");
  CHECK(f.send("GET", "/api/dialer/status/bob").body["nextCallback"].is_null());

  // The callback comes due at 09:00, the live feed says so, and it rings alice, its agent.
  f.clock.set(dialer::testing::kMondayTenUtc + 23 * 3'600'000LL);
  f.node->dialer().tick();
  REQUIRE(eventually([&] { return f.events_of_type("dispatcher.callback_due") == 1; }));
  REQUIRE(eventually([&] {
    auto rows = f.send("GET", "/api/dialer/history?clientId=c-1").body["callHistory"];
    auto redial = f.send("GET", "/api/dialer/queue/items/" + callback_item).body["queueItem"];
    return rows.size() == 2 && rows[0]["status"] != "in-progress" && redial["attempts"] == 2 &&
           f.send("GET", "/api/dialer/status/alice").body["status"] == "wrap-up";
  }));
  CHECK(f.send("GET", "/api/dialer/history?clientId=c-1").body["callHistory"][0]["agent"] ==
        "alice");
  auto redialled = f.send("GET", "/api/dialer/queue/items/" + callback_item).body["queueItem"];
  CHECK(redialled["callback"].is_null());
  // The first call's disposition may no longer change the item: it has been dialled since.
  f.refused(409, "POST", "/api/dialer/calls/" + first + "/disposition",
            json{{"disposition", "interested"}});
}

TEST_CASE("dispositions: the latest counts, and do-not-call and wrong numbers block the number") {
  ServerFixture f;
  REQUIRE(
      f.send("POST", "/api/dialer/config",
             json{{"settings", {{"dialer.requireDisposition", true}, {"dialer.maxRetries", 3}}}})
          .status == 200);
  REQUIRE(add(f, "c-1", "+33612345601").status == 200);
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  auto first = ended_call(f, "c-1");
  auto status = f.send("GET", "/api/dialer/status/alice").body;
  CHECK(status["status"] == "wrap-up");
  // A disposition is required: ready is refused, and the wrap-up outlasts its 30 s.
  CHECK(f.refused(409, "POST", "/api/dialer/ready/alice")
            .body["message"]
            .get<std::string>()
            .find("disposition") != std::string::npos);
  f.clock.advance(10 * 60'000);
  auto held = f.send("GET", "/api/dialer/agents").body["agents"][0];
  CHECK(held["status"] == "wrap-up");
  CHECK(held["awaitingDisposition"] == true);

  // Retry first, then do-not-call: the latest counts.
  auto path = "/api/dialer/calls/" + first + "/disposition";
  auto retry = f.send("POST", path, json{{"disposition", "no-answer"}});
  REQUIRE(retry.status == 200);
  CHECK(retry.body["item"]["status"] == "pending");
  REQUIRE(add(f, "c-2", "+33612345602").status == 200);
  auto second = ended_call(f, "c-2");
  auto blocked = f.send("POST", path, json{{"disposition", "do-not-call"}});
  REQUIRE(blocked.status == 200);
  CHECK(blocked.body["item"]["status"] == "completed");
  auto listed = f.send("GET", "/api/dialer/do-not-call").body;
  CHECK(listed.dump().find("+33612345601") != std::string::npos);
  auto again = add(f, "c-1b", "+33612345601");
  CHECK(again.body["created"] == 0);

  // A wrong number fails its item, and the number is not queued again.
  auto wrong =
      f.send("POST", "/api/dialer/disposition/alice", json{{"disposition", "Wrong Number"}});
  REQUIRE(wrong.status == 200);
  CHECK(wrong.body["disposition"]["callId"] == second);
  CHECK(wrong.body["item"]["status"] == "failed");
  CHECK(wrong.body["item"]["lastResult"] == "wrong-number");
  auto refused = add(f, "c-2b", "+33612345602");
  CHECK(refused.body["created"] == 0);
  CHECK(refused.body["results"][0]["message"].get<std::string>().find("wrong number") !=
        std::string::npos);
  CHECK(f.send("GET", "/api/dialer/status/alice").body["status"] == "available");
}

TEST_CASE("compliance: the attempt cap holds across items sharing a number and a restart") {
  ServerFixture f;
  REQUIRE(
      f.send("POST", "/api/dialer/config",
             json{{"settings",
                   {{"compliance.maxAttemptsPerNumber", 1}, {"compliance.attemptWindowDays", 30}}}})
          .status == 200);
  // A client scheduled for later waits for its schedule, one ready waits for an agent.
  REQUIRE(f.send("POST", "/api/dialer/queue",
                 json{{"clients",
                       {{{"clientId", "later"},
                         {"phoneNumber", "+33612345699"},
                         {"scheduledFor", "2026-12-02T10:00:00Z"}}}}})
              .status == 200);
  REQUIRE(add(f, "c-1", "+33612345601").status == 200);
  auto waiting = [&](const std::string& client) {
    auto items = f.send("GET", "/api/dialer/queue?status=pending").body["queueItems"];
    for (const auto& item : items) {
      if (item["clientId"] == client) return item;
    }
    return json{};
  };
  REQUIRE(eventually([&] { return waiting("c-1")["waitingFor"] == "agent"; }));
  auto later = waiting("later");
  CHECK(later["waitingFor"] == "schedule");
  CHECK(later["phase"] == "scheduled");
  CHECK(later["eligibleAt"] == "2026-12-02T10:00:00.000Z");
  auto stats = f.send("GET", "/api/dialer/stats").body["realtime"]["queueWaitingFor"];
  CHECK(stats["agent"] == 1);
  CHECK(stats["schedule"] == 1);
  CHECK(f.send("GET", "/metrics").text.find("dialer_queue_waiting{reason=\"schedule\"} 1") !=
        std::string::npos);

  // c-1 rings once; its agent settles it as done, which frees the number.
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  auto first = ended_call(f, "c-1");
  REQUIRE(f.send("POST", "/api/dialer/calls/" + first + "/disposition",
                 json{{"disposition", "interested"}})
              .status == 200);
  // The dialable list ran dry with alice waiting: the log and the live feed say so.
  REQUIRE(eventually([&] { return f.events_of_type("dispatcher.ran_dry") >= 1; }));

  // Another client with the same number: one attempt in 30 days is the cap.
  REQUIRE(add(f, "c-2", "+33612345601").body["created"] == 1);
  REQUIRE(eventually([&] { return waiting("c-2")["waitingFor"] == "attempt-limit"; }));
  auto capped = waiting("c-2");
  CHECK(capped["phase"] == "waiting");
  CHECK(capped["eligibleAt"].get<std::string>().starts_with("2026-12-30"));
  auto one = f.send("GET", "/api/dialer/queue/items/" + capped["id"].get<std::string>());
  CHECK(one.body["queueItem"]["waitingFor"] == "attempt-limit");

  // A restart remembers the attempt: the number's stream holds it.
  f.restart();
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  REQUIRE(eventually([&] { return waiting("c-2")["waitingFor"] == "attempt-limit"; }));
  CHECK(f.send("GET", "/api/dialer/history?clientId=c-2").body["totalCount"] == 0);
  CHECK(f.events_of_type("number.attempted") == 1);
}

TEST_CASE("dispositions: Aircall's tags give one and take it back, its comments join the notes") {
  ServerFixture f;
  REQUIRE(f.send("POST", "/api/dialer/config",
                 json{{"key", "aircall.tagDispositions"}, {"value", {{"Sale", "interested"}}}})
              .status == 200);
  f.refused(400, "POST", "/api/dialer/config",
            json{{"key", "aircall.tagDispositions"}, {"value", {{"Sale", "Not A Code"}}}});
  REQUIRE(add(f, "c-1", "+33612345601").status == 200);
  REQUIRE(f.send("POST", "/api/dialer/start/alice", start_body()).status == 200);
  ended_call(f, "c-1");
  auto aircall_id = std::stoll(history_row(f, "c-1")["callId"].get<std::string>());

  // Aircall's own bodies, about this call: a tag an agent set in Aircall's app, then more.
  auto deliver = [&](const char* sample, json tags, json comments) {
    auto body = json::parse(dialer::testing::sample(sample));
    body["data"]["id"] = aircall_id;
    body["data"]["tags"] = std::move(tags);
    body["data"]["comments"] = std::move(comments);
    auto answer = f.send("POST", "/api/dialer/webhook", body);
    REQUIRE(answer.status == 200);
  };
  auto tag = [](const char* name, std::int64_t at) {
    return json{{"id", 1022984}, {"name", name}, {"tagged_at", at}};
  };
  deliver("call.tagged.json", json::array({tag("VIP", 1), tag("Sale", 2)}), json::array());
  auto row = history_row(f, "c-1");
  CHECK(row["disposition"] == "interested");
  auto item = f.send("GET", "/api/dialer/queue?status=completed").body["queueItems"];
  REQUIRE(item.size() == 1);
  CHECK(item[0]["disposition"]["source"] == "aircall");
  // The tag's disposition ended alice's wrap-up, as one given through the API does.
  CHECK(f.send("GET", "/api/dialer/status/alice").body["status"] == "available");

  auto comment = json{{"id", 24923492}, {"content", "wants the yearly plan"}, {"posted_at", 3}};
  deliver("call.commented.json", json::array({tag("VIP", 1), tag("Sale", 2)}),
          json::array({comment}));
  deliver("call.commented.json", json::array({tag("VIP", 1), tag("Sale", 2)}),
          json::array({comment}));  // the same comment again is no news
  row = history_row(f, "c-1");
  CHECK(row["notes"] == "wants the yearly plan");
  CHECK(row["disposition"] == "interested");

  // The tag taken off: the call has no disposition any more; the comment stays.
  deliver("call.tagged.json", json::array({tag("VIP", 1)}), json::array({comment}));
  row = history_row(f, "c-1");
  CHECK(row["disposition"].is_null());
  CHECK(row["notes"] == "wants the yearly plan");
  CHECK(f.events_of_type("queue.item_call_commented") == 1);
  CHECK(f.events_of_type("queue.item_disposition_withdrawn") == 1);

  // Tags on a call the dialer did not make are kept, and change nothing.
  auto before = f.events_of_type("queue.item_dispositioned");
  auto other = json::parse(dialer::testing::sample("call.tagged.json"));
  other["data"]["tags"] = json::array({tag("Sale", 5)});
  REQUIRE(f.send("POST", "/api/dialer/webhook", other).status == 200);
  CHECK(f.events_of_type("queue.item_dispositioned") == before);
}
