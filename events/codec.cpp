#include "events/codec.hpp"

#include <unordered_map>
#include <utility>

#include "events/fields.hpp"

namespace dialer::events {
namespace {

struct EventKind {
  std::uint32_t schema;
  bool (*decode)(std::string_view payload, Event& out);
};

template <class T>
bool decode_into(std::string_view payload, Event& out) {
  T value{};
  if (!decode_fields(payload, value)) return false;
  out = std::move(value);
  return true;
}

template <std::size_t... I>
std::unordered_map<std::string_view, EventKind> make_kinds(std::index_sequence<I...>) {
  return {{std::variant_alternative_t<I, Event>::type,
           EventKind{std::variant_alternative_t<I, Event>::schema,
                     &decode_into<std::variant_alternative_t<I, Event>>}}...};
}

const std::unordered_map<std::string_view, EventKind>& kinds() {
  static const auto table = make_kinds(std::make_index_sequence<std::variant_size_v<Event>>{});
  return table;
}

}  // namespace

std::string_view type_of(const Event& event) {
  return std::visit([](const auto& e) { return std::decay_t<decltype(e)>::type; }, event);
}

EncodedEvent encode(const Event& event) {
  return std::visit(
      [](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        return EncodedEvent{std::string{T::type}, T::schema, encode_fields(e)};
      },
      event);
}

Result<Event> decode(std::string_view type, std::uint32_t schema, std::string_view payload,
                     const Upcasters& upcasters) {
  auto kind = kinds().find(type);
  if (kind == kinds().end()) {
    return Error{ErrorCode::unsupported_version, "unknown event type " + std::string{type}};
  }
  const auto current = kind->second.schema;
  if (schema > current) {
    return Error{ErrorCode::unsupported_version, std::string{type} + " v" + std::to_string(schema) +
                                                     " is newer than v" + std::to_string(current) +
                                                     ", the newest this build reads"};
  }
  if (schema == 0) {
    return Error{ErrorCode::corrupt_data, std::string{type} + " has schema version 0"};
  }
  Event event;
  if (schema == current) {
    if (!kind->second.decode(payload, event)) {
      return Error{ErrorCode::corrupt_data, std::string{type} + " payload does not decode"};
    }
    return event;
  }
  auto upcast = upcasters.upcast(type, schema, current, payload);
  if (!upcast) return upcast.error();
  if (!kind->second.decode(*upcast, event)) {
    return Error{ErrorCode::corrupt_data, std::string{type} + " upcast payload does not decode"};
  }
  return event;
}

nlohmann::json to_json(const Event& event) {
  return std::visit([](const auto& e) { return fields_to_json(e); }, event);
}

}  // namespace dialer::events
