#pragma once

// The ordered key-value view a projection folds into and its queries read from. The live
// server backs it with the store's projections column family; replay backs it with memory.
// Both hold the same keys, so one fold and one set of queries serve both.

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dialer::projections {

// Between the parts of a key: below every printable character, so that a key sorts before
// the longer keys it is a prefix of.
inline constexpr char kKeySeparator = '\x1f';

// The parts joined: key({"r", call_id}).
inline std::string key(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto part : parts) {
    if (!out.empty()) out.push_back(kKeySeparator);
    out.append(part);
  }
  return out;
}

class KvReader {
 public:
  virtual ~KvReader() = default;
  virtual std::optional<std::string> get(std::string_view key) const = 0;
  // Keys from `from` on, in order, until `visit` returns false.
  virtual void scan(
      std::string_view from,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const = 0;
  // The keys that start with `prefix`, from `from` (by default the first of them) on, in
  // order, until `visit(key, value)` returns false. A template, so that `visit` is called
  // directly rather than through a second std::function per key.
  template <class Visit>
  void scan_under(std::string_view prefix, std::string_view from, Visit&& visit) const {
    scan(from, [&](std::string_view key, std::string_view value) {
      return key.starts_with(prefix) && visit(key, value);
    });
  }
  template <class Visit>
  void scan_under(std::string_view prefix, Visit&& visit) const {
    scan_under(prefix, prefix, std::forward<Visit>(visit));
  }
};

class KvWriter : public KvReader {
 public:
  virtual void put(std::string key, std::string value) = 0;
  virtual void erase(std::string key) = 0;
};

// In memory, for replay: hashed while it is written (a fold only gets and puts), sorted
// once, when first scanned.
class MemoryKv final : public KvWriter {
 public:
  MemoryKv() = default;
  explicit MemoryKv(std::size_t expected_entries) { data_.reserve(expected_entries); }

  std::optional<std::string> get(std::string_view key) const override {
    auto found = data_.find(key);
    if (found == data_.end()) return std::nullopt;
    return found->second;
  }
  void scan(std::string_view from,
            const std::function<bool(std::string_view, std::string_view)>& visit) const override {
    const auto& keys = sorted();
    auto it = std::lower_bound(
        keys.begin(), keys.end(), from,
        [](const Entry* entry, std::string_view key) { return entry->first < key; });
    for (; it != keys.end(); ++it) {
      if (!visit((*it)->first, (*it)->second)) return;
    }
  }
  void put(std::string key, std::string value) override {
    auto [it, inserted] = data_.insert_or_assign(std::move(key), std::move(value));
    if (inserted) sorted_.clear();
  }
  void erase(std::string key) override {
    if (data_.erase(key) != 0) sorted_.clear();
  }
  std::size_t size() const { return data_.size(); }
  // Every entry, in key order.
  std::map<std::string, std::string> data() const {
    std::map<std::string, std::string> out;
    for (const auto* entry : sorted()) out.emplace(entry->first, entry->second);
    return out;
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const {
      return std::hash<std::string_view>{}(key);
    }
  };
  using Map = std::unordered_map<std::string, std::string, Hash, std::equal_to<>>;
  using Entry = Map::value_type;

  const std::vector<const Entry*>& sorted() const {
    if (sorted_.size() != data_.size()) {
      sorted_.clear();
      sorted_.reserve(data_.size());
      for (const auto& entry : data_) sorted_.push_back(&entry);
      std::sort(sorted_.begin(), sorted_.end(),
                [](const Entry* a, const Entry* b) { return a->first < b->first; });
    }
    return sorted_;
  }

  Map data_;
  mutable std::vector<const Entry*> sorted_;
};

}  // namespace dialer::projections
