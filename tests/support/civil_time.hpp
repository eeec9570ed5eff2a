#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdint>

namespace dialer::testing {

// UTC milliseconds of a civil time in `zone`.
inline std::int64_t civil_ms(const char* zone, int y, unsigned m, unsigned d, int hh, int mm = 0) {
  auto local =
      date::local_days{date::year{y} / m / d} + std::chrono::hours{hh} + std::chrono::minutes{mm};
  auto sys = date::locate_zone(zone)->to_sys(local);
  return std::chrono::duration_cast<std::chrono::milliseconds>(sys.time_since_epoch()).count();
}

}  // namespace dialer::testing
