#pragma once

// The stored live set's records, as the tests that spoil them find them.

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "actors/live_set.hpp"
#include "storage/event_store.hpp"

namespace dialer::testing {

// The key of the first queue item's record in the stored live set.
inline std::string first_item_record(storage::EventStore& store) {
  std::string item_key;
  REQUIRE(store
              .projection_scan(actors::kLiveSetConsumer, "i",
                               [&](std::string_view key, std::string_view) {
                                 item_key = std::string{key};
                                 return false;
                               })
              .ok());
  REQUIRE(item_key.starts_with("i"));
  return item_key;
}

}  // namespace dialer::testing
