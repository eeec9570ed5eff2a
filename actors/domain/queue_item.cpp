#include "actors/domain/queue_item.hpp"

#include <algorithm>

#include "events/names.hpp"

namespace dialer::domain {
namespace {

using Events = std::vector<events::Event>;
constexpr std::int64_t kMaxRetryDelayMs = 24LL * 60 * 60'000;
constexpr std::int32_t kMaxPriority = 1000;
constexpr std::size_t kKeptComments = 200;
constexpr std::size_t kMaxCommentLength = 4096;

Error conflict(const std::string& why) {
  return Error{ErrorCode::conflict, why};
}
Error not_found() {
  return Error{ErrorCode::not_found, "no such queue item"};
}

Error check_priority(std::int32_t priority) {
  return Error{ErrorCode::invalid_argument,
               "priority must be between 0 and " + std::to_string(kMaxPriority) + ", not " +
                   std::to_string(priority),
               "priority"};
}
bool priority_ok(std::int32_t priority) {
  return priority >= 0 && priority <= kMaxPriority;
}

// What a disposition's action does to the item: `ending` with the attempt's outcome when
// the attempt is ending now, else to the item as its attempt left it.
Events fate(const QueueItemState& s, const events::QueueItemDispositioned& d, bool ending,
            std::optional<events::CallOutcome> outcome, std::int64_t now_ms,
            const RetryPolicy& policy, std::int64_t grace_ms) {
  using events::CallOutcome;
  using events::DispositionAction;
  auto result = ending ? outcome : s.last_result;
  bool open = ending || s.status == ItemStatus::pending;
  switch (d.action) {
    case DispositionAction::complete:
    case DispositionAction::do_not_call:
      if (open || s.status == ItemStatus::failed) {
        return Events{
            events::QueueItemCompleted{d.call_id, result.value_or(CallOutcome::connected)}};
      }
      return {};
    case DispositionAction::retry: {
      if (!ending && s.status == ItemStatus::pending && s.retry_due_ms) return {};
      auto max_attempts = static_cast<std::uint32_t>(policy.max_retries) + 1;
      if (s.current_attempt < max_attempts) {
        return Events{
            events::QueueItemRetryScheduled{d.call_id, result.value_or(CallOutcome::no_answer),
                                            now_ms + retry_delay_after(policy, s.current_attempt)}};
      }
      if (open || s.status != ItemStatus::failed) {
        return Events{events::QueueItemFailed{d.call_id, result, "attempts exhausted"}};
      }
      return {};
    }
    case DispositionAction::callback: {
      auto at = d.callback_at_ms.value_or(now_ms);
      auto pinned_until =
          d.callback_agent.empty() ? 0 : d.callback_dials_at_ms.value_or(at) + grace_ms;
      return Events{events::QueueItemCallbackScheduled{d.call_id, at, d.callback_agent,
                                                       pinned_until, result}};
    }
    case DispositionAction::wrong_number:
      if (open || s.status != ItemStatus::failed) {
        return Events{
            events::QueueItemFailed{d.call_id, CallOutcome::wrong_number, "wrong number"}};
      }
      return {};
  }
  return {};
}

struct ItemDecider {
  const QueueItemState& s;

  Result<Events> operator()(const queue_item::Add& c) const {
    if (s.exists) return conflict("queue item " + c.item.item_id + " exists already");
    if (c.item.item_id.empty()) {
      return Error{ErrorCode::invalid_argument, "an item needs an id", "id"};
    }
    if (c.item.phone_number.empty() || c.item.phone_number.front() != '+') {
      return Error{ErrorCode::invalid_argument, "phoneNumber must be in E.164 form", "phoneNumber"};
    }
    if (!priority_ok(c.item.priority)) return check_priority(c.item.priority);
    return Events{c.item};
  }

  Result<Events> operator()(const queue_item::Update& c) const {
    if (!s.exists || s.status == ItemStatus::cancelled) return not_found();
    if (s.status == ItemStatus::in_progress) return conflict("the item is being dialled");
    if (c.priority && !priority_ok(*c.priority)) return check_priority(*c.priority);
    events::QueueItemUpdated update{c.assigned_to, c.priority, c.scheduled_for_ms, c.unschedule,
                                    c.notes};
    Events out;
    if (update != events::QueueItemUpdated{}) out.push_back(std::move(update));
    if (c.status) out.push_back(events::QueueItemStatusSet{*c.status, "updated"});
    return out;
  }

  Result<Events> operator()(const queue_item::SetStatus& c) const {
    if (!s.exists || s.status == ItemStatus::cancelled) return not_found();
    if (s.status == ItemStatus::in_progress) return conflict("the item is being dialled");
    return Events{events::QueueItemStatusSet{c.status, c.reason}};
  }

  Result<Events> operator()(const queue_item::Cancel& c) const {
    if (!s.exists || s.status == ItemStatus::cancelled) return not_found();
    if (s.status == ItemStatus::in_progress) return conflict("the item is being dialled");
    return Events{events::QueueItemCancelled{c.reason}};
  }

  Result<Events> operator()(const queue_item::Assign& c) const {
    if (!s.exists || s.status == ItemStatus::cancelled) return not_found();
    if (s.status == ItemStatus::in_progress) {
      if (s.call_id == c.call_id) return Events{};  // the same assignment again
      return conflict("the item is being dialled");
    }
    if (!dialable(s, c.now_ms)) return conflict("the item is not due for a call");
    if (auto pinned = pinned_agent(s, c.now_ms); !pinned.empty() && pinned != c.agent_id) {
      return conflict("the item is pinned to agent " + pinned);
    }
    return Events{events::QueueItemAssigned{c.agent_id, c.call_id, s.attempts + 1}};
  }

  Result<Events> operator()(const queue_item::Release& c) const {
    if (s.status != ItemStatus::in_progress || s.call_id != c.call_id) return Events{};
    return Events{events::QueueItemReleased{c.call_id, c.reason}};
  }

  Result<Events> operator()(const queue_item::RecordOutcome& c) const {
    if (s.status != ItemStatus::in_progress || s.call_id != c.call_id) return Events{};
    using events::CallOutcome;
    // The agent decided before the call ended: their decision settles it.
    if (s.disposition && s.disposition->call_id == c.call_id) {
      return fate(s, *s.disposition, true, c.outcome, c.now_ms, c.policy, c.callback_grace_ms);
    }
    if (c.outcome == CallOutcome::connected) {
      return Events{events::QueueItemCompleted{c.call_id, c.outcome}};
    }
    const auto& retry_on = c.policy.retry_on;
    bool worth_retry = std::find(retry_on.begin(), retry_on.end(), c.outcome) != retry_on.end();
    if (worth_retry) {
      auto max_attempts = static_cast<std::uint32_t>(c.policy.max_retries) + 1;
      if (s.current_attempt < max_attempts) {
        return Events{events::QueueItemRetryScheduled{
            c.call_id, c.outcome, c.now_ms + retry_delay_after(c.policy, s.current_attempt)}};
      }
      return Events{events::QueueItemFailed{c.call_id, c.outcome, "attempts exhausted"}};
    }
    if (c.outcome == CallOutcome::voicemail) {
      return Events{events::QueueItemCompleted{c.call_id, c.outcome}};
    }
    return Events{events::QueueItemFailed{c.call_id, c.outcome, "not worth a retry"}};
  }

  // Aircall's word on the item's calls: its tags and its comments.
  Result<Events> operator()(const queue_item::WithdrawDisposition& c) const {
    if (!s.disposition || s.disposition->call_id != c.call_id || s.disposition->source != "aircall")
      return Events{};
    return Events{events::QueueItemDispositionWithdrawn{c.call_id}};
  }

  Result<Events> operator()(const queue_item::Comment& c) const {
    if (!s.exists) return not_found();
    if (std::find(s.comment_ids.begin(), s.comment_ids.end(), c.comment_id) != s.comment_ids.end())
      return Events{};
    return Events{events::QueueItemCallCommented{c.call_id, c.comment_id,
                                                 c.text.substr(0, kMaxCommentLength)}};
  }

  Result<Events> operator()(const queue_item::Dispose& c) const {
    const auto& d = c.disposition;
    if (!s.exists) return not_found();
    if (s.status == ItemStatus::cancelled) return conflict("the item was deleted");
    bool current = s.status == ItemStatus::in_progress && s.call_id == d.call_id;
    if (!current && s.last_call_id != d.call_id) {
      return conflict("call " + d.call_id +
                      " is not this item's latest attempt: the item has been dialled since");
    }
    if (d.action == events::DispositionAction::callback &&
        (!d.callback_at_ms || *d.callback_at_ms <= c.now_ms)) {
      return Error{ErrorCode::invalid_argument, "a callback needs a time in the future",
                   "callbackAt"};
    }
    Events out{d};
    if (current) return out;  // the call's end applies it
    auto after = evolve(s, d, c.now_ms);
    for (auto& event :
         fate(after, d, false, std::nullopt, c.now_ms, c.policy, c.callback_grace_ms)) {
      out.push_back(std::move(event));
    }
    return out;
  }
};

// The fields each event changes; the status comes from item_status_after.
struct ItemEvolver {
  QueueItemState& s;
  std::int64_t at;

  void end_attempt(std::optional<events::CallOutcome> outcome) const {
    s.attempts = s.current_attempt;
    s.last_result = outcome;
    s.call_id.clear();
    s.agent_id.clear();
    s.retry_due_ms.reset();
    clear_callback();
  }
  void clear_callback() const {
    s.callback_due_ms.reset();
    s.callback_agent.clear();
    s.pinned_until_ms = 0;
  }

  void operator()(const events::QueueItemAdded& e) const {
    s.exists = true;
    s.details = e;
    s.created_at_ms = at;
  }
  void operator()(const events::QueueItemUpdated& e) const {
    if (e.assigned_to) s.details.assigned_to = *e.assigned_to;
    if (e.priority) s.details.priority = *e.priority;
    if (e.scheduled_for_ms) s.details.scheduled_for_ms = e.scheduled_for_ms;
    if (e.unscheduled) {
      s.details.scheduled_for_ms.reset();
      s.retry_due_ms.reset();
    }
    if (e.unscheduled || e.scheduled_for_ms) clear_callback();
    if (e.notes) s.details.notes = *e.notes;
  }
  void operator()(const events::QueueItemStatusSet& e) const {
    s.retry_due_ms.reset();
    clear_callback();
    s.status_reason = e.reason;
  }
  void operator()(const events::QueueItemAssigned& e) const {
    s.status_reason.clear();
    s.call_id = e.call_id;
    s.agent_id = e.agent_id;
    s.current_attempt = e.attempt;
    s.last_attempt_ms = at;
    s.retry_due_ms.reset();
    clear_callback();
    s.last_call_id = e.call_id;
    s.disposition.reset();
  }
  void operator()(const events::QueueItemReleased&) const {
    s.current_attempt = s.attempts;
    s.call_id.clear();
    s.agent_id.clear();
  }
  void operator()(const events::QueueItemCompleted& e) const { end_attempt(e.outcome); }
  void operator()(const events::QueueItemRetryScheduled& e) const {
    end_attempt(e.outcome);
    s.retry_due_ms = e.due_at_ms;
  }
  void operator()(const events::QueueItemFailed& e) const { end_attempt(e.outcome); }
  void operator()(const events::QueueItemDispositioned& e) const { s.disposition = e; }
  void operator()(const events::QueueItemDispositionWithdrawn& e) const {
    if (s.disposition && s.disposition->call_id == e.call_id) s.disposition.reset();
  }
  void operator()(const events::QueueItemCallCommented& e) const {
    s.comment_ids.push_back(e.comment_id);
    if (s.comment_ids.size() > kKeptComments) s.comment_ids.erase(s.comment_ids.begin());
  }
  void operator()(const events::QueueItemCallbackScheduled& e) const {
    end_attempt(e.outcome);
    s.callback_due_ms = e.due_at_ms;
    s.callback_agent = e.agent_id;
    s.pinned_until_ms = e.pinned_until_ms;
  }
  void operator()(const auto&) const {}
};

ItemStatus status_of(events::ManualStatus status) {
  switch (status) {
    case events::ManualStatus::pending:
      return ItemStatus::pending;
    case events::ManualStatus::skipped:
      return ItemStatus::skipped;
    case events::ManualStatus::completed:
      return ItemStatus::completed;
    case events::ManualStatus::failed:
      return ItemStatus::failed;
  }
  return ItemStatus::pending;
}

}  // namespace

std::int64_t QueueItemState::due_at_ms() const {
  if (callback_due_ms) return *callback_due_ms;
  if (retry_due_ms) return *retry_due_ms;
  return details.scheduled_for_ms.value_or(created_at_ms);
}

Result<Events> decide(const QueueItemState& state, const queue_item::Command& command) {
  return std::visit(ItemDecider{state}, command);
}

std::optional<ItemStatus> item_status_after(const events::Event& event) {
  return std::visit(
      [](const auto& e) -> std::optional<ItemStatus> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::QueueItemAdded> ||
                      std::is_same_v<T, events::QueueItemReleased> ||
                      std::is_same_v<T, events::QueueItemRetryScheduled> ||
                      std::is_same_v<T, events::QueueItemCallbackScheduled>) {
          return ItemStatus::pending;
        } else if constexpr (std::is_same_v<T, events::QueueItemAssigned>) {
          return ItemStatus::in_progress;
        } else if constexpr (std::is_same_v<T, events::QueueItemCompleted>) {
          return ItemStatus::completed;
        } else if constexpr (std::is_same_v<T, events::QueueItemFailed>) {
          return ItemStatus::failed;
        } else if constexpr (std::is_same_v<T, events::QueueItemCancelled>) {
          return ItemStatus::cancelled;
        } else if constexpr (std::is_same_v<T, events::QueueItemStatusSet>) {
          return status_of(e.status);
        } else {
          return std::nullopt;
        }
      },
      event);
}

QueueItemState evolve(QueueItemState state, const events::Event& event,
                      std::int64_t recorded_at_ms) {
  std::visit(ItemEvolver{state, recorded_at_ms}, event);
  if (auto status = item_status_after(event)) state.status = *status;
  if (state.exists) state.updated_at_ms = recorded_at_ms;
  return state;
}

std::string pinned_agent(const QueueItemState& s, std::int64_t now_ms) {
  if (!s.details.assigned_to.empty()) return s.details.assigned_to;
  if (!s.callback_agent.empty() && now_ms < s.pinned_until_ms) return s.callback_agent;
  return {};
}

bool holds_number(const QueueItemState& s) {
  return s.exists && (s.status == ItemStatus::pending || s.status == ItemStatus::in_progress);
}

bool may_move_number(const queue_item::Command& command) {
  return !std::holds_alternative<queue_item::Add>(command) &&
         !std::holds_alternative<queue_item::Assign>(command);
}

bool may_pend_again(const queue_item::Command& command) {
  using events::ManualStatus;
  if (const auto* set = std::get_if<queue_item::SetStatus>(&command))
    return set->status == ManualStatus::pending;
  if (const auto* update = std::get_if<queue_item::Update>(&command))
    return update->status == ManualStatus::pending;
  return std::holds_alternative<queue_item::Dispose>(command) ||
         std::holds_alternative<queue_item::WithdrawDisposition>(command);
}

bool dialable(const QueueItemState& s, std::int64_t now_ms) {
  return s.exists && s.status == ItemStatus::pending && s.due_at_ms() <= now_ms;
}

std::string phase_label(const QueueItemState& s, std::int64_t now_ms) {
  if (s.status == ItemStatus::in_progress) return "dialing";
  if (s.status != ItemStatus::pending || s.due_at_ms() <= now_ms) return "";
  return s.retry_due_ms && !s.callback_due_ms ? "retry-wait" : "scheduled";
}

std::int64_t retry_delay_after(const RetryPolicy& policy, std::uint32_t attempt) {
  std::int64_t delay = policy.retry_delay_ms;
  for (std::uint32_t i = 1; i < attempt && delay < kMaxRetryDelayMs; ++i) delay *= 2;
  return std::min(delay, kMaxRetryDelayMs);
}

}  // namespace dialer::domain
