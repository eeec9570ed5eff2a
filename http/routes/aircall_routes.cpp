// Aircall's directory, read through the dialer: the users and numbers a front end offers when
// an agent is started (aircallUserId, numberId). `?mockMode=true` reads the simulator's.

#include <charconv>

#include "http/aircall/lines.hpp"
#include "http/mapping/exchange.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

json number_json(const AircallNumber& number) {
  return {{"id", std::to_string(number.id)},
          {"name", number.name},
          {"digits", number.digits},
          {"country", number.country},
          {"timeZone", number.time_zone}};
}

json user_json(const AircallUser& user) {
  return {{"id", std::to_string(user.id)},
          {"name", user.name},
          {"email", user.email},
          {"available", user.available},
          {"availabilityStatus", user.availability_status}};
}

// The line the request asks about, or the error to answer.
Result<AircallClient*> line_of(Context& context, const httplib::Request& req) {
  if (!context.lines) {
    return Error{ErrorCode::unavailable, "this server places calls without Aircall"};
  }
  auto mock = text_param(req, "mockMode");
  if (!mock.empty() && mock != "true" && mock != "false") {
    return Error{ErrorCode::invalid_argument, "mockMode must be true or false", "mockMode"};
  }
  bool mock_mode = mock.empty() ? !context.lines->has_aircall() : mock == "true";
  return context.lines->requested_line(mock_mode, "mockMode");
}

// What the line lists (`fetch`), each entry as `to_json` gives it: {totalCount, <key>: [...]}.
template <class Fetch, class ToJson>
Answer listed(Context& context, const httplib::Request& req, const char* key, Fetch fetch,
              ToJson to_json) {
  auto line = line_of(context, req);
  if (!line) return line.error();
  auto found = fetch(**line);
  if (!found) return found.error();
  json list = json::array();
  for (const auto& entry : *found) list.push_back(to_json(entry));
  return json{{"totalCount", list.size()}, {key, std::move(list)}};
}

Answer users(Context& context, const httplib::Request& req) {
  return listed(
      context, req, "users", [](auto& line) { return line.users(); }, user_json);
}

Answer user(Context& context, const httplib::Request& req, std::string_view id_text) {
  auto line = line_of(context, req);
  if (!line) return line.error();
  std::int64_t id = 0;
  auto [end, problem] = std::from_chars(id_text.data(), id_text.data() + id_text.size(), id);
  if (problem != std::errc{} || end != id_text.data() + id_text.size() || id <= 0) {
    return Error{ErrorCode::invalid_argument, "an Aircall user id is a number", "id"};
  }
  auto found = (*line)->user(id);
  if (!found) return found.error();
  auto answer = user_json(*found);
  answer["numbers"] = json::array();
  for (const auto& number : found->numbers) answer["numbers"].push_back(number_json(number));
  return json{{"user", std::move(answer)}};
}

Answer numbers(Context& context, const httplib::Request& req) {
  return listed(
      context, req, "numbers", [](auto& line) { return line.numbers(); }, number_json);
}

}  // namespace

void add_aircall_routes(Router& router, Context& context) {
  router.get("/api/dialer/aircall/users",
             [&context](const httplib::Request& req, httplib::Response& res) {
               reply_with(res, users(context, req));
             });
  router.get(
      "/api/dialer/aircall/users/:id",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        reply_with(res, user(context, req, params["id"]));
      });
  router.get("/api/dialer/aircall/numbers",
             [&context](const httplib::Request& req, httplib::Response& res) {
               reply_with(res, numbers(context, req));
             });
}

}  // namespace dialer::http
