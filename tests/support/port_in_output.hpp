#pragma once

#include <cctype>
#include <optional>
#include <string>

namespace dialer::testing {

// The port a server printed after `marker` ("serving http://127.0.0.1:"), once it has.
inline std::optional<int> port_after(const std::string& output, const std::string& marker) {
  auto at = output.find(marker);
  if (at == std::string::npos) return std::nullopt;
  at += marker.size();
  auto end = at;
  while (end < output.size() && std::isdigit(static_cast<unsigned char>(output[end]))) ++end;
  if (end == at || end == output.size()) return std::nullopt;  // not all of it printed yet
  return std::stoi(output.substr(at, end - at));
}

}  // namespace dialer::testing
