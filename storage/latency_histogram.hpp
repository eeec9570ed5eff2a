#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

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

  std::chrono::microseconds longest() const {
    return std::chrono::microseconds{longest_.load(std::memory_order_relaxed)};
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets + 1> counts_{};
  std::atomic<std::int64_t> longest_{0};
};

}  // namespace dialer::storage
