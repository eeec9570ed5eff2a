#pragma once

#include <date/date.h>
#include <date/tz.h>

#include <caf/all.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>

#include "actors/dialer.hpp"
#include "actors/scheduler.hpp"
#include "actors/simulated_telephony.hpp"
#include "storage/event_store.hpp"
#include "support/civil_time.hpp"
#include "support/eventually.hpp"
#include "support/temp_dir.hpp"

namespace dialer::testing {

inline caf::actor_system_config& two_threads(caf::actor_system_config& config) {
  return actors::use_dialer_scheduler(config, 2);
}

// A store, an actor system, a simulated telephony and a dialer over them, on a clock the
// test moves. `restart` stops the dialer and its actors and starts them again on the same
// log, as a process restart would.
class DialerFixture {
 public:
  explicit DialerFixture(std::int64_t start_ms, actors::SimulationOptions simulation = {})
      : clock(start_ms), telephony(clock, simulation) {
    open_store();
    start();
  }
  ~DialerFixture() { stop(); }

  void start(actors::DialerOptions options = fast_options()) {
    config_ = std::make_unique<caf::actor_system_config>();
    system = std::make_unique<caf::actor_system>(two_threads(*config_));
    auto started = actors::Dialer::start(*system, *store, telephony, clock, options);
    REQUIRE(started.ok());
    dialer = std::move(started).value();
    telephony.connect(
        [d = dialer.get()](actors::TelephonyEvent event) { d->telephony_event(std::move(event)); });
  }

  void stop() {
    telephony.connect({});
    dialer.reset();
    system.reset();
  }

  void restart(bool reopen_store = true) {
    stop();
    if (reopen_store) {
      store.reset();
      open_store();
    }
    start();
  }

  // The log as text, for a failing test to show.
  std::string log_text() const {
    std::string text;
    (void)store->scan_log(1, [&](const storage::Envelope& e) {
      auto event = events::decode(e.type, e.schema, e.payload);
      text += std::to_string(e.seq) + " " + e.stream + " " + e.type + " " +
              (event ? events::to_json(*event).dump() : event.error().message) + "\n";
      return true;
    });
    return text;
  }

  static actors::DialerOptions fast_options() {
    actors::DialerOptions options;
    options.creation_timeout = std::chrono::milliseconds(500);
    return options;
  }

  domain::ManualClock clock;
  actors::SimulatedTelephony telephony;
  TempDir dir;
  std::unique_ptr<storage::EventStore> store;

 private:
  std::unique_ptr<caf::actor_system_config> config_;

 public:
  std::unique_ptr<caf::actor_system> system;
  std::unique_ptr<actors::Dialer> dialer;

 private:
  void open_store() {
    auto opened = storage::EventStore::open(
        dir.sub("db"),
        {storage::OpenMode::read_write, {}, [this] { return clock.now_ms(); }, nullptr});
    REQUIRE(opened.ok());
    store = std::move(opened).value();
  }
};

}  // namespace dialer::testing
