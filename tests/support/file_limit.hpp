#pragma once

// Tests that hold hundreds of connections need as many files: the soft limit raised to the
// hard one.

#include <sys/resource.h>

namespace dialer::testing {

inline void allow_many_files() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace dialer::testing
