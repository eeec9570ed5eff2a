// The edge's refusals (http/mapping/refusal.hpp): the domain's errors through their one status, and
// the edge's own, which nothing below HTTP names.

#include "http/mapping/refusal.hpp"

#include <catch2/catch.hpp>

#include "http/mapping/exchange.hpp"

using namespace dialer;
using namespace dialer::http;

TEST_CASE("refusal: the edge's own refusals each have their status and code") {
  struct Expected {
    EdgeRefusal why;
    int status;
    std::string_view code;
  };
  for (const auto& [why, status, code] : {
           Expected{EdgeRefusal::request_timeout, 408, "request_timeout"},
           Expected{EdgeRefusal::uri_too_long, 414, "uri_too_long"},
           Expected{EdgeRefusal::headers_too_large, 431, "headers_too_large"},
           Expected{EdgeRefusal::not_implemented, 501, "not_implemented"},
           Expected{EdgeRefusal::method_not_allowed, 405, "method_not_allowed"},
           Expected{EdgeRefusal::unsupported_media, 415, "unsupported_media"},
       }) {
    auto refusal = Refusal::of(why, "why", "field");
    CHECK(refusal.status == status);
    CHECK(refusal.code == code);
    CHECK_FALSE(refusal.retry_soon);
  }
}

TEST_CASE("refusal: a domain error keeps its code, and only unavailable says to retry") {
  auto busy = Refusal::of(Error{ErrorCode::unavailable, "busy"});
  CHECK(busy.status == 503);
  CHECK(busy.retry_soon);
  auto held = Refusal::of(Error{ErrorCode::conflict, "held", "phoneNumber"});
  CHECK(held.status == 409);
  CHECK_FALSE(held.retry_soon);
  auto body = error_json(held);
  CHECK(body["success"] == false);
  CHECK(body["message"] == "held");
  CHECK(body["error"]["code"] == "conflict");
  CHECK(body["error"]["field"] == "phoneNumber");

  httplib::Response res;
  reply_refusal(res, busy);
  CHECK(res.status == 503);
  CHECK(res.get_header_value("Retry-After") == "5");
}
