// Fuzzes the chunked body decoder and the route table: the input, fed whole and fed in
// pieces (the first byte sets their size), must decode the same, never past the body limit
// nor past the bytes given; and its first line, as a path, is matched against the API's
// route templates.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/connections/chunked_body.hpp"
#include "http/routes/route_table.hpp"

using namespace dialer;

namespace {

constexpr std::size_t kLimit = 4096;

http::ChunkedBody::State decode(std::string_view wire, std::size_t piece, std::string& body,
                                std::size_t& consumed) {
  http::ChunkedBody decoder{kLimit};
  auto state = http::ChunkedBody::State::more;
  for (std::size_t arrived = piece; state == http::ChunkedBody::State::more; arrived += piece) {
    state = decoder.feed(wire.substr(0, std::min(arrived, wire.size())));
    if (arrived >= wire.size()) break;
  }
  if (decoder.body().size() > kLimit || decoder.consumed() > wire.size()) std::abort();
  body = decoder.body();
  consumed = decoder.consumed();
  return state;
}

const http::RouteTable& routes() {
  static const http::RouteTable table = [] {
    http::RouteTable t;
    for (const auto* pattern :
         {"/api/dialer/start/:userId", "/api/dialer/queue/items/:id", "/api/dialer/queue/:userId",
          "/api/dialer/calls/:id/disposition", "/", "/console/:file"})
      t.add("GET", pattern);
    return t;
  }();
  return table;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::size_t piece = 1 + data[0] % 64;
  std::string_view wire{reinterpret_cast<const char*>(data) + 1, size - 1};

  std::string whole_body, pieces_body;
  std::size_t whole_consumed = 0, pieces_consumed = 0;
  auto whole = decode(wire, wire.size() + 1, whole_body, whole_consumed);
  auto in_pieces = decode(wire, piece, pieces_body, pieces_consumed);
  if (whole != in_pieces) std::abort();
  if (whole == http::ChunkedBody::State::done &&
      (whole_body != pieces_body || whole_consumed != pieces_consumed))
    std::abort();

  auto path = wire.substr(0, wire.find('\n'));
  if (auto found = routes().match("GET", path)) {
    if (found->route >= routes().size()) std::abort();
  }
  (void)routes().allowed(path);
  return 0;
}
