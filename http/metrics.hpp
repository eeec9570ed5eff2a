#pragma once

// Request counters and latency histograms by route, rendered in Prometheus' text format
// together with gauges read at scrape time.

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace dialer::http {

struct Gauge {
  std::string name;  // dialer_..., without labels
  std::string help;
  double value = 0;
  std::string type = "gauge";  // or counter
};

class Metrics {
 public:
  void record(std::string_view route, int status, double seconds);
  std::string render(const std::vector<Gauge>& gauges) const;

 private:
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative; summed on render
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, std::map<int, std::uint64_t>, std::less<>> requests_;  // by route, status
  std::map<std::string, Latency, std::less<>> latency_;
};

}  // namespace dialer::http
