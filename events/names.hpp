#pragma once

// Enumerations and their words: one table per enumeration, read both ways, so that a word
// is written once and the API, the log and the tools all say the same.

#include <array>
#include <cstddef>
#include <string_view>
#include <utility>

namespace dialer {

template <class E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

// The word for `value`; `fallback` for a value the table lacks.
template <class E, std::size_t N>
constexpr std::string_view name_in(const NameTable<E, N>& names, E value,
                                   std::string_view fallback = "unknown") {
  for (const auto& [candidate, name] : names)
    if (candidate == value) return name;
  return fallback;
}

// The value the word names (the first, when two share it); false for an unknown word.
template <class E, std::size_t N>
constexpr bool value_in(const NameTable<E, N>& names, std::string_view text, E& value) {
  for (const auto& [candidate, name] : names) {
    if (name == text) {
      value = candidate;
      return true;
    }
  }
  return false;
}

}  // namespace dialer
