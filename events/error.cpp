#include "events/error.hpp"

namespace dialer {

std::string_view to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
      return "invalid_argument";
    case ErrorCode::not_found:
      return "not_found";
    case ErrorCode::conflict:
      return "conflict";
    case ErrorCode::refused:
      return "refused";
    case ErrorCode::corrupt_data:
      return "corrupt_data";
    case ErrorCode::unsupported_version:
      return "unsupported_version";
    case ErrorCode::unavailable:
      return "unavailable";
    case ErrorCode::io_error:
      return "io_error";
    case ErrorCode::unauthenticated:
      return "unauthenticated";
    case ErrorCode::too_large:
      return "too_large";
    case ErrorCode::unsupported_media:
      return "unsupported_media";
    case ErrorCode::rate_limited:
      return "rate_limited";
  }
  return "unknown";
}

}  // namespace dialer
