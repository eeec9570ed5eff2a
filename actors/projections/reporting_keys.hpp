#pragma once

// The reporting projection's key layout, shared by its fold and its queries (US = \x1f):
//   r US call                         the row
//   t US ~time US call                every row, newest first (~time = max - requested)
//   ta US agent US ~time US call      by agent
//   ts US status US ~time US call     by status
//   tc US client US ~time US call     by client
//   s US hour US agent                the stats of an agent's hour
//   i US item                         the client an item is for
//   is US item / as US agent          their current status
//   rc US kind US status              how many items / agents are in a status; calls open
//   ac US aircall id                  the dialer's call for an Aircall call

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "actors/projections/kv.hpp"
#include "events/fields.hpp"
#include "storage/keys.hpp"

namespace dialer::projections::reporting_keys {

inline constexpr std::int64_t kHourMs = 3'600'000;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;

inline std::string newest_first(std::int64_t ms) {
  return storage::keys::be64(UINT64_MAX - static_cast<std::uint64_t>(ms));
}
inline std::string ascending(std::int64_t ms) {
  return storage::keys::be64(static_cast<std::uint64_t>(ms));
}
inline std::int64_t hour_of(std::int64_t ms) {
  return ms - (ms % kHourMs + kHourMs) % kHourMs;
}
inline std::int64_t day_of(std::int64_t ms) {
  return ms - (ms % kDayMs + kDayMs) % kDayMs;
}

// A record stored with encode_fields, or nothing when absent or undecodable.
template <class T>
std::optional<T> read(const KvReader& kv, std::string_view k) {
  auto bytes = kv.get(k);
  T value{};
  if (!bytes || !events::decode_fields(*bytes, value)) return std::nullopt;
  return value;
}

}  // namespace dialer::projections::reporting_keys
