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
  // Refusals at the edge, before a request reaches the domain.
  unauthenticated,    // no credentials, or wrong ones
  too_large,          // a body over the size limit
  unsupported_media,  // a body that is not JSON
  rate_limited,       // too many requests
  // Refusals of a connection or a request's head, before it is routed.
  request_timeout,     // the request did not arrive whole before its deadline
  uri_too_long,        // a request target over the bound
  headers_too_large,   // a request head over the bound
  not_implemented,     // a method the server does not know
  method_not_allowed,  // a method the path does not take
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
