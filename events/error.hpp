#pragma once

#include <string>
#include <string_view>

namespace dialer {

// The kinds of failure every layer reports; the HTTP edge maps each to one status.
enum class ErrorCode {
  invalid_argument,     // a field is malformed or out of range
  not_found,            // an unknown id
  conflict,             // the state does not allow it (or an optimistic-concurrency clash)
  refused,              // a business rule says no (do-not-call, attempts exhausted)
  corrupt_data,         // stored or received bytes do not decode
  unsupported_version,  // a schema version newer than this build knows
  unavailable,          // a dependency is not ready or not reachable
  io_error,             // the storage engine failed
  unauthenticated,      // no credentials, or wrong ones
  too_large,            // a body or an answer over its size bound
};

std::string_view to_string(ErrorCode code);

struct Error {
  Error(ErrorCode error_code, std::string text, std::string field_name = {})
      : code(error_code), message(std::move(text)), field(std::move(field_name)) {}

  ErrorCode code = ErrorCode::invalid_argument;
  std::string message;
  std::string field;  // the request field at fault, when there is one

  bool operator==(const Error&) const = default;
};

}  // namespace dialer
