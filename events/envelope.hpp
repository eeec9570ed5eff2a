#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "events/result.hpp"

namespace dialer::events {

using Hash = std::array<std::uint8_t, 32>;  // SHA-256

std::string to_hex(const Hash& hash);

// One stored event with everything the log knows about it. `hash` is SHA-256 over the
// previous event's hash and this event's encoded fields, so the log is a hash chain:
// changing any stored byte breaks every link from there on.
struct Envelope {
  std::uint64_t seq = 0;             // global position, from 1
  std::string stream;                // e.g. agent-42
  std::uint64_t stream_version = 0;  // position in its stream, from 1
  std::string type;
  std::uint32_t schema = 0;
  std::int64_t recorded_at_ms = 0;  // UTC
  std::string causation_id;
  std::string correlation_id;
  std::string payload;
  Hash prev_hash{};
  Hash hash{};

  bool operator==(const Envelope&) const = default;
};

// Sets `hash` from the other fields and `prev_hash`, and returns the stored form.
std::string seal_envelope(Envelope& envelope);

// An envelope read in place: its text fields are views into the stored bytes, valid as long
// as those are.
struct EnvelopeView {
  std::uint64_t seq = 0;
  std::string_view stream;
  std::uint64_t stream_version = 0;
  std::string_view type;
  std::uint32_t schema = 0;
  std::int64_t recorded_at_ms = 0;
  std::string_view causation_id;
  std::string_view correlation_id;
  std::string_view payload;
  Hash prev_hash{};
  Hash hash{};
};

// Parses the stored form and checks the envelope's own hash, so that a flipped or missing
// byte is `corrupt_data`, never a wrong event.
Result<EnvelopeView> decode_envelope_view(std::string_view bytes);
Result<Envelope> decode_envelope(std::string_view bytes);

// A copy that owns its text.
Envelope owned(const EnvelopeView& view);

}  // namespace dialer::events
