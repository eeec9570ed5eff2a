#pragma once

// Fields of Aircall's JSON bodies (webhook data, API answers), read leniently: a field that
// is missing, null or of another type reads as absent, never as an exception.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "events/bounded_json.hpp"

namespace dialer::http {

// A body Aircall (or a client of the simulator) sent, parsed with its nesting bounded; a
// discarded value when it is not JSON or nested past the bound.
inline nlohmann::json parse_lenient(std::string_view body) {
  auto parsed = parse_bounded_json(body, "body", 2 * kMaxJsonDepth);
  return parsed ? std::move(parsed).value() : nlohmann::json(nlohmann::json::value_t::discarded);
}

inline std::int64_t integer_or(const nlohmann::json& object, const char* name,
                               std::int64_t fallback = 0) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_number_integer()) return fallback;
  return found->get<std::int64_t>();
}

inline std::string text_or_empty(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_string()) return {};
  return found->get<std::string>();
}

// Aircall's times are UNIX seconds.
inline std::optional<std::int64_t> seconds_as_ms(const nlohmann::json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_number_integer()) return std::nullopt;
  return found->get<std::int64_t>() * 1000;
}

// A call's `user.id`, or 0.
inline std::int64_t user_id_of(const nlohmann::json& call) {
  auto user = call.find("user");
  return user != call.end() && user->is_object() ? integer_or(*user, "id") : 0;
}

}  // namespace dialer::http
