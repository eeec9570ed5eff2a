#pragma once

// One request in, one JSON answer out: the helpers every route shares. Errors are values
// (events/error.hpp) until here, where each code becomes its one HTTP status (refusal.hpp).

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "actors/projections/paging.hpp"
#include "events/result.hpp"
#include "http/mapping/refusal.hpp"

namespace dialer::http {

void reply(httplib::Response& res, int status, nlohmann::json body);
// A success: `body` gains "success": true.
void reply_ok(httplib::Response& res, nlohmann::json body, int status = 200);
// A refusal as the API's error body; one unavailable now (503) says when to retry
// (Retry-After).
void reply_refusal(httplib::Response& res, const Refusal& refusal);
void reply_error(httplib::Response& res, const Error& error);
// A route's answer: the body of a success (its "success": true added), or the error to
// answer instead; a route that returns one says nothing of HTTP but where it must.
using Answer = Result<nlohmann::json>;
void reply_with(httplib::Response& res, Answer answer, int status = 200);

// The one path whose body is CSV (text/csv): a queue import.
inline constexpr std::string_view kQueueImportPath = "/api/dialer/queue/import";

// A body declared as anything but what its path takes (JSON, or CSV for an import) is
// refused (415), before it is read.
std::optional<Refusal> declared_media(const httplib::Request& req);
// The request's JSON object (an empty body reads as {}): 400 when it does not parse or is
// not an object.
Result<nlohmann::json> json_object(const httplib::Request& req);

// Query parameters, checked: a bad value is an invalid_argument error naming it.
Result<std::size_t> count_param(const httplib::Request& req, const char* name, std::size_t fallback,
                                std::size_t max);
Result<std::optional<std::int64_t>> time_param(const httplib::Request& req, const char* name);
std::string text_param(const httplib::Request& req, const char* name);
// startDate (inclusive) and endDate (exclusive; a bare date covers that whole day).
struct Period {
  std::optional<std::int64_t> from_ms;
  std::optional<std::int64_t> to_ms;
};
Result<Period> period_params(const httplib::Request& req);
// A sequence number as a client sends it back (Last-Event-ID): digits only, one that fits.
Result<std::uint64_t> sequence_value(const std::string& text, const char* field);

// Typed fields of a JSON object, checked the same way; absent (or null) gives nullopt. Text
// is at most `max_length` bytes.
inline constexpr std::size_t kMaxTextLength = 1'024;
Result<std::optional<std::string>> text_field(const nlohmann::json& object, const char* name,
                                              std::size_t max_length = kMaxTextLength);
Result<std::optional<std::int64_t>> integer_field(const nlohmann::json& object, const char* name);
Result<std::optional<std::int64_t>> time_field(const nlohmann::json& object, const char* name);

// An id from a path: 1 to 64 letters, digits, '-', '_' or '.', or an error naming `field`.
Result<std::string> plain_id(std::string text, const char* field);
// A priority as the API takes it: a whole number that fits; the range is the domain's.
Result<std::optional<std::int32_t>> priority_field(const nlohmann::json& object);

// limit (50 by default, at most 1000), skip and cursor (decoded: the key the previous page
// ended on), as every list takes them.
Result<projections::PageRequest> paging_params(const httplib::Request& req);

// Cursors travel as hex so that they survive any URL and say nothing of the key layout.
std::string encode_cursor(std::string_view key);
Result<std::string> decode_cursor(std::string_view text);

}  // namespace dialer::http
