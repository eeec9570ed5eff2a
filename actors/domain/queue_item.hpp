#pragma once

// A client to call: added, edited, assigned to an agent for an attempt, then completed,
// retried after a backoff, or failed once its attempts are spent. Pinned to one agent
// (assignedTo) or open to all; lower priority numbers go first.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "events/codec.hpp"
#include "events/result.hpp"

namespace dialer::domain {

enum class ItemStatus { pending, in_progress, completed, failed, skipped, cancelled };

std::string_view to_string(ItemStatus status);
bool from_string(std::string_view text, ItemStatus& status);

struct QueueItemState {
  bool exists = false;
  events::QueueItemAdded details;  // as added, with updates applied
  ItemStatus status = ItemStatus::pending;
  std::uint32_t attempts = 0;  // attempts that reached an outcome
  std::string call_id;         // the attempt in progress
  std::string agent_id;
  std::uint32_t current_attempt = 0;
  std::optional<std::int64_t> retry_due_ms;
  std::optional<events::CallOutcome> last_result;
  // Why the status was last set other than by a call: "do-not-call", "updated", ….
  std::string status_reason;
  std::int64_t last_attempt_ms = 0;
  std::int64_t created_at_ms = 0;
  std::int64_t updated_at_ms = 0;
  // The latest attempt, kept after it ends: a disposition may come for it until the item is
  // dialled again. Its latest disposition, if any.
  std::string last_call_id;
  std::optional<events::QueueItemDispositioned> disposition;
  // A callback: due then, for callback_agent alone until pinned_until_ms (see
  // QueueItemCallbackScheduled).
  std::optional<std::int64_t> callback_due_ms;
  std::string callback_agent;
  std::int64_t pinned_until_ms = 0;
  // Aircall comments already taken into the item's calls' notes (the latest kKeptComments).
  std::vector<std::int64_t> comment_ids;

  // When the item may next be dialled, calling rules aside.
  std::int64_t due_at_ms() const;
  bool operator==(const QueueItemState&) const = default;

  // Every field, for the queue projection's records.
  static void describe(auto& self, auto&& field) {
    field("exists", self.exists);
    field("details", self.details);
    field("status", self.status);
    field("attempts", self.attempts);
    field("callId", self.call_id);
    field("agentId", self.agent_id);
    field("currentAttempt", self.current_attempt);
    field("retryDue", self.retry_due_ms);
    field("lastResult", self.last_result);
    field("statusReason", self.status_reason);
    field("lastAttempt", self.last_attempt_ms);
    field("createdAt", self.created_at_ms);
    field("updatedAt", self.updated_at_ms);
    field("lastCallId", self.last_call_id);
    field("disposition", self.disposition);
    field("callbackDue", self.callback_due_ms);
    field("callbackAgent", self.callback_agent);
    field("pinnedUntil", self.pinned_until_ms);
    field("commentIds", self.comment_ids);
  }
};

// What the dispatcher needs to know of the retry policy.
struct RetryPolicy {
  int max_retries = 3;
  std::int64_t retry_delay_ms = 60 * 60'000;
  std::vector<events::CallOutcome> retry_on;
};

namespace queue_item {

struct Add {
  events::QueueItemAdded item;  // phone number already normalised to E.164
};
struct Update {
  std::optional<std::string> assigned_to;
  std::optional<std::int32_t> priority;
  std::optional<std::int64_t> scheduled_for_ms;
  bool unschedule = false;
  std::optional<std::string> notes;
  // Set in the same decision as the fields above: all of it is applied, or none.
  std::optional<events::ManualStatus> status;
};
struct SetStatus {
  events::ManualStatus status = events::ManualStatus::pending;
  std::string reason;
};
struct Cancel {
  std::string reason;
};
struct Assign {
  std::string agent_id;
  std::string call_id;
  std::int64_t now_ms = 0;
};
struct Release {
  std::string call_id;
  events::CallFailure reason = events::CallFailure::not_requested;
};
struct RecordOutcome {
  std::string call_id;
  events::CallOutcome outcome = events::CallOutcome::no_answer;
  std::int64_t now_ms = 0;
  RetryPolicy policy;
  std::int64_t callback_grace_ms = 0;  // for a disposition given during the call
};

// The agent's decision on attempt `disposition.call_id`, the item's latest: recorded, and the
// item's fate follows its action, now if the attempt has ended, else when it ends.
struct Dispose {
  events::QueueItemDispositioned disposition;
  std::int64_t now_ms = 0;
  RetryPolicy policy;
  std::int64_t callback_grace_ms = 0;
};

// The call's Aircall tags no longer give it the disposition they gave (withdrawn only when
// the latest disposition of `call_id` came from Aircall).
struct WithdrawDisposition {
  std::string call_id;
};
// An Aircall comment on call `call_id`; one already taken is no news.
struct Comment {
  std::string call_id;
  std::int64_t comment_id = 0;
  std::string text;
};

using Command = std::variant<Add, Update, SetStatus, Cancel, Assign, Release, RecordOutcome,
                             Dispose, WithdrawDisposition, Comment>;

}  // namespace queue_item

Result<std::vector<events::Event>> decide(const QueueItemState& state,
                                          const queue_item::Command& command);
QueueItemState evolve(QueueItemState state, const events::Event& event,
                      std::int64_t recorded_at_ms);

// The status an item has just after this event; nothing for an event that does not move it.
std::optional<ItemStatus> item_status_after(const events::Event& event);
// The agent the item waits for at `now_ms`: pinned by hand (assignedTo), or a callback's
// agent within its grace; empty when anyone may take it.
std::string pinned_agent(const QueueItemState& state, std::int64_t now_ms);
// Whether the item holds its number: pending or being dialled (see domain/number.hpp).
bool holds_number(const QueueItemState& state);
// Whether the command may make an item that ended pending again: a status set by hand, a
// disposition (a callback, a retry) or its withdrawal.
bool may_pend_again(const queue_item::Command& command);
// Whether the command may change the item's hold on its number: an add claims it first, and
// an assignment to a call keeps it.
bool may_move_number(const queue_item::Command& command);
// Ready for an agent: pending and due (calling rules are the dispatcher's).
bool dialable(const QueueItemState& state, std::int64_t now_ms);
// The API's phase word: scheduled, retry-wait, dialing, or empty when ready or done.
std::string phase_label(const QueueItemState& state, std::int64_t now_ms);
// The retry delay after attempt `attempt` (1-based): doubles each time, at most a day.
std::int64_t retry_delay_after(const RetryPolicy& policy, std::uint32_t attempt);

}  // namespace dialer::domain
