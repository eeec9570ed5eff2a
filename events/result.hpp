#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "events/error.hpp"

namespace dialer {

// A value or the Error that prevented it. Failures that callers are expected to handle
// travel as values; exceptions are left to programming errors.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> state_;
};

// Success without a value.
struct Done {
  bool operator==(const Done&) const = default;
};
using Status = Result<Done>;

inline Status ok_status() {
  return Done{};
}

}  // namespace dialer
