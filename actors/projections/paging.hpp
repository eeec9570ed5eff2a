#pragma once

// Which page of a listing a query asks for: every list (queue, history) pages the same way.

#include <cstddef>
#include <string>

namespace dialer::projections {

struct PageRequest {
  std::size_t limit = 50;
  std::size_t skip = 0;
  std::string cursor{};  // from a previous page (its last key): continue after it
};

}  // namespace dialer::projections
