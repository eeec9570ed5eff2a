#include "http/connections/chunked_body.hpp"

#include <algorithm>

namespace dialer::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

ChunkedBody::State ChunkedBody::fail(std::string why) {
  problem_ = std::move(why);
  return State::malformed;
}

ChunkedBody::State ChunkedBody::feed(std::string_view wire) {
  for (;;) {
    auto rest = wire.substr(std::min(at_, wire.size()));
    switch (step_) {
      case Step::size_line: {
        auto eol = rest.find("\r\n");
        if (eol == std::string_view::npos) {
          if (rest.size() > kMaxSizeLine) return fail("a chunk's size line is too long");
          return State::more;
        }
        if (eol > kMaxSizeLine) return fail("a chunk's size line is too long");
        auto line = rest.substr(0, eol);
        std::size_t size = 0;
        std::size_t digits = 0;
        for (; digits < line.size(); ++digits) {
          auto value = hex_value(line[digits]);
          if (value < 0) break;
          // Past the limit with this digit: refused before its data comes, and before the
          // number overflows.
          if (size > max_body_ / 16) return State::too_large;
          size = size * 16 + static_cast<std::size_t>(value);
        }
        if (digits == 0) return fail("a chunk's size is not a hexadecimal number");
        // Only extensions may follow the size: ";name=value", after optional whitespace.
        auto after = line.substr(digits);
        while (after.starts_with(' ') || after.starts_with('\t')) after.remove_prefix(1);
        if (!after.empty() && after.front() != ';') {
          return fail("a chunk's size is not a hexadecimal number");
        }
        if (size > max_body_ || body_.size() + size > max_body_) return State::too_large;
        at_ += eol + 2;
        chunk_left_ = size;
        step_ = size == 0 ? Step::trailer : Step::data;
        break;
      }
      case Step::data: {
        auto take = std::min(chunk_left_, rest.size());
        body_.append(rest.data(), take);
        at_ += take;
        chunk_left_ -= take;
        if (chunk_left_ > 0) return State::more;
        step_ = Step::data_end;
        break;
      }
      case Step::data_end:
        if (rest.size() < 2) return State::more;
        if (!rest.starts_with("\r\n")) return fail("a chunk's data is not followed by CRLF");
        at_ += 2;
        step_ = Step::size_line;
        break;
      case Step::trailer: {
        auto eol = rest.find("\r\n");
        auto seen = eol == std::string_view::npos ? rest.size() : eol;
        if (trailer_bytes_ + seen > kMaxTrailerBytes) return fail("the trailer is too long");
        if (eol == std::string_view::npos) return State::more;
        at_ += eol + 2;
        trailer_bytes_ += eol + 2;
        if (eol == 0) step_ = Step::finished;
        break;
      }
      case Step::finished:
        return State::done;
    }
  }
}

}  // namespace dialer::http
