#include "http/server/metrics.hpp"

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
  Lock lock{mutex_};
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

void Metrics::count_webhook(std::string_view event) {
  Lock lock{mutex_};
  auto found = webhooks_.find(event);
  if (found == webhooks_.end()) found = webhooks_.emplace(std::string{event}, 0).first;
  ++found->second;
}

void Metrics::count_aircall(int status, std::optional<int> remaining) {
  Lock lock{mutex_};
  ++aircall_answers_[status];
  if (remaining) aircall_remaining_ = remaining;
}

std::string Metrics::render(const std::vector<Gauge>& gauges, const std::vector<Family>& families,
                            const std::vector<Histogram>& histograms) const {
  std::ostringstream out;
  auto family = [&out](const Family& f) {
    out << "# HELP " << f.name << " " << f.help << "\n# TYPE " << f.name << " " << f.type << "\n";
    for (const auto& [value, count] : f.values) {
      out << f.name << "{" << f.label << "=\"" << label(value) << "\"} " << count << "\n";
    }
  };
  {
    Lock lock{mutex_};
    Family webhooks{"dialer_webhooks_total",
                    "Webhook deliveries stored, by Aircall event.",
                    "event",
                    {},
                    "counter"};
    for (const auto& [event, count] : webhooks_)
      webhooks.values[event] = static_cast<double>(count);
    family(webhooks);
    Family aircall{"dialer_aircall_requests_total",
                   "Requests to Aircall's API, by answer (an HTTP status, or none).",
                   "answer",
                   {},
                   "counter"};
    for (const auto& [status, count] : aircall_answers_) {
      aircall.values[status == 0 ? "none" : std::to_string(status)] = static_cast<double>(count);
    }
    family(aircall);
    if (aircall_remaining_) {
      out << "# HELP dialer_aircall_budget_remaining Requests left in Aircall's rate-limit window, "
             "as its last answer said.\n# TYPE dialer_aircall_budget_remaining gauge\n"
          << "dialer_aircall_budget_remaining " << *aircall_remaining_ << "\n";
    }
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
  for (const auto& f : families) family(f);
  for (const auto& h : histograms) {
    out << "# HELP " << h.name << " " << h.help << "\n# TYPE " << h.name << " histogram\n";
    for (const auto& [bound, count] : h.at_most) {
      out << h.name << "_bucket{le=\"" << bound << "\"} " << count << "\n";
    }
    out << h.name << "_bucket{le=\"+Inf\"} " << h.count << "\n"
        << h.name << "_sum " << h.sum << "\n"
        << h.name << "_count " << h.count << "\n";
  }
  for (const auto& gauge : gauges) {
    out << "# HELP " << gauge.name << " " << gauge.help << "\n"
        << "# TYPE " << gauge.name << " " << gauge.type << "\n"
        << gauge.name << " " << gauge.value << "\n";
  }
  return out.str();
}

}  // namespace dialer::http
