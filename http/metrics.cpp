#include "http/metrics.hpp"

#include <sstream>

namespace dialer::http {
namespace {

// Route patterns are ours, but a label value must still escape quotes and backslashes.
std::string label(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace

void Metrics::record(std::string_view route, int status, double seconds) {
  std::lock_guard lock{mutex_};
  auto by_status = requests_.find(route);
  if (by_status == requests_.end())
    by_status = requests_.emplace(std::string{route}, std::map<int, std::uint64_t>{}).first;
  ++by_status->second[status];
  auto latency = latency_.find(route);
  if (latency == latency_.end()) latency = latency_.emplace(std::string{route}, Latency{}).first;
  auto& l = latency->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++l.buckets[i];
      break;
    }
  }
  ++l.count;
  l.sum += seconds;
}

std::string Metrics::render(const std::vector<Gauge>& gauges) const {
  std::ostringstream out;
  {
    std::lock_guard lock{mutex_};
    out << "# HELP dialer_http_requests_total HTTP requests answered, by route and status.\n"
        << "# TYPE dialer_http_requests_total counter\n";
    for (const auto& [route, by_status] : requests_) {
      for (const auto& [status, count] : by_status) {
        out << "dialer_http_requests_total{route=\"" << label(route) << "\",status=\"" << status
            << "\"} " << count << "\n";
      }
    }
    out << "# HELP dialer_http_request_seconds Time to answer an HTTP request, by route.\n"
        << "# TYPE dialer_http_request_seconds histogram\n";
    for (const auto& [route, l] : latency_) {
      std::uint64_t cumulative = 0;
      auto name = label(route);
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        cumulative += l.buckets[i];
        out << "dialer_http_request_seconds_bucket{route=\"" << name << "\",le=\"" << kBuckets[i]
            << "\"} " << cumulative << "\n";
      }
      out << "dialer_http_request_seconds_bucket{route=\"" << name << "\",le=\"+Inf\"} " << l.count
          << "\n"
          << "dialer_http_request_seconds_sum{route=\"" << name << "\"} " << l.sum << "\n"
          << "dialer_http_request_seconds_count{route=\"" << name << "\"} " << l.count << "\n";
    }
  }
  for (const auto& gauge : gauges) {
    out << "# HELP " << gauge.name << " " << gauge.help << "\n"
        << "# TYPE " << gauge.name << " " << gauge.type << "\n"
        << gauge.name << " " << gauge.value << "\n";
  }
  return out.str();
}

}  // namespace dialer::http
