#pragma once

// An agent's disposition of a call, as asked for, checked against the team's list
// (dialer.dispositions) and the clock: a known code, a callback time in the future for a
// callback, and no callback time for anything else. Pure; the dialer then records it on the
// item and tells the agent.

#include <cstdint>
#include <optional>
#include <string>

#include "actors/domain/call.hpp"
#include "actors/domain/config.hpp"
#include "events/catalogue.hpp"
#include "events/result.hpp"

namespace dialer::domain {

// A callback is at most this far ahead.
inline constexpr std::int64_t kMaxCallbackAheadMs = 366LL * 24 * 60 * 60'000;

enum class CallbackScope { agent, anyone };

struct DispositionRequest {
  std::string disposition;  // a code, or (case folded) a code or label
  std::string notes;
  std::optional<std::int64_t> callback_at_ms;
  CallbackScope callback_scope = CallbackScope::agent;
  std::string source = "api";
};

// The disposition to record for `call` (its item, its agent), or a 400 naming the field; a
// call that never took place (refused, lost) is a 409.
Result<events::QueueItemDispositioned> check_disposition(const DialerSettings& settings,
                                                         const std::string& call_id,
                                                         const CallState& call,
                                                         const DispositionRequest& request,
                                                         std::int64_t now_ms);

// When an item due at `at_ms` will really ring: then, or when the business hours and the
// callee's window next allow it; nothing when they never meet.
std::optional<std::int64_t> first_dialable(const DialerSettings& settings,
                                           const events::QueueItemAdded& item, std::int64_t at_ms);

}  // namespace dialer::domain
