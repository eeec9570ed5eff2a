#include "events/upcast.hpp"

namespace dialer::events {

void Upcasters::add(std::string_view type, std::uint32_t from_schema, Upcaster step) {
  steps_[{std::string{type}, from_schema}] = std::move(step);
}

Result<std::string> Upcasters::upcast(std::string_view type, std::uint32_t schema,
                                      std::uint32_t target, std::string_view payload) const {
  std::string current{payload};
  for (auto version = schema; version < target; ++version) {
    auto step = steps_.find(std::pair{std::string{type}, version});
    if (step == steps_.end()) {
      return Error{ErrorCode::unsupported_version,
                   std::string{type} + " has no upcaster from v" + std::to_string(version)};
    }
    auto next = step->second(current);
    if (!next) return next.error();
    current = std::move(next).value();
  }
  return current;
}

}  // namespace dialer::events
