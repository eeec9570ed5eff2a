#pragma once

// Each event type lists its fields once, in a static `describe(self, visit)`; the binary
// codec and the JSON view below are generic over that list. Binary payloads are
// positional, so a field is never reordered or removed within a schema version: a new
// layout is a new schema version with an upcaster (see upcast.hpp).

#include <concepts>
#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "events/binary.hpp"

namespace dialer::events {

// Enumerations travel by name, so that their numbering is free to change.
template <class E>
concept NamedEnum = std::is_enum_v<E> && requires(E e, std::string_view s) {
  { to_string(e) } -> std::convertible_to<std::string_view>;
  { from_string(s, e) } -> std::same_as<bool>;
};

// A record that lists its fields with a static `describe`: nested records travel whole.
template <class T>
concept Described = std::is_class_v<T> && requires(T& value) {
  T::describe(value, [](std::string_view, auto&) {});
};

// ---- binary ----

inline void put(Writer& w, const std::string& v) {
  w.bytes(v);
}
inline void put(Writer& w, bool v) {
  w.u8(v ? 1 : 0);
}
template <std::signed_integral I>
void put(Writer& w, I v) {
  w.svarint(v);
}
template <std::unsigned_integral I>
requires(!std::same_as<I, bool>) void put(Writer& w, I v) {
  w.varint(v);
}
template <NamedEnum E>
void put(Writer& w, E v) {
  w.bytes(to_string(v));
}
template <Described T>
void put(Writer& w, const T& v) {
  T::describe(v, [&w](std::string_view, const auto& field) { put(w, field); });
}
template <class T>
void put(Writer& w, const std::optional<T>& v) {
  w.u8(v ? 1 : 0);
  if (v) put(w, *v);
}
template <class T>
void put(Writer& w, const std::vector<T>& v) {
  w.varint(v.size());
  for (const auto& item : v) put(w, item);
}
template <class K, class V>
void put(Writer& w, const std::map<K, V>& v) {
  w.varint(v.size());
  for (const auto& [key, value] : v) {
    put(w, key);
    put(w, value);
  }
}

inline void get(Reader& r, std::string& v) {
  v = r.bytes();
}
inline void get(Reader& r, bool& v) {
  auto byte = r.u8();
  if (byte > 1) r.fail();
  v = byte == 1;
}
template <std::signed_integral I>
void get(Reader& r, I& v) {
  auto wide = r.svarint();
  if (wide < std::numeric_limits<I>::min() || wide > std::numeric_limits<I>::max()) r.fail();
  v = static_cast<I>(wide);
}
template <std::unsigned_integral I>
requires(!std::same_as<I, bool>) void get(Reader& r, I& v) {
  auto wide = r.varint();
  if (wide > std::numeric_limits<I>::max()) r.fail();
  v = static_cast<I>(wide);
}
template <NamedEnum E>
void get(Reader& r, E& v) {
  if (!from_string(r.bytes(), v)) r.fail();
}
template <Described T>
void get(Reader& r, T& v) {
  T::describe(v, [&r](std::string_view, auto& field) { get(r, field); });
}
template <class T>
void get(Reader& r, std::optional<T>& v) {
  auto present = r.u8();
  if (present > 1) r.fail();
  if (present == 1 && r.ok()) {
    T value{};
    get(r, value);
    v = std::move(value);
  } else {
    v.reset();
  }
}
template <class T>
void get(Reader& r, std::vector<T>& v) {
  auto count = r.varint();
  v.clear();
  // Each element takes at least one byte: a larger count is corruption, not a reason to
  // allocate.
  if (count > r.remaining()) r.fail();
  for (std::uint64_t i = 0; i < count && r.ok(); ++i) get(r, v.emplace_back());
}
template <class K, class V>
void get(Reader& r, std::map<K, V>& v) {
  auto count = r.varint();
  v.clear();
  if (count > r.remaining()) r.fail();
  for (std::uint64_t i = 0; i < count && r.ok(); ++i) {
    K key{};
    get(r, key);
    get(r, v[key]);
  }
}

template <class T>
std::string encode_fields(const T& value) {
  Writer w;
  T::describe(value, [&w](std::string_view, const auto& field) { put(w, field); });
  return w.take();
}

// False when the bytes are truncated, malformed, or longer than the fields.
template <class T>
bool decode_fields(std::string_view bytes, T& value) {
  Reader r{bytes};
  T::describe(value, [&r](std::string_view, auto& field) { get(r, field); });
  return r.ok() && r.at_end();
}

// ---- JSON (for people and tools; the log itself stores the binary form) ----

template <class T>
nlohmann::json json_value(const T& v) {
  if constexpr (NamedEnum<T>) {
    return std::string{to_string(v)};
  } else {
    return v;
  }
}
template <class T>
nlohmann::json json_value(const std::optional<T>& v) {
  return v ? json_value(*v) : nlohmann::json(nullptr);
}
template <class V>
nlohmann::json json_value(const std::map<std::string, V>& v) {
  auto object = nlohmann::json::object();
  for (const auto& [key, value] : v) object[key] = json_value(value);
  return object;
}
template <class T>
nlohmann::json json_value(const std::vector<T>& v) {
  auto array = nlohmann::json::array();
  for (const auto& item : v) array.push_back(json_value(item));
  return array;
}

template <class T>
nlohmann::json fields_to_json(const T& value) {
  auto object = nlohmann::json::object();
  T::describe(value, [&object](std::string_view name, const auto& field) {
    object[std::string{name}] = json_value(field);
  });
  return object;
}

}  // namespace dialer::events
