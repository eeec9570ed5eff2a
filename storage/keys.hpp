#pragma once

#include <cstdint>
#include <string>
#include <string_view>

// Key layouts. Big-endian numbers, so that RocksDB's byte order is numeric order.
namespace dialer::storage::keys {

inline std::string be64(std::uint64_t value) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  return out;
}

// False unless `bytes` is exactly eight bytes.
inline bool read_be64(std::string_view bytes, std::uint64_t& value) {
  if (bytes.size() != 8) return false;
  value = 0;
  for (char byte : bytes) value = (value << 8) | static_cast<std::uint8_t>(byte);
  return true;
}

// streams: <stream id> NUL <version> -> global seq. Stream ids never contain NUL, so one
// stream's keys are contiguous and in version order.
inline std::string stream_key(std::string_view stream, std::uint64_t version) {
  std::string key;
  key.reserve(stream.size() + 9);
  key.append(stream);
  key.push_back('\0');
  key.append(be64(version));
  return key;
}

inline std::string stream_prefix(std::string_view stream) {
  std::string prefix{stream};
  prefix.push_back('\0');
  return prefix;
}

// projections: <consumer> NUL <key>; the checkpoint lives under an empty key.
inline std::string projection_key(std::string_view consumer, std::string_view key) {
  std::string out;
  out.reserve(consumer.size() + key.size() + 1);
  out.append(consumer);
  out.push_back('\0');
  out.append(key);
  return out;
}

}  // namespace dialer::storage::keys
