#include "actors/domain/settlement.hpp"

#include <algorithm>

namespace dialer::domain {

RetryPolicy retry_policy(const DialerSettings& settings) {
  return {settings.max_retries, settings.retry_delay_ms, settings.retry_on};
}

Settlement settle(const std::string& call_id, const CallState& call, const DialerSettings& settings,
                  std::int64_t now_ms) {
  using events::CallFailure;
  const RetryPolicy policy = retry_policy(settings);
  switch (call.phase) {
    case CallPhase::ended: {
      const auto& ended = *call.ended;
      std::int64_t talk_seconds =
          call.answered_at_ms ? (ended.ended_at_ms - *call.answered_at_ms) / 1000 : 0;
      return {queue_item::RecordOutcome{call_id, ended.outcome, now_ms, policy,
                                        settings.callback_grace_ms},
              agent::CallEnded{call_id, std::max<std::int64_t>(talk_seconds, 0), now_ms,
                               settings.wrap_up_ms, settings.require_disposition}};
    }
    case CallPhase::start_failed: {
      auto failure = call.failure.value_or(CallFailure::refused);
      auto hold_until = failure == CallFailure::user_unavailable ? now_ms + kUnavailableHoldMs : 0;
      agent::Release for_agent{call_id, failure, hold_until};
      // Aircall refused the number itself: an attempt with its outcome, not a release.
      if (failure == CallFailure::bad_number) {
        return {queue_item::RecordOutcome{call_id, events::CallOutcome::wrong_number, now_ms,
                                          policy, settings.callback_grace_ms},
                for_agent};
      }
      return {queue_item::Release{call_id, failure}, for_agent};
    }
    case CallPhase::lost:
      return {queue_item::Release{call_id, CallFailure::lost},
              agent::Release{call_id, CallFailure::lost}};
    default:
      return {queue_item::Release{call_id, CallFailure::not_requested},
              agent::Release{call_id, CallFailure::not_requested}};
  }
}

}  // namespace dialer::domain
