#include "actors/projections/store_kv.hpp"

namespace dialer::projections {

std::optional<std::string> StoredView::get(std::string_view key) const {
  auto value = store_.projection_get(consumer_, key);
  return value ? *value : std::nullopt;
}

void StoredView::scan(std::string_view from,
                      const std::function<bool(std::string_view, std::string_view)>& visit) const {
  (void)store_.projection_scan(consumer_, from, visit);
}

std::optional<std::string> StoreKv::get(std::string_view key) const {
  if (auto pending = pending_.find(key); pending != pending_.end()) return pending->second;
  return StoredView{store_, consumer_}.get(key);
}

void StoreKv::scan(std::string_view from,
                   const std::function<bool(std::string_view, std::string_view)>& visit) const {
  StoredView{store_, consumer_}.scan(from, visit);
}

Status StoreKv::commit(std::uint64_t checkpoint) {
  storage::ProjectionChanges changes;
  for (auto& [key, value] : pending_) {
    if (value) {
      changes.puts.emplace_back(key, std::move(*value));
    } else {
      changes.deletes.push_back(key);
    }
  }
  auto committed = store_.commit_projection(consumer_, checkpoint, changes);
  if (committed) {
    pending_.clear();
    return committed;
  }
  // Kept for the next try: the values go back where they were taken from (the deletes are
  // still there).
  for (auto& [key, value] : changes.puts)
    pending_.insert_or_assign(std::move(key), std::move(value));
  return committed;
}

}  // namespace dialer::projections
