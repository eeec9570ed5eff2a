#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dialer::events {

// Appends the compact binary form used for payloads and envelopes: LEB128 varints,
// zig-zag for signed values, length-prefixed byte strings.
class Writer {
 public:
  void u8(std::uint8_t value) { out_.push_back(static_cast<char>(value)); }
  void varint(std::uint64_t value);
  void svarint(std::int64_t value);
  void bytes(std::string_view value);  // length-prefixed
  void raw(std::string_view value) { out_.append(value); }

  const std::string& buffer() const { return out_; }
  std::string take() { return std::move(out_); }
  void reserve(std::size_t size) { out_.reserve(size); }

 private:
  std::string out_;
};

// Reads what Writer wrote. Every read is bounds-checked; the first failure latches, so a
// decoder may read a whole record and check ok() once at the end.
class Reader {
 public:
  explicit Reader(std::string_view input) : in_(input) {}

  std::uint8_t u8();
  std::uint64_t varint();
  std::int64_t svarint();
  std::string_view bytes();  // length-prefixed
  std::string_view raw(std::size_t size);

  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }
  std::size_t remaining() const { return in_.size() - pos_; }
  std::size_t position() const { return pos_; }
  void fail() { ok_ = false; }

 private:
  std::string_view in_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// Bytes as lowercase hex, and back (nullopt for text that is not such hex).
std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view text);

}  // namespace dialer::events
