#pragma once

// JSON from outside (request bodies, webhooks, Aircall's answers), parsed with its nesting
// bounded: a document nested deeper than the bound is refused while it is read, naming
// where, so that nothing downstream (a dump, a copy, a compare) recurses on a depth an
// attacker chose.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "events/result.hpp"

namespace dialer {

inline constexpr std::size_t kMaxJsonDepth = 32;

// The parsed document, or an invalid_argument error: malformed JSON (field `what`), or a
// value nested more than `max_depth` levels deep (field: where it is, "clients[0].metadata").
Result<nlohmann::json> parse_bounded_json(std::string_view text, std::string_view what = "body",
                                          std::size_t max_depth = kMaxJsonDepth);

// A document, and its text without one of its top-level members (a secret cut from a body
// before the body is kept): the bytes as they came, less the member and its comma.
struct DocumentWithout {
  nlohmann::json document;  // whole, the member included
  std::string text;         // without the member; the text itself when it has none
};

// As parse_bounded_json, in the same single pass. A member written so that it cannot be cut
// from the bytes (its key escaped, its value not a string, the key twice) is cut from the
// document instead, which is written out again.
Result<DocumentWithout> parse_bounded_json_without(std::string_view text, std::string_view key,
                                                   std::string_view what = "body",
                                                   std::size_t max_depth = kMaxJsonDepth);

}  // namespace dialer
