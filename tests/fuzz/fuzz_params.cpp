// Fuzzes the query and path parameters: the input's first line is a path id, its second a
// query string, its third a Last-Event-ID; each goes through the readers the routes use.

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "http/mapping/exchange.hpp"

using namespace dialer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string input{reinterpret_cast<const char*>(data), size};
  auto first = input.find('\n');
  auto second = first == std::string::npos ? std::string::npos : input.find('\n', first + 1);
  auto path = input.substr(0, first);
  auto query =
      first == std::string::npos ? std::string{} : input.substr(first + 1, second - first - 1);
  auto last_event = second == std::string::npos ? std::string{} : input.substr(second + 1);

  (void)http::plain_id(path, "userId");
  (void)http::decode_cursor(path);
  (void)http::sequence_value(last_event, "Last-Event-ID");
  httplib::Request req;
  httplib::detail::parse_query_text(query, req.params);
  (void)http::paging_params(req);
  (void)http::period_params(req);
  (void)http::count_param(req, "limit", 50, 1000);
  (void)http::time_param(req, "startDate");
  (void)http::text_param(req, "status");
  return 0;
}
