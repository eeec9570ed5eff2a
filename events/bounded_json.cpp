#include "events/bounded_json.hpp"

#include <iterator>
#include <vector>

namespace dialer {
namespace {

using nlohmann::json;

// The characters of a text as nlohmann's lexer reads them, one at a time, telling how far it
// has read: when the parser reports a key or a string, the lexer has read up to its closing
// quote and no further (it reads one character ahead only after numbers and literals).
class TrackedChars {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackedChars(const char* at, const char** read_to) : at_(at), read_to_(read_to) {}
  reference operator*() const { return *at_; }
  TrackedChars& operator++() {
    *read_to_ = ++at_;
    return *this;
  }
  TrackedChars operator++(int) {
    auto before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackedChars& other) const { return at_ == other.at_; }
  bool operator!=(const TrackedChars& other) const { return at_ != other.at_; }

 private:
  const char* at_;
  const char** read_to_;
};

// Where a top-level member `key` lies in the text: from its key's opening quote to its
// string value's closing quote.
class MemberFinder {
 public:
  MemberFinder(std::string_view text, std::string_view key) : text_(text), key_(key) {}
  const char* read_to = nullptr;  // how far the lexer has read

  void key_at_top(const std::string& name) {
    if (name != key_) return;
    if (state_ != State::absent) {
      state_ = State::unusable;  // twice: the document keeps only the last
      return;
    }
    auto end = offset();
    auto quoted = key_.size() + 2;
    bool plain = end >= quoted && text_[end - quoted] == '"' &&
                 text_.substr(end - quoted + 1, key_.size()) == key_;
    state_ = plain ? State::key_read : State::unusable;
    begin_ = end - quoted;
  }
  // A value read directly in the top-level object.
  void value_at_top(bool is_string) {
    if (state_ != State::key_read) return;
    state_ = is_string ? State::found : State::unusable;
    end_ = offset();
  }
  bool absent() const { return state_ == State::absent; }
  bool found() const { return state_ == State::found; }

  // The text less the member, the comma that parts it from a neighbour and the spaces before
  // it: the other members keep their layout.
  std::string cut() const {
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    auto spaces_before = [&](std::size_t at) {
      while (at > 0 && is_space(text_[at - 1])) --at;
      return at;
    };
    auto begin = begin_, end = end_;
    auto after = end;
    while (after < text_.size() && is_space(text_[after])) ++after;
    if (after < text_.size() && text_[after] == ',') {
      begin = spaces_before(begin);
      end = after + 1;
    } else if (auto before = spaces_before(begin); before > 0 && text_[before - 1] == ',') {
      begin = spaces_before(before - 1);
    }
    std::string out;
    out.reserve(text_.size() - (end - begin));
    out.append(text_.substr(0, begin));
    out.append(text_.substr(end));
    return out;
  }

 private:
  enum class State { absent, key_read, found, unusable };
  std::size_t offset() const { return static_cast<std::size_t>(read_to - text_.data()); }

  std::string_view text_;
  std::string_view key_;
  State state_ = State::absent;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

// Builds the document as nlohmann's own DOM parser does, one container per level on a
// stack, and stops at the first container past the bound.
class BoundedBuilder final : public nlohmann::json_sax<json> {
 public:
  explicit BoundedBuilder(std::size_t max_depth, MemberFinder* finder = nullptr)
      : max_depth_(max_depth), finder_(finder) {}

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool value) override { return add(json(value)); }
  bool number_integer(number_integer_t value) override { return add(json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return add(json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return add(json(value)); }
  bool string(string_t& value) override { return add(json(std::move(value)), true); }
  bool binary(binary_t& value) override { return add(json::binary(std::move(value))); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool key(string_t& value) override {
    if (finder_ && stack_.size() == 1) finder_->key_at_top(value);
    stack_.back().key = std::move(value);
    return true;
  }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    malformed_ = true;
    return false;
  }

  json take() { return std::move(root_); }
  bool malformed() const { return malformed_; }
  bool too_deep() const { return !too_deep_at_.empty() || too_deep_at_root_; }
  std::string too_deep_at() const { return too_deep_at_; }

 private:
  struct Level {
    json* value;
    std::string key;  // objects: the member being read
  };

  json* place(json value) {
    if (stack_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    auto& parent = *stack_.back().value;
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    auto& slot = parent[stack_.back().key];
    slot = std::move(value);
    return &slot;
  }
  bool add(json value, bool is_string = false) {
    if (finder_ && stack_.size() == 1) finder_->value_at_top(is_string);
    place(std::move(value));
    return true;
  }
  bool open(json container) {
    if (finder_ && stack_.size() == 1) finder_->value_at_top(false);
    if (stack_.size() >= max_depth_) {
      too_deep_at_ = path();
      too_deep_at_root_ = too_deep_at_.empty();
      return false;
    }
    stack_.push_back({place(std::move(container)), {}});
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  // Where the reader is, by its first few levels: enough to name the field at fault.
  std::string path() const {
    constexpr std::size_t kNamedLevels = 4;
    std::string out;
    for (std::size_t i = 0; i < stack_.size() && i < kNamedLevels; ++i) {
      const auto& level = stack_[i];
      if (level.value->is_array()) {
        // Below the top, the element being read is the array's last; at the top, the next.
        auto size = level.value->size();
        out += "[" + std::to_string(i + 1 < stack_.size() ? size - 1 : size) + "]";
      } else {
        if (!out.empty()) out += ".";
        out += level.key;
      }
    }
    return out;
  }

  std::size_t max_depth_;
  MemberFinder* finder_;
  json root_;
  std::vector<Level> stack_;
  bool malformed_ = false;
  std::string too_deep_at_;
  bool too_deep_at_root_ = false;
};

Result<json> parse_built(BoundedBuilder& builder, bool parsed, std::string_view what,
                         std::size_t max_depth) {
  if (builder.too_deep()) {
    auto where = builder.too_deep_at();
    if (where.empty()) where = std::string{what};
    return Error{ErrorCode::invalid_argument,
                 "the " + std::string{what} + " is nested more than " + std::to_string(max_depth) +
                     " levels deep (at " + where + ")",
                 where};
  }
  if (!parsed || builder.malformed()) {
    return Error{ErrorCode::invalid_argument, "the " + std::string{what} + " is not valid JSON",
                 std::string{what}};
  }
  return builder.take();
}

}  // namespace

Result<json> parse_bounded_json(std::string_view text, std::string_view what,
                                std::size_t max_depth) {
  BoundedBuilder builder{max_depth};
  bool parsed = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json,
                                /*strict=*/true);
  return parse_built(builder, parsed, what, max_depth);
}

Result<DocumentWithout> parse_bounded_json_without(std::string_view text, std::string_view key,
                                                   std::string_view what, std::size_t max_depth) {
  MemberFinder finder{text, key};
  BoundedBuilder builder{max_depth, &finder};
  const char* end = text.data() + text.size();
  bool parsed = json::sax_parse(TrackedChars{text.data(), &finder.read_to},
                                TrackedChars{end, &finder.read_to}, &builder,
                                json::input_format_t::json, /*strict=*/true);
  auto document = parse_built(builder, parsed, what, max_depth);
  if (!document) return document.error();
  DocumentWithout out{std::move(*document), {}};
  if (finder.absent() || !out.document.is_object()) {
    out.text = std::string{text};
  } else if (finder.found()) {
    out.text = finder.cut();
  } else {
    auto without = out.document;
    without.erase(std::string{key});
    out.text = without.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return out;
}

}  // namespace dialer
