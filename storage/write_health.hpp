#pragma once

// Whether the store can write now and, if not, why and since when. A failed write sets it
// (a full disk above all); a write that succeeds, or RocksDB's own background recovery
// ending well, clears it. Read by /readyz and the routes' answers.

#include <cstdint>
#include <optional>
#include <string>

#include "events/mutex.hpp"

namespace dialer::storage {

struct WriteProblem {
  std::string message;
  std::int64_t since_ms = 0;
  bool disk_full = false;
  bool operator==(const WriteProblem&) const = default;
};

class WriteHealth {
 public:
  void failed(std::string message, bool disk_full, std::int64_t at_ms) {
    Lock lock{mutex_};
    if (problem_ && problem_->disk_full == disk_full) {
      problem_->message = std::move(message);  // the latest word; the first time stays
      return;
    }
    problem_ = WriteProblem{std::move(message), at_ms, disk_full};
  }
  void recovered() {
    Lock lock{mutex_};
    problem_.reset();
  }
  std::optional<WriteProblem> problem() const {
    Lock lock{mutex_};
    return problem_;
  }

 private:
  mutable Mutex mutex_;
  std::optional<WriteProblem> problem_ GUARDED_BY(mutex_);
};

}  // namespace dialer::storage
