#include "http/mapping/exchange.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>

#include "actors/projections/report_json.hpp"
#include "events/binary.hpp"
#include "events/bounded_json.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

Error invalid(std::string message, std::string field) {
  return Error{ErrorCode::invalid_argument, std::move(message), std::move(field)};
}

}  // namespace

void reply(httplib::Response& res, int status, json body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, json::error_handler_t::replace), "application/json");
}

void reply_ok(httplib::Response& res, json body, int status) {
  body["success"] = true;
  reply(res, status, std::move(body));
}

void reply_refusal(httplib::Response& res, const Refusal& refusal) {
  // What is unavailable now may be back soon: a client is told when to try again.
  if (refusal.retry_soon) res.set_header("Retry-After", kRetryAfterSeconds);
  reply(res, refusal.status, error_json(refusal));
}

void reply_error(httplib::Response& res, const Error& error) {
  reply_refusal(res, Refusal::of(error));
}

void reply_with(httplib::Response& res, Answer answer, int status) {
  if (!answer) return reply_error(res, answer.error());
  reply_ok(res, std::move(*answer), status);
}

std::optional<Refusal> declared_media(const httplib::Request& req) {
  // Called before the body is read: its headers say whether there is one.
  bool has_body = !req.body.empty() || req.has_header("Transfer-Encoding") ||
                  req.get_header_value<std::uint64_t>("Content-Length") > 0;
  if (!has_body) return std::nullopt;
  // The media type, before its parameters, case folded: application/json or any +json.
  auto type = req.get_header_value("Content-Type");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && std::isspace(static_cast<unsigned char>(type.back()))) type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (req.path == kQueueImportPath) {
    if (type == "text/csv") return std::nullopt;
    return Refusal::of(EdgeRefusal::unsupported_media,
                       "the body must be a CSV file, sent with Content-Type: text/csv",
                       "Content-Type");
  }
  if (type != "application/json" && !type.ends_with("+json")) {
    return Refusal::of(EdgeRefusal::unsupported_media,
                       "the body must be JSON, sent with Content-Type: application/json",
                       "Content-Type");
  }
  return std::nullopt;
}

Result<json> json_object(const httplib::Request& req) {
  if (req.body.empty()) return json::object();
  auto parsed = parse_bounded_json(req.body);
  if (!parsed) return parsed.error();
  if (!parsed->is_object()) return invalid("the body must be a JSON object", "body");
  return parsed;
}

Result<std::size_t> count_param(const httplib::Request& req, const char* name, std::size_t fallback,
                                std::size_t max) {
  // An empty value is no value: ?limit=&skip= is how some clients leave them out.
  auto text = text_param(req, name);
  if (text.empty()) return fallback;
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size() || value > max) {
    return invalid(std::string{name} + " must be a whole number from 0 to " + std::to_string(max),
                   name);
  }
  return value;
}

Result<std::optional<std::int64_t>> time_param(const httplib::Request& req, const char* name) {
  if (!req.has_param(name) || req.get_param_value(name).empty()) {
    return std::optional<std::int64_t>{};
  }
  auto parsed = projections::parse_time(req.get_param_value(name));
  if (!parsed) return invalid(std::string{name} + " must be an ISO-8601 time or date", name);
  return parsed;
}

std::string text_param(const httplib::Request& req, const char* name) {
  return req.has_param(name) ? req.get_param_value(name) : std::string{};
}

Result<Period> period_params(const httplib::Request& req) {
  auto from = time_param(req, "startDate");
  if (!from) return from.error();
  auto to = time_param(req, "endDate");
  if (!to) return to.error();
  Period period{*from, *to};
  if (period.to_ms && text_param(req, "endDate").size() == 10) *period.to_ms += 24 * 3'600'000;
  if (period.from_ms && period.to_ms && *period.from_ms >= *period.to_ms) {
    return invalid("endDate must be after startDate", "endDate");
  }
  return period;
}

Result<std::uint64_t> sequence_value(const std::string& text, const char* field) {
  std::uint64_t value = 0;
  auto [end, problem] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || problem != std::errc{} || end != text.data() + text.size()) {
    return invalid(std::string{field} + " must be an event's sequence number", field);
  }
  return value;
}

Result<std::optional<std::string>> text_field(const json& object, const char* name,
                                              std::size_t max_length) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return std::optional<std::string>{};
  std::string text;
  if (found->is_string()) {
    text = found->get<std::string>();
  } else if (found->is_number()) {
    // Ids often come as numbers: any number is taken as it was written, never converted.
    text = found->dump();
  } else {
    return invalid(std::string{name} + " must be a string", name);
  }
  if (text.size() > max_length) {
    return invalid(std::string{name} + " is at most " + std::to_string(max_length) + " bytes",
                   name);
  }
  return std::optional{std::move(text)};
}

Result<std::optional<std::int64_t>> integer_field(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return std::optional<std::int64_t>{};
  if (found->is_number_integer()) return std::optional{found->get<std::int64_t>()};
  // Ids often arrive as strings of digits; the original accepted both.
  if (found->is_string()) {
    const auto& text = found->get_ref<const std::string&>();
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc{} && end == text.data() + text.size() && !text.empty()) {
      return std::optional{value};
    }
  }
  return invalid(std::string{name} + " must be a whole number", name);
}

Result<std::optional<std::int64_t>> time_field(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || found->is_null()) return std::optional<std::int64_t>{};
  if (found->is_string()) {
    if (auto parsed = projections::parse_time(found->get<std::string>()))
      return std::optional{*parsed};
  }
  return invalid(std::string{name} + " must be an ISO-8601 time", name);
}

Result<std::string> plain_id(std::string text, const char* field) {
  // It starts with a letter or a digit: "." and ".." are no one's name.
  bool plain =
      !text.empty() && text.size() <= 64 &&
      std::isalnum(static_cast<unsigned char>(text.front())) &&
      std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      });
  if (!plain) {
    return invalid(std::string{field} +
                       " must be 1 to 64 ASCII letters (A to Z, no accents), digits, '-', '_' or "
                       "'.', starting with a letter or a digit",
                   field);
  }
  return text;
}

Result<std::optional<std::int32_t>> priority_field(const json& object) {
  auto priority = integer_field(object, "priority");
  if (!priority) return priority.error();
  if (!*priority) return std::optional<std::int32_t>{};
  if (**priority < std::numeric_limits<std::int32_t>::min() ||
      **priority > std::numeric_limits<std::int32_t>::max()) {
    return invalid("priority must be between 0 and 1000", "priority");
  }
  return std::optional{static_cast<std::int32_t>(**priority)};
}

Result<projections::PageRequest> paging_params(const httplib::Request& req) {
  constexpr std::size_t kMaxPageSize = 1'000;
  // Past this, a cursor is the way on.
  constexpr std::size_t kMaxSkip = 10'000'000;
  projections::PageRequest paging;
  auto limit = count_param(req, "limit", 50, kMaxPageSize);
  if (!limit) return limit.error();
  auto skip = count_param(req, "skip", 0, kMaxSkip);
  if (!skip) return skip.error();
  paging.limit = *limit;
  paging.skip = *skip;
  if (auto cursor = text_param(req, "cursor"); !cursor.empty()) {
    auto key = decode_cursor(cursor);
    if (!key) return key.error();
    paging.cursor = std::move(*key);
  }
  return paging;
}

std::string encode_cursor(std::string_view key) {
  return events::to_hex(key);
}

Result<std::string> decode_cursor(std::string_view text) {
  auto key = events::from_hex(text);
  if (!key) return invalid("cursor is not one this server gave", "cursor");
  return std::move(*key);
}

}  // namespace dialer::http
