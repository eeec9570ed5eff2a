// The bounded reader's cut: a top-level member taken out of the bytes as they came, in the
// same pass that reads the document, and out of the document when the bytes will not allow it.

#include "events/bounded_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using dialer::parse_bounded_json_without;
using nlohmann::json;

namespace {

// The text kept, after checking it reads as the document less the member.
std::string kept(const std::string& text) {
  auto parsed = parse_bounded_json_without(text, "token");
  REQUIRE(parsed);
  CHECK(parsed->document == json::parse(text));
  auto expected = json::parse(text);
  if (expected.is_object()) expected.erase("token");
  CHECK(json::parse(parsed->text) == expected);
  return parsed->text;
}

}  // namespace

TEST_CASE("bounded json: a token is cut from the bytes wherever it stands in the object") {
  CHECK(kept(R"({"event":"call.ended","token":"s3cret","data":{"id":1}})") ==
        R"({"event":"call.ended","data":{"id":1}})");
  CHECK(kept(R"({"token":"s3cret","event":"call.ended"})") == R"({"event":"call.ended"})");
  CHECK(kept(R"({"event":"call.ended","token":"s3cret"})") == R"({"event":"call.ended"})");
  CHECK(kept(R"({"token":"s3cret"})") == "{}");
  // Aircall's own layout: indented, the token after a number.
  CHECK(kept("{\n  \"timestamp\": 1585001000,\n  \"token\": \"s3cret\",\n  \"data\": {}\n}") ==
        "{\n  \"timestamp\": 1585001000,\n  \"data\": {}\n}");
  CHECK(kept("{ \"a\": 1 ,\n\t\"token\" : \"s\\\"3\" }") == "{ \"a\": 1 }");
}

TEST_CASE("bounded json: a token below the top or inside a string stays") {
  auto nested = R"({"data":{"token":"not-ours"},"note":"\"token\":\"x\""})";
  CHECK(kept(nested) == nested);
  auto none = R"({"event":"call.ended"})";
  CHECK(kept(none) == none);
  CHECK(kept(R"(["token","s3cret"])") == R"(["token","s3cret"])");
}

TEST_CASE("bounded json: a token the bytes cannot lose cleanly is cut from the document") {
  // An escaped key, a value that is not a string, the key twice: none may slip through.
  for (std::string text : {R"({"tok\u0065n":"s3cret","event":"e"})", R"({"token":123,"event":"e"})",
                           R"({"token":{"inner":"s3cret"},"event":"e"})",
                           R"({"token":"first","event":"e","token":"s3cret"})"}) {
    auto out = kept(text);
    CHECK(out.find("s3cret") == std::string::npos);
    CHECK(out.find("first") == std::string::npos);
  }
}

TEST_CASE("bounded json: the cut reader refuses what the plain one refuses") {
  CHECK_FALSE(parse_bounded_json_without(R"({"token":"s3cret")", "token"));
  std::string deep(40, '[');
  CHECK_FALSE(parse_bounded_json_without(R"({"token":"s","x":)" + deep, "token"));
}
