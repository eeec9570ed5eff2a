#include "storage/latency_histogram.hpp"

#include <catch2/catch.hpp>

using dialer::storage::LatencyHistogram;
using std::chrono::microseconds;

TEST_CASE("latency histogram: percentiles answer the upper edge of their 10 µs bucket") {
  LatencyHistogram histogram;
  CHECK(histogram.percentile(0.5) == microseconds{0});

  for (int us = 1; us <= 1000; ++us) histogram.record(microseconds{us});
  CHECK(histogram.percentile(0.50) == microseconds{500});
  CHECK(histogram.percentile(0.99) == microseconds{990});
  CHECK(histogram.percentile(1.0) == microseconds{1000});
  CHECK(histogram.longest() == microseconds{1000});

  // 1 µs over an edge is the next bucket: a percentile is never shorter than what happened.
  LatencyHistogram edge;
  edge.record(microseconds{501});
  CHECK(edge.percentile(0.5) == microseconds{510});
}

TEST_CASE("latency histogram: beyond its buckets it answers the longest duration seen") {
  LatencyHistogram histogram;
  for (int i = 0; i < 98; ++i) histogram.record(microseconds{200});
  histogram.record(microseconds{70'000});
  histogram.record(microseconds{2'000'000});
  CHECK(histogram.percentile(0.50) == microseconds{200});
  CHECK(histogram.percentile(0.99) == microseconds{2'000'000});
  CHECK(histogram.longest() == microseconds{2'000'000});
}
