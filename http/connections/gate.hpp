#pragma once

// How many connections are open, in all and per client address. A connection past either
// bound is answered 503 at once instead of waiting; one admitted holds a ticket that gives
// its place back when it closes.

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "events/mutex.hpp"

namespace dialer::http {

class ConnectionGate : public std::enable_shared_from_this<ConnectionGate> {
 public:
  ConnectionGate(std::size_t max_total, std::size_t max_per_address)
      : max_total_(max_total), max_per_address_(max_per_address) {}

  class Ticket {
   public:
    Ticket() = default;
    Ticket(std::shared_ptr<ConnectionGate> gate, std::string address)
        : gate_(std::move(gate)), address_(std::move(address)) {}
    Ticket(Ticket&&) = default;
    Ticket& operator=(Ticket&&) = default;
    ~Ticket() {
      if (gate_) gate_->release(address_);
    }
    explicit operator bool() const { return gate_ != nullptr; }

   private:
    std::shared_ptr<ConnectionGate> gate_;
    std::string address_;
  };

  // A ticket, or an empty one (and the refusal counted) when either bound is reached.
  Ticket admit(const std::string& address) {
    Lock lock{mutex_};
    auto& from_address = open_by_address_[address];
    if (open_ >= max_total_ || from_address >= max_per_address_) {
      if (from_address == 0) open_by_address_.erase(address);
      ++refused_;
      return {};
    }
    ++from_address;
    ++open_;
    return Ticket{shared_from_this(), address};
  }

  std::size_t open() const {
    Lock lock{mutex_};
    return open_;
  }
  std::size_t refused() const {
    Lock lock{mutex_};
    return refused_;
  }

 private:
  void release(const std::string& address) {
    Lock lock{mutex_};
    --open_;
    if (auto found = open_by_address_.find(address);
        found != open_by_address_.end() && --found->second == 0) {
      open_by_address_.erase(found);
    }
  }

  const std::size_t max_total_;
  const std::size_t max_per_address_;
  mutable Mutex mutex_;
  std::size_t open_ GUARDED_BY(mutex_) = 0;
  std::size_t refused_ GUARDED_BY(mutex_) = 0;
  std::unordered_map<std::string, std::size_t> open_by_address_ GUARDED_BY(mutex_);
};

}  // namespace dialer::http
