#include "actors/domain/queue_item.hpp"

#include <catch2/catch.hpp>

#include "support/fold.hpp"

using namespace dialer;
using namespace dialer::domain;
using dialer::events::CallOutcome;
using namespace dialer::testing;

namespace {
constexpr std::int64_t kNow = 1'790'000'000'000;
constexpr std::int64_t kMinute = 60'000;

events::QueueItemAdded item(std::string pinned = {}) {
  events::QueueItemAdded added;
  added.item_id = "q-1";
  added.client_id = "client-9";
  added.phone_number = "+43720880079";
  added.priority = 5;
  added.assigned_to = std::move(pinned);
  return added;
}

QueueItemState added(std::string pinned = {}) {
  return accept(QueueItemState{}, queue_item::Command{queue_item::Add{item(std::move(pinned))}},
                kNow);
}

RetryPolicy policy() {
  return {2, 10 * kMinute, {CallOutcome::no_answer, CallOutcome::busy, CallOutcome::error}};
}

QueueItemState attempt(QueueItemState s, const std::string& call_id, CallOutcome outcome,
                       std::int64_t at) {
  s = accept(s, queue_item::Command{queue_item::Assign{"agent-1", call_id, at}}, at);
  return accept(s, queue_item::Command{queue_item::RecordOutcome{call_id, outcome, at, policy()}},
                at);
}
}  // namespace

TEST_CASE("queue item: added pending and due at once, added twice is a conflict") {
  auto s = added();
  CHECK(s.status == ItemStatus::pending);
  CHECK(dialable(s, kNow));
  CHECK(refusal(s, queue_item::Command{queue_item::Add{item()}}) == ErrorCode::conflict);
  auto bad = item();
  bad.phone_number = "0720880079";
  CHECK(refusal(QueueItemState{}, queue_item::Command{queue_item::Add{bad}}) ==
        ErrorCode::invalid_argument);
  bad = item();
  bad.priority = -1;
  CHECK(refusal(QueueItemState{}, queue_item::Command{queue_item::Add{bad}}) ==
        ErrorCode::invalid_argument);
}

TEST_CASE("queue item: a scheduled item waits for its time") {
  auto later = item();
  later.scheduled_for_ms = kNow + 30 * kMinute;
  auto s = accept(QueueItemState{}, queue_item::Command{queue_item::Add{later}}, kNow);
  CHECK_FALSE(dialable(s, kNow));
  CHECK(phase_label(s, kNow) == "scheduled");
  CHECK(refusal(s, queue_item::Command{queue_item::Assign{"agent-1", "c-1", kNow}}) ==
        ErrorCode::conflict);
  CHECK(dialable(s, kNow + 30 * kMinute));
  s = accept(s, queue_item::Command{queue_item::Update{std::nullopt, std::nullopt, std::nullopt,
                                                       true, std::nullopt, std::nullopt}});
  CHECK(dialable(s, kNow));
}

TEST_CASE("queue item: a pinned item goes only to its agent") {
  auto s = added("agent-2");
  CHECK(refusal(s, queue_item::Command{queue_item::Assign{"agent-1", "c-1", kNow}}) ==
        ErrorCode::conflict);
  s = accept(s, queue_item::Command{queue_item::Assign{"agent-2", "c-1", kNow}}, kNow);
  CHECK(s.status == ItemStatus::in_progress);
  CHECK(s.current_attempt == 1);
}

TEST_CASE("queue item: while dialled it cannot be edited, cancelled or assigned again") {
  auto s = accept(added(), queue_item::Command{queue_item::Assign{"agent-1", "c-1", kNow}}, kNow);
  CHECK(refusal(s, queue_item::Command{queue_item::Update{std::nullopt, 1, std::nullopt, false,
                                                          std::nullopt, std::nullopt}}) ==
        ErrorCode::conflict);
  CHECK(refusal(s, queue_item::Command{queue_item::Cancel{"x"}}) == ErrorCode::conflict);
  CHECK(refusal(s, queue_item::Command{queue_item::SetStatus{events::ManualStatus::skipped, ""}}) ==
        ErrorCode::conflict);
  CHECK(refusal(s, queue_item::Command{queue_item::Assign{"agent-2", "c-2", kNow}}) ==
        ErrorCode::conflict);
  CHECK(events_of(s, queue_item::Command{queue_item::Assign{"agent-1", "c-1", kNow}}).empty());
  CHECK(phase_label(s, kNow) == "dialing");
}

TEST_CASE("queue item: connected completes it") {
  auto s = attempt(added(), "c-1", CallOutcome::connected, kNow);
  CHECK(s.status == ItemStatus::completed);
  CHECK(s.attempts == 1);
  CHECK(s.last_result == CallOutcome::connected);
  CHECK_FALSE(dialable(s, kNow + 100 * kMinute));
}

TEST_CASE("queue item: retries back off, then fail once attempts are spent") {
  auto s = attempt(added(), "c-1", CallOutcome::no_answer, kNow);
  CHECK(s.status == ItemStatus::pending);
  CHECK(s.retry_due_ms == kNow + 10 * kMinute);
  CHECK(phase_label(s, kNow) == "retry-wait");
  CHECK_FALSE(dialable(s, kNow + 9 * kMinute));

  s = attempt(s, "c-2", CallOutcome::busy, kNow + 10 * kMinute);
  CHECK(s.attempts == 2);
  CHECK(s.retry_due_ms == kNow + 10 * kMinute + 20 * kMinute);  // doubled

  s = attempt(s, "c-3", CallOutcome::no_answer, kNow + 30 * kMinute);
  CHECK(s.status == ItemStatus::failed);  // 1 attempt + 2 retries
  CHECK(s.attempts == 3);
}

TEST_CASE("queue item: outcomes not worth a retry end it at once") {
  CHECK(attempt(added(), "c-1", CallOutcome::voicemail, kNow).status == ItemStatus::completed);
  CHECK(attempt(added(), "c-1", CallOutcome::wrong_number, kNow).status == ItemStatus::failed);
}

TEST_CASE("queue item: a released attempt is not counted and the item is ready again") {
  auto s = accept(added(), queue_item::Command{queue_item::Assign{"agent-1", "c-1", kNow}}, kNow);
  s = accept(s, queue_item::Command{queue_item::Release{"c-1", events::CallFailure::not_reserved}});
  CHECK(s.status == ItemStatus::pending);
  CHECK(s.attempts == 0);
  CHECK(dialable(s, kNow));
  s = accept(s, queue_item::Command{queue_item::Assign{"agent-1", "c-2", kNow}}, kNow);
  CHECK(s.current_attempt == 1);
}

TEST_CASE("queue item: outcomes for another or a finished attempt change nothing") {
  auto s = accept(added(), queue_item::Command{queue_item::Assign{"agent-1", "c-1", kNow}}, kNow);
  CHECK(events_of(s, queue_item::Command{queue_item::RecordOutcome{"c-0", CallOutcome::connected,
                                                                   kNow, policy()}})
            .empty());
  s = accept(s, queue_item::Command{
                    queue_item::RecordOutcome{"c-1", CallOutcome::connected, kNow, policy()}});
  CHECK(events_of(s, queue_item::Command{queue_item::RecordOutcome{"c-1", CallOutcome::busy, kNow,
                                                                   policy()}})
            .empty());
}

TEST_CASE("queue item: cancel, manual status and updates") {
  auto s = accept(added(), queue_item::Command{queue_item::Update{"agent-3", 1, std::nullopt, false,
                                                                  "vip", std::nullopt}});
  CHECK(s.details.assigned_to == "agent-3");
  CHECK(s.details.priority == 1);
  CHECK(s.details.notes == "vip");
  CHECK(refusal(s, queue_item::Command{queue_item::Update{std::nullopt, 5000, std::nullopt, false,
                                                          std::nullopt, std::nullopt}}) ==
        ErrorCode::invalid_argument);

  auto skipped =
      accept(s, queue_item::Command{queue_item::SetStatus{events::ManualStatus::skipped, "dup"}});
  CHECK(skipped.status == ItemStatus::skipped);
  CHECK_FALSE(dialable(skipped, kNow));
  auto reopened = accept(
      skipped, queue_item::Command{queue_item::SetStatus{events::ManualStatus::pending, ""}});
  CHECK(dialable(reopened, kNow));

  auto cancelled = accept(s, queue_item::Command{queue_item::Cancel{"deleted"}});
  CHECK(cancelled.status == ItemStatus::cancelled);
  CHECK(refusal(cancelled, queue_item::Command{queue_item::Cancel{"again"}}) ==
        ErrorCode::not_found);
  CHECK(refusal(QueueItemState{}, queue_item::Command{queue_item::Cancel{"x"}}) ==
        ErrorCode::not_found);
  CHECK(refusal(cancelled, queue_item::Command{queue_item::Assign{"agent-1", "c-1", kNow}}) ==
        ErrorCode::not_found);
}

TEST_CASE("queue item: the retry delay doubles and stops at a day") {
  RetryPolicy p{10, 60 * kMinute, {}};
  CHECK(retry_delay_after(p, 1) == 60 * kMinute);
  CHECK(retry_delay_after(p, 2) == 120 * kMinute);
  CHECK(retry_delay_after(p, 9) == 24 * 60 * kMinute);
}

TEST_CASE("queue item: an update with a status is one decision") {
  queue_item::Update update{std::nullopt, 2,       std::nullopt,
                            false,        "moved", events::ManualStatus::skipped};
  auto decided = events_of(added(), queue_item::Command{update});
  REQUIRE(decided.size() == 2);
  CHECK(std::holds_alternative<events::QueueItemUpdated>(decided[0]));
  CHECK(std::holds_alternative<events::QueueItemStatusSet>(decided[1]));
  auto s = accept(added(), queue_item::Command{update});
  CHECK(s.details.priority == 2);
  CHECK(s.status == ItemStatus::skipped);

  update.priority = 5000;  // out of range: the status is not set either
  CHECK(refusal(added(), queue_item::Command{update}) == ErrorCode::invalid_argument);
}

TEST_CASE("queue item: the commands that may make an ended item pending again") {
  using events::ManualStatus;
  CHECK(may_pend_again(queue_item::SetStatus{ManualStatus::pending, "asked again"}));
  CHECK_FALSE(may_pend_again(queue_item::SetStatus{ManualStatus::skipped, "no"}));
  queue_item::Update update;
  update.priority = 2;
  CHECK_FALSE(may_pend_again(update));
  update.status = ManualStatus::pending;
  CHECK(may_pend_again(update));
  CHECK(may_pend_again(queue_item::Dispose{}));
  CHECK(may_pend_again(queue_item::WithdrawDisposition{"c-1"}));
  CHECK_FALSE(may_pend_again(queue_item::Cancel{"done"}));
}
