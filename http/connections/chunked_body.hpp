#pragma once

// A chunked request body (RFC 9112, 7.1), decoded as its bytes arrive: every chunk counts
// against the body limit the moment its size line is read, so a body past the limit is
// refused before its data comes. Extensions and trailers are read and dropped, within
// bounds of their own.

#include <cstddef>
#include <string>
#include <string_view>

namespace dialer::http {

class ChunkedBody {
 public:
  enum class State { more, done, too_large, malformed };

  explicit ChunkedBody(std::size_t max_body_bytes) : max_body_(max_body_bytes) {}

  // Decodes what it can of `wire` from where it stopped; `wire` is everything received
  // after the head so far, so it only ever grows between calls. Once done, `consumed()`
  // says where the body ended (a pipelined request may follow).
  State feed(std::string_view wire);

  std::string& body() { return body_; }
  std::size_t consumed() const { return at_; }
  // Why it stopped, for a malformed body.
  const std::string& problem() const { return problem_; }

  static constexpr std::size_t kMaxSizeLine = 1024;      // a size and its extensions
  static constexpr std::size_t kMaxTrailerBytes = 8192;  // every trailer line together

 private:
  enum class Step { size_line, data, data_end, trailer, finished };
  State fail(std::string why);

  std::size_t max_body_;
  std::string body_;
  std::string problem_;
  std::size_t at_ = 0;          // where in the wire the next unread byte is
  std::size_t chunk_left_ = 0;  // bytes of the current chunk not read yet
  std::size_t trailer_bytes_ = 0;
  Step step_ = Step::size_line;
};

}  // namespace dialer::http
