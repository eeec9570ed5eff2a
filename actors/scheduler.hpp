#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/atom.hpp>
#include <cstddef>

namespace dialer::actors {

// The scheduler dialerd runs its actors on; tests and benchmarks take it from here so that
// they measure what runs. Work sharing: an idle worker blocks on the shared queue and the
// next message wakes it. CAF's default, work stealing, polls with 50 µs sleeps before it
// blocks, and a message to a worker in that phase waits the sleep out: a dialer is idle
// between most of its messages, and measured that way a synced append reached its actor
// 100 µs after the sync at p50, against 56 µs with work sharing.
inline caf::actor_system_config& use_dialer_scheduler(caf::actor_system_config& config,
                                                      std::size_t max_threads = 0) {
  config.set("scheduler.policy", caf::atom("sharing"));
  if (max_threads > 0) config.set("scheduler.max-threads", max_threads);
  return config;
}

}  // namespace dialer::actors
