#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

namespace dialer::storage {

// Durations counted in 10 µs buckets up to 50 ms, the rest in one more: written by one
// thread, read by any. A percentile answers the upper edge of its bucket, so it never
// reports a duration shorter than one that happened; beyond 50 ms it answers the longest.
class LatencyHistogram {
 public:
  static constexpr std::chrono::microseconds kBucket{10};
  static constexpr std::size_t kBuckets = 5000;

  void record(std::chrono::microseconds duration) {
    auto ticks = duration.count() <= 0 ? 0 : (duration.count() - 1) / kBucket.count();
    auto bucket = static_cast<std::size_t>(std::min<std::int64_t>(ticks, kBuckets));
    counts_[bucket].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(std::max<std::int64_t>(duration.count(), 0), std::memory_order_relaxed);
    if (duration > std::chrono::microseconds{longest_.load(std::memory_order_relaxed)}) {
      longest_.store(duration.count(), std::memory_order_relaxed);
    }
  }

  // The duration at or under which a share `p` (0 to 1) of those recorded fell; 0 if none.
  std::chrono::microseconds percentile(double p) const {
    std::array<std::uint64_t, kBuckets + 1> counts;
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      counts[i] = counts_[i].load(std::memory_order_relaxed);
      total += counts[i];
    }
    if (total == 0) return std::chrono::microseconds{0};
    auto rank = static_cast<std::uint64_t>(p * static_cast<double>(total));
    rank = std::clamp<std::uint64_t>(rank, 1, total);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
      seen += counts[i];
      if (seen >= rank) return kBucket * static_cast<std::int64_t>(i + 1);
    }
    return longest();
  }

  // How many were recorded at or under each bound, for a Prometheus histogram; the bounds
  // are rounded up to this histogram's 10 µs buckets.
  std::vector<std::uint64_t> cumulative(
      const std::vector<std::chrono::microseconds>& bounds) const {
    std::vector<std::uint64_t> out;
    std::uint64_t seen = 0;
    std::size_t next = 0;
    for (auto bound : bounds) {
      auto last = static_cast<std::size_t>(
          std::clamp<std::int64_t>((bound.count() - 1) / kBucket.count(), 0, kBuckets - 1));
      for (; next <= last; ++next) seen += counts_[next].load(std::memory_order_relaxed);
      out.push_back(seen);
    }
    return out;
  }
  std::uint64_t count() const {
    std::uint64_t total = 0;
    for (const auto& c : counts_) total += c.load(std::memory_order_relaxed);
    return total;
  }
  std::chrono::microseconds sum() const {
    return std::chrono::microseconds{sum_us_.load(std::memory_order_relaxed)};
  }

  std::chrono::microseconds longest() const {
    return std::chrono::microseconds{longest_.load(std::memory_order_relaxed)};
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets + 1> counts_{};
  std::atomic<std::int64_t> longest_{0};
  std::atomic<std::int64_t> sum_us_{0};
};

}  // namespace dialer::storage
