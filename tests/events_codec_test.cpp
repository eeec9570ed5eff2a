#include <catch2/catch.hpp>
#include <set>

#include "events/codec.hpp"
#include "events/fields.hpp"
#include "events/legacy_layouts.hpp"
#include "support/sample_events.hpp"

using namespace dialer;
using namespace dialer::events;

TEST_CASE("every catalogued event type survives an encode and decode unchanged") {
  auto samples = testing::sample_events();
  std::set<std::size_t> covered;
  for (const auto& event : samples) {
    covered.insert(event.index());
    auto encoded = encode(event);
    CHECK(encoded.type == type_of(event));
    auto decoded = decode(encoded.type, encoded.schema, encoded.payload);
    REQUIRE(decoded.ok());
    CHECK(*decoded == event);
  }
  CHECK(covered.size() == std::variant_size_v<Event>);
}

TEST_CASE("a truncated payload is an error for every event type") {
  for (const auto& event : testing::sample_events()) {
    auto encoded = encode(event);
    for (std::size_t length = 0; length < encoded.payload.size(); ++length) {
      auto decoded = decode(encoded.type, encoded.schema, encoded.payload.substr(0, length));
      INFO(encoded.type << " cut to " << length << " bytes");
      REQUIRE_FALSE(decoded.ok());
      CHECK(decoded.error().code == ErrorCode::corrupt_data);
    }
  }
}

TEST_CASE("trailing bytes after the last field are an error") {
  auto encoded = encode(AgentPaused{"lunch"});
  auto decoded = decode(encoded.type, encoded.schema, encoded.payload + "x");
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == ErrorCode::corrupt_data);
}

TEST_CASE("corrupt payload bytes never crash the decoder") {
  // Flip every bit of every byte: each result either fails cleanly or decodes to some value;
  // under the sanitizers this also proves no out-of-bounds read or huge allocation happens.
  std::size_t rejected = 0;
  for (const auto& event : testing::sample_events()) {
    auto encoded = encode(event);
    for (std::size_t i = 0; i < encoded.payload.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        auto damaged = encoded.payload;
        damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
        if (!decode(encoded.type, encoded.schema, damaged).ok()) ++rejected;
      }
    }
  }
  CHECK(rejected > 0);
}

TEST_CASE("an enum value this build does not know is rejected") {
  auto encoded = encode(QueueItemCompleted{"c-1", CallOutcome::busy});
  auto at = encoded.payload.find("busy");
  REQUIRE(at != std::string::npos);
  encoded.payload.replace(at, 4, "bozo");
  auto decoded = decode(encoded.type, encoded.schema, encoded.payload);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == ErrorCode::corrupt_data);
}

TEST_CASE("a newer schema version is an error the caller sees") {
  auto encoded = encode(AgentPaused{"lunch"});
  auto decoded = decode(encoded.type, encoded.schema + 1, encoded.payload);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == ErrorCode::unsupported_version);
  CHECK_THAT(decoded.error().message, Catch::Contains("agent.paused v2"));
}

TEST_CASE("an unknown event type is an error the caller sees") {
  auto decoded = decode("agent.teleported", 1, "");
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == ErrorCode::unsupported_version);
}

TEST_CASE("queue.item_added v1 is upcast to v2 on read") {
  legacy::QueueItemAddedV1 v1{"q-1",      "client-9", "Anna", "+43720880079", 4,
                              1790000000, "notes",    "{}",   "agent-7"};
  auto decoded = decode(QueueItemAdded::type, 1, encode_fields(v1));
  REQUIRE(decoded.ok());
  const auto& item = std::get<QueueItemAdded>(*decoded);
  CHECK(item.item_id == "q-1");
  CHECK(item.priority == 4);
  CHECK(item.scheduled_for_ms == 1790000000000);
  CHECK(item.time_zone.empty());
  CHECK(item.assigned_to == "agent-7");

  v1.scheduled_for_seconds.reset();
  auto unscheduled = decode(QueueItemAdded::type, 1, encode_fields(v1));
  REQUIRE(unscheduled.ok());
  CHECK_FALSE(std::get<QueueItemAdded>(*unscheduled).scheduled_for_ms.has_value());

  // Seconds whose milliseconds overflow (found by fuzz-events) are damage, not a time.
  v1.scheduled_for_seconds = 34621421987561471;
  auto overflowing = decode(QueueItemAdded::type, 1, encode_fields(v1));
  REQUIRE_FALSE(overflowing.ok());
  CHECK(overflowing.error().code == ErrorCode::corrupt_data);
}

TEST_CASE("call.requested v1 is upcast to v2 as a call through Aircall") {
  legacy::CallRequestedV1 v1{"call-1", "q-1", "agent-7", 736640, 404821, "+43720880079", 2};
  auto decoded = decode(CallRequested::type, 1, encode_fields(v1));
  REQUIRE(decoded.ok());
  const auto& request = std::get<CallRequested>(*decoded);
  CHECK(request ==
        CallRequested{"call-1", "q-1", "agent-7", 736640, 404821, "+43720880079", 2, false});
  CHECK_FALSE(decode(CallRequested::type, 1, encode_fields(v1).substr(1)).ok());
}

TEST_CASE("release reasons of v1, in words, are upcast to the failures they name") {
  auto item = decode(
      QueueItemReleased::type, 1,
      encode_fields(legacy::QueueItemReleasedV1{"call-1", std::string{legacy::kNoCallTookPlace}}));
  REQUIRE(item.ok());
  CHECK(std::get<QueueItemReleased>(*item) ==
        QueueItemReleased{"call-1", CallFailure::not_requested});
  auto lost = decode(
      QueueItemReleased::type, 1,
      encode_fields(legacy::QueueItemReleasedV1{"call-2", std::string{legacy::kNoTraceAtAircall}}));
  REQUIRE(lost.ok());
  CHECK(std::get<QueueItemReleased>(*lost).reason == CallFailure::lost);
  auto agent = decode(AgentReleased::type, 1,
                      encode_fields(legacy::AgentReleasedV1{"call-3", "user_unavailable", 42}));
  REQUIRE(agent.ok());
  CHECK(std::get<AgentReleased>(*agent) ==
        AgentReleased{"call-3", CallFailure::user_unavailable, 42});
  auto unknown =
      decode(AgentReleased::type, 1, encode_fields(legacy::AgentReleasedV1{"call-4", "why", 0}));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::corrupt_data);
}

namespace {
// call.start_failed as builds before the typed code wrote it.
struct StartFailedAsText {
  std::string code, message;
  static void describe(auto& self, auto&& field) {
    field("code", self.code);
    field("message", self.message);
  }
};
}  // namespace

TEST_CASE("a start failure's code is stored as the word it always was") {
  auto encoded = encode(Event{CallStartFailed{CallFailure::bad_number, "400"}});
  StartFailedAsText text;
  REQUIRE(decode_fields(encoded.payload, text));
  CHECK(text.code == "bad_number");
}

TEST_CASE("a v1 payload that does not decode is corrupt, not upcast") {
  auto decoded = decode(QueueItemAdded::type, 1, "\x05q");
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == ErrorCode::corrupt_data);
}

TEST_CASE("upcasters chain one version at a time and report a missing step") {
  Upcasters upcasters;
  upcasters.add("thing", 1,
                [](std::string_view p) -> Result<std::string> { return std::string{p} + "+v2"; });
  upcasters.add("thing", 2,
                [](std::string_view p) -> Result<std::string> { return std::string{p} + "+v3"; });
  auto chained = upcasters.upcast("thing", 1, 3, "v1");
  REQUIRE(chained.ok());
  CHECK(*chained == "v1+v2+v3");
  auto missing = upcasters.upcast("thing", 1, 4, "v1");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::unsupported_version);
}

TEST_CASE("the JSON view names fields as the API does") {
  auto json = to_json(QueueItemRetryScheduled{"c-3", CallOutcome::no_answer, 1790003600000});
  CHECK(json["callId"] == "c-3");
  CHECK(json["outcome"] == "no-answer");
  CHECK(json["dueAt"] == 1790003600000);
  auto status = to_json(AgentAircallStatusChanged{true, std::nullopt, false, "user.connected"});
  CHECK(status["connected"] == true);
  CHECK(status["opened"].is_null());
}
