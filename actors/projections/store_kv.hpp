#pragma once

#include <map>
#include <optional>
#include <string>

#include "actors/projections/kv.hpp"
#include "storage/event_store.hpp"

namespace dialer::projections {

// A projection's state in the store: reads see what is committed with this batch's own
// changes on top; the changes go back in one batch with the checkpoint (see commit).
class StoreKv final : public KvWriter {
 public:
  StoreKv(storage::EventStore& store, std::string consumer)
      : store_(store), consumer_(std::move(consumer)) {}

  std::optional<std::string> get(std::string_view key) const override;
  // The committed state only: queries read between batches.
  void scan(std::string_view from,
            const std::function<bool(std::string_view, std::string_view)>& visit) const override;
  void put(std::string key, std::string value) override {
    pending_.insert_or_assign(std::move(key), std::move(value));
  }
  void erase(std::string key) override { pending_.insert_or_assign(std::move(key), std::nullopt); }

  Status commit(std::uint64_t checkpoint);
  // Whether this batch changed anything (a batch of webhook deliveries, mostly, does not).
  bool has_changes() const { return !pending_.empty(); }

 private:
  storage::EventStore& store_;
  std::string consumer_;
  std::map<std::string, std::optional<std::string>, std::less<>> pending_;
};

// The committed state of a projection, read-only: for queries, from any process.
class StoredView final : public KvReader {
 public:
  StoredView(const storage::EventStore& store, std::string consumer)
      : store_(store), consumer_(std::move(consumer)) {}
  std::optional<std::string> get(std::string_view key) const override;
  void scan(std::string_view from,
            const std::function<bool(std::string_view, std::string_view)>& visit) const override;

 private:
  const storage::EventStore& store_;
  std::string consumer_;
};

}  // namespace dialer::projections
