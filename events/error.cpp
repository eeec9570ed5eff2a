#include "events/error.hpp"

#include "events/names.hpp"

namespace dialer {
namespace {

constexpr NameTable<ErrorCode, 10> kErrorNames{{
    {ErrorCode::invalid_argument, "invalid_argument"},
    {ErrorCode::not_found, "not_found"},
    {ErrorCode::conflict, "conflict"},
    {ErrorCode::refused, "refused"},
    {ErrorCode::corrupt_data, "corrupt_data"},
    {ErrorCode::unsupported_version, "unsupported_version"},
    {ErrorCode::unavailable, "unavailable"},
    {ErrorCode::io_error, "io_error"},
    {ErrorCode::unauthenticated, "unauthenticated"},
    {ErrorCode::too_large, "too_large"},
}};

}  // namespace

std::string_view to_string(ErrorCode code) {
  return name_in(kErrorNames, code);
}

}  // namespace dialer
