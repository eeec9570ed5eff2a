#include "events/envelope.hpp"

#include <catch2/catch.hpp>

using namespace dialer;
using namespace dialer::events;

namespace {
Envelope sample() {
  Envelope e;
  e.seq = 42;
  e.stream = "queue-7f3c";
  e.stream_version = 3;
  e.type = "queue.item_assigned";
  e.schema = 1;
  e.recorded_at_ms = 1790000000123;
  e.causation_id = "cmd-1";
  e.correlation_id = "corr-9";
  e.payload = std::string(
      "\x07"
      "agent-7\x03"
      "c-1\x02",
      13);
  e.prev_hash.fill(0xab);
  return e;
}
}  // namespace

TEST_CASE("a sealed envelope decodes to itself") {
  auto envelope = sample();
  auto stored = seal_envelope(envelope);
  CHECK(envelope.hash != Hash{});
  auto decoded = decode_envelope(stored);
  REQUIRE(decoded.ok());
  CHECK(*decoded == envelope);
}

TEST_CASE("the hash chains to the previous event") {
  auto a = sample();
  auto b = sample();
  b.prev_hash.fill(0xcd);
  seal_envelope(a);
  seal_envelope(b);
  CHECK(a.hash != b.hash);
}

TEST_CASE("any flipped byte in a stored envelope is detected") {
  auto envelope = sample();
  auto stored = seal_envelope(envelope);
  for (std::size_t i = 0; i < stored.size(); ++i) {
    auto damaged = stored;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    auto decoded = decode_envelope(damaged);
    INFO("byte " << i);
    REQUIRE_FALSE(decoded.ok());
  }
}

TEST_CASE("every truncation of a stored envelope is an error") {
  auto envelope = sample();
  auto stored = seal_envelope(envelope);
  for (std::size_t length = 0; length < stored.size(); ++length) {
    auto decoded = decode_envelope(std::string_view{stored}.substr(0, length));
    INFO("cut to " << length);
    REQUIRE_FALSE(decoded.ok());
    CHECK(decoded.error().code == ErrorCode::corrupt_data);
  }
}

TEST_CASE("an envelope format newer than this build is reported as such") {
  auto envelope = sample();
  auto stored = seal_envelope(envelope);
  stored[1] = 2;
  auto decoded = decode_envelope(stored);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.error().code == ErrorCode::unsupported_version);
}
