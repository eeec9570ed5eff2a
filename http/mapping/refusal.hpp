#pragma once

// A refusal as the edge answers it: its status, the code its body names, why, and the field at
// fault. The domain's errors (events/error.hpp) become one through status_of; the edge's own
// refusals of a request's head, method or media type mean nothing below HTTP, and so are named
// here only.

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "events/error.hpp"

namespace dialer::http {

enum class EdgeRefusal {
  request_timeout,     // 408: the request did not arrive whole before its deadline
  uri_too_long,        // 414: a request target over the bound
  headers_too_large,   // 431: a request head over the bound
  not_implemented,     // 501: a method the server does not know
  method_not_allowed,  // 405: a method the path does not take
  unsupported_media,   // 415: a body that is not what its path takes
};

int status_of(ErrorCode code);

// How long an unavailable answer (503) tells its client to wait before trying again.
inline constexpr const char* kRetryAfterSeconds = "5";

struct Refusal {
  int status = 500;
  std::string_view code;
  std::string message;
  std::string field;
  bool retry_soon = false;  // unavailable now, back soon: the answer says when (Retry-After)

  static Refusal of(const Error& error);
  static Refusal of(EdgeRefusal why, std::string message, std::string field = {});
};

// {"success": false, "message": …, "error": {"code": …, "field": …}}
nlohmann::json error_json(const Refusal& refusal);
nlohmann::json error_json(const Error& error);

}  // namespace dialer::http
