#pragma once

// The console's files (http/console/ and Chart.js from Debian), compiled in at build time:
// one executable to ship, nothing fetched at run time.

#include <string_view>
#include <vector>

namespace dialer::http {

struct ConsoleFile {
  std::string_view url;  // "/console/app.js"
  std::string_view bytes;
};

const std::vector<ConsoleFile>& console_files();

}  // namespace dialer::http
