#pragma once

// Request counters and latency histograms by route, rendered in Prometheus' text format
// together with gauges read at scrape time.

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/mutex.hpp"

namespace dialer::http {

struct Gauge {
  std::string name;  // dialer_..., without labels
  std::string help;
  double value = 0;
  std::string type = "gauge";  // or counter
};

// One metric with a label, read at scrape time: agents by status, items by status, ….
struct Family {
  std::string name;
  std::string help;
  std::string label;  // the label's name: status, outcome, …
  std::map<std::string, double> values;
  std::string type = "gauge";  // or counter
};

// A histogram read at scrape time: cumulative counts at each upper bound (in seconds).
struct Histogram {
  std::string name;
  std::string help;
  std::vector<std::pair<double, std::uint64_t>> at_most;
  std::uint64_t count = 0;
  double sum = 0;
};

class Metrics {
 public:
  void record(std::string_view route, int status, double seconds);
  // A webhook delivery stored, by Aircall's event name.
  void count_webhook(std::string_view event);
  // One answer from Aircall's API (status 0: none came), with the budget it said was left.
  void count_aircall(int status, std::optional<int> remaining);
  std::string render(const std::vector<Gauge>& gauges, const std::vector<Family>& families = {},
                     const std::vector<Histogram>& histograms = {}) const;

 private:
  static constexpr std::array<double, 12> kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                   0.05,   0.1,   0.25,   0.5,   1,    2.5};
  struct Latency {
    std::array<std::uint64_t, kBuckets.size()> buckets{};  // not cumulative; summed on render
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable Mutex mutex_;
  std::map<std::string, std::map<int, std::uint64_t>, std::less<>> requests_
      GUARDED_BY(mutex_);  // by route, status
  std::map<std::string, Latency, std::less<>> latency_ GUARDED_BY(mutex_);
  std::map<std::string, std::uint64_t, std::less<>> webhooks_ GUARDED_BY(mutex_);  // by event
  std::map<int, std::uint64_t> aircall_answers_ GUARDED_BY(mutex_);  // by status, 0: none
  std::optional<int> aircall_remaining_ GUARDED_BY(mutex_);
};

}  // namespace dialer::http
