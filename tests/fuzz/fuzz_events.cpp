// Fuzzes the event codec's decoding: an envelope as the log stores it, and a payload of any
// catalogued type and schema (the first two bytes pick them), upcasters included.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "events/codec.hpp"
#include "events/envelope.hpp"

using namespace dialer;

namespace {

// Every catalogued type, by name, as the log names it.
template <std::size_t... I>
std::vector<std::string_view> type_names(std::index_sequence<I...>) {
  return {std::variant_alternative_t<I, events::Event>::type...};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  (void)events::decode_envelope(bytes);
  (void)events::decode_envelope_view(bytes);
  if (size < 2) return 0;
  static const auto names =
      type_names(std::make_index_sequence<std::variant_size_v<events::Event>>{});
  auto type = names[data[0] % names.size()];
  auto schema = static_cast<std::uint32_t>(data[1] % 4);
  auto decoded = events::decode(type, schema, bytes.substr(2));
  if (decoded) {
    auto again = events::encode(*decoded);
    auto round = events::decode(again.type, again.schema, again.payload);
    if (!round || !(*round == *decoded)) __builtin_trap();  // what decodes must round-trip
    (void)events::to_json(*decoded);
  }
  return 0;
}
