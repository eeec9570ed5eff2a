// The router's table and the chunked body decoder: pure, without a server.

#include "http/routes/route_table.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "http/connections/chunked_body.hpp"

using dialer::http::ChunkedBody;
using dialer::http::RouteTable;

TEST_CASE("route table: templates match by segment, parameters by name") {
  RouteTable table;
  table.add("GET", "/api/dialer/queue/items/:queueItemId");
  table.add("GET", "/api/dialer/queue/:userId");
  table.add("PUT", "/api/dialer/queue/:queueItemId");
  table.add("POST", "/api/dialer/calls/:callId/disposition");
  table.add("GET", "/");

  auto item = table.match("GET", "/api/dialer/queue/items/q-1");
  REQUIRE(item);
  CHECK(item->route == 0);
  CHECK(item->params["queueItemId"] == "q-1");
  CHECK(item->params["userId"].empty());

  auto user = table.match("GET", "/api/dialer/queue/zoe");
  REQUIRE(user);
  CHECK(user->route == 1);
  CHECK(user->params["userId"] == "zoe");

  auto disposed = table.match("POST", "/api/dialer/calls/c-9/disposition");
  REQUIRE(disposed);
  CHECK(disposed->params["callId"] == "c-9");

  CHECK(table.match("HEAD", "/")->route == 4);            // HEAD takes GET's routes
  CHECK_FALSE(table.match("GET", "/api/dialer/queue/"));  // an empty parameter is none
  CHECK_FALSE(table.match("GET", "/api/dialer/queue/a/b/c"));
  CHECK_FALSE(table.match("DELETE", "/api/dialer/queue/zoe"));
  CHECK_FALSE(table.match("GET", "/api/dialer"));

  CHECK(table.allowed("/api/dialer/queue/zoe") == "GET, PUT, OPTIONS");
  CHECK(table.allowed("/nowhere").empty());
}

TEST_CASE("route table: a path of a million bytes is matched in one pass") {
  RouteTable table;
  table.add("GET", "/api/dialer/status/:userId");
  std::string path = "/api/dialer/status/" + std::string(1 << 20, 'a');
  auto found = table.match("GET", path);
  REQUIRE(found);
  CHECK(found->params["userId"].size() == 1u << 20);
}

TEST_CASE("chunked body: decoded as it arrives, byte by byte") {
  std::string wire =
      "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nT: x\r\n\r\nNEXT";
  ChunkedBody body{1024};
  ChunkedBody::State state = ChunkedBody::State::more;
  for (std::size_t arrived = 0; arrived <= wire.size(); ++arrived) {
    state = body.feed(std::string_view{wire}.substr(0, arrived));
    if (state != ChunkedBody::State::more) break;
  }
  REQUIRE(state == ChunkedBody::State::done);
  CHECK(body.body() == "Wikipedia in\r\n\r\nchunks.");
  CHECK(wire.substr(body.consumed()) == "NEXT");
}

TEST_CASE("chunked body: the limit counts every chunk before its data") {
  ChunkedBody small{10};
  CHECK(small.feed("8\r\n12345678\r\n") == ChunkedBody::State::more);
  CHECK(small.feed("8\r\n12345678\r\n3\r\n") == ChunkedBody::State::too_large);

  ChunkedBody huge{1 << 20};
  CHECK(huge.feed("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF\r\n") == ChunkedBody::State::too_large);
}

TEST_CASE("chunked body: malformed framing is named") {
  for (const char* wire : {"zz\r\n", "4\r\nWikiXX", "-1\r\n", "4 x\r\nWiki\r\n"}) {
    INFO(wire);
    ChunkedBody body{1024};
    auto state = body.feed(wire);
    CHECK(state == ChunkedBody::State::malformed);
    CHECK_FALSE(body.problem().empty());
  }
  ChunkedBody long_line{1024};
  CHECK(long_line.feed("1;" + std::string(2000, 'e')) == ChunkedBody::State::malformed);
  ChunkedBody long_trailer{1024};
  CHECK(long_trailer.feed("0\r\nT: " + std::string(10000, 't')) == ChunkedBody::State::malformed);
}
