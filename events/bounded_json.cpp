#include "events/bounded_json.hpp"

#include <vector>

namespace dialer {
namespace {

using nlohmann::json;

// Builds the document as nlohmann's own DOM parser does, one container per level on a
// stack, and stops at the first container past the bound.
class BoundedBuilder final : public nlohmann::json_sax<json> {
 public:
  explicit BoundedBuilder(std::size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return add(json(nullptr)); }
  bool boolean(bool value) override { return add(json(value)); }
  bool number_integer(number_integer_t value) override { return add(json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return add(json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return add(json(value)); }
  bool string(string_t& value) override { return add(json(std::move(value))); }
  bool binary(binary_t& value) override { return add(json::binary(std::move(value))); }
  bool start_object(std::size_t) override { return open(json::object()); }
  bool start_array(std::size_t) override { return open(json::array()); }
  bool key(string_t& value) override {
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
  bool add(json value) {
    place(std::move(value));
    return true;
  }
  bool open(json container) {
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
  json root_;
  std::vector<Level> stack_;
  bool malformed_ = false;
  std::string too_deep_at_;
  bool too_deep_at_root_ = false;
};

}  // namespace

Result<json> parse_bounded_json(std::string_view text, std::string_view what,
                                std::size_t max_depth) {
  BoundedBuilder builder{max_depth};
  bool parsed = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json,
                                /*strict=*/true);
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

}  // namespace dialer
