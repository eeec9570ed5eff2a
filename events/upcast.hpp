#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "events/result.hpp"

namespace dialer::events {

// Turns a payload of schema N into schema N+1 of the same type.
using Upcaster = std::function<Result<std::string>(std::string_view payload)>;

// The registered schema steps. Old events are never rewritten in the log; they are
// brought up to date each time they are read.
class Upcasters {
 public:
  void add(std::string_view type, std::uint32_t from_schema, Upcaster step);

  // Applies the steps from `schema` up to `target`; an error when a step is missing or
  // fails.
  Result<std::string> upcast(std::string_view type, std::uint32_t schema, std::uint32_t target,
                             std::string_view payload) const;

 private:
  std::map<std::pair<std::string, std::uint32_t>, Upcaster, std::less<>> steps_;
};

// The steps for the event catalogue's own history (upcasters.cpp).
const Upcasters& catalogue_upcasters();

}  // namespace dialer::events
