#pragma once

// The reporting projection's fold: each call, item and agent event changes the history
// rows, the stats buckets and the real-time counts (key layout: reporting_keys.hpp).

#include <cstdint>
#include <memory>
#include <string_view>

#include "actors/projections/kv.hpp"
#include "events/codec.hpp"
#include "storage/event_store.hpp"

namespace dialer::projections {

// Folds events into `kv` through a working set: the rows, stats and counters a stretch of
// events touches stay decoded until flush() writes each of them once.
class ReportingFold {
 public:
  explicit ReportingFold(KvWriter& kv);
  ~ReportingFold();
  Status apply(const storage::Envelope& envelope);
  // The same, for an event its caller decoded already (a pipeline that decodes elsewhere):
  // the fold needs only its stream and its recorded-at time besides.
  void apply(std::string_view stream, std::int64_t recorded_at_ms, const events::Event& event);
  // Whether events of this type change the projection; others need not be decoded.
  static bool wants(std::string_view type);
  void flush();
  struct Working;

 private:
  std::unique_ptr<Working> working_;
};

// One event, folded and written at once.
Status apply(KvWriter& kv, const storage::Envelope& envelope);

}  // namespace dialer::projections
