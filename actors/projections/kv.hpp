#pragma once

// The ordered key-value view a projection folds into and its queries read from. The live
// server backs it with the store's projections column family; replay backs it with memory.
// Both hold the same keys, so one fold and one set of queries serve both.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dialer::projections {

class KvReader {
 public:
  virtual ~KvReader() = default;
  virtual std::optional<std::string> get(std::string_view key) const = 0;
  // Keys from `from` on, in order, until `visit` returns false.
  virtual void scan(
      std::string_view from,
      const std::function<bool(std::string_view key, std::string_view value)>& visit) const = 0;
};

class KvWriter : public KvReader {
 public:
  virtual void put(std::string key, std::string value) = 0;
  virtual void erase(std::string key) = 0;
};

class MemoryKv final : public KvWriter {
 public:
  std::optional<std::string> get(std::string_view key) const override {
    auto found = data_.find(key);
    if (found == data_.end()) return std::nullopt;
    return found->second;
  }
  void scan(std::string_view from,
            const std::function<bool(std::string_view, std::string_view)>& visit) const override {
    for (auto it = data_.lower_bound(from); it != data_.end(); ++it) {
      if (!visit(it->first, it->second)) return;
    }
  }
  void put(std::string key, std::string value) override {
    data_.insert_or_assign(std::move(key), std::move(value));
  }
  void erase(std::string key) override { data_.erase(key); }
  std::size_t size() const { return data_.size(); }
  const std::map<std::string, std::string, std::less<>>& data() const { return data_; }

 private:
  std::map<std::string, std::string, std::less<>> data_;
};

}  // namespace dialer::projections
