#include "http/mapping/refusal.hpp"

#include "events/names.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

struct EdgeName {
  EdgeRefusal refusal;
  int status;
  std::string_view code;
};

constexpr EdgeName kEdgeNames[] = {
    {EdgeRefusal::request_timeout, 408, "request_timeout"},
    {EdgeRefusal::uri_too_long, 414, "uri_too_long"},
    {EdgeRefusal::headers_too_large, 431, "headers_too_large"},
    {EdgeRefusal::not_implemented, 501, "not_implemented"},
    {EdgeRefusal::method_not_allowed, 405, "method_not_allowed"},
    {EdgeRefusal::unsupported_media, 415, "unsupported_media"},
};

}  // namespace

int status_of(ErrorCode code) {
  switch (code) {
    case ErrorCode::invalid_argument:
    case ErrorCode::corrupt_data:
    case ErrorCode::unsupported_version:
      return 400;
    case ErrorCode::unauthenticated:
      return 401;
    case ErrorCode::not_found:
      return 404;
    case ErrorCode::conflict:
      return 409;
    case ErrorCode::too_large:
      return 413;
    case ErrorCode::refused:
      return 422;
    case ErrorCode::unavailable:
      return 503;
    case ErrorCode::io_error:
      return 500;
  }
  return 500;
}

Refusal Refusal::of(const Error& error) {
  return {status_of(error.code), to_string(error.code), error.message, error.field,
          error.code == ErrorCode::unavailable};
}

Refusal Refusal::of(EdgeRefusal why, std::string message, std::string field) {
  for (const auto& name : kEdgeNames) {
    if (name.refusal == why) return {name.status, name.code, std::move(message), std::move(field)};
  }
  return {500, "internal", std::move(message), std::move(field)};
}

json error_json(const Refusal& refusal) {
  json detail{{"code", refusal.code}};
  if (!refusal.field.empty()) detail["field"] = refusal.field;
  return json{{"success", false}, {"message", refusal.message}, {"error", std::move(detail)}};
}

json error_json(const Error& error) {
  return error_json(Refusal::of(error));
}

}  // namespace dialer::http
