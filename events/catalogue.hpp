#pragma once

// The dialer's vocabulary: every fact the log records. Each type names itself (`type`),
// says which layout it is (`schema`), and lists its fields once in `describe`. Times are
// UTC milliseconds since the epoch; Aircall's own ids are its 64-bit integers.
//
// Streams: `agent-<userId>`, `queue-<itemId>`, `call-<callId>`, `number-<E.164>`, `config`,
// `do-not-call`, `webhooks`, `dispatcher`.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/vocabulary.hpp"

namespace dialer::events {

// ---- agents ----

struct AgentStarted {
  static constexpr std::string_view type = "agent.started";
  static constexpr std::uint32_t schema = 1;
  std::string user_id;
  std::int64_t aircall_user_id = 0;
  std::int64_t number_id = 0;
  bool mock_mode = false;
  static void describe(auto& self, auto&& field) {
    field("userId", self.user_id);
    field("aircallUserId", self.aircall_user_id);
    field("numberId", self.number_id);
    field("mockMode", self.mock_mode);
  }
  bool operator==(const AgentStarted&) const = default;
};

struct AgentPaused {
  static constexpr std::string_view type = "agent.paused";
  static constexpr std::uint32_t schema = 1;
  std::string reason;
  static void describe(auto& self, auto&& field) { field("reason", self.reason); }
  bool operator==(const AgentPaused&) const = default;
};

struct AgentStopped {
  static constexpr std::string_view type = "agent.stopped";
  static constexpr std::uint32_t schema = 1;
  std::string reason;
  static void describe(auto& self, auto&& field) { field("reason", self.reason); }
  bool operator==(const AgentStopped&) const = default;
};

// What Aircall says of the user: Workspace open (user.connected / disconnected), inside
// working hours (user.opened / closed), in wrap-up time (user.wut_start / wut_end).
struct AgentAircallStatusChanged {
  static constexpr std::string_view type = "agent.aircall_status_changed";
  static constexpr std::uint32_t schema = 1;
  std::optional<bool> connected;
  std::optional<bool> opened;
  std::optional<bool> wrapping_up;
  std::string source_event;
  static void describe(auto& self, auto&& field) {
    field("connected", self.connected);
    field("opened", self.opened);
    field("wrappingUp", self.wrapping_up);
    field("sourceEvent", self.source_event);
  }
  bool operator==(const AgentAircallStatusChanged&) const = default;
};

struct AgentReserved {
  static constexpr std::string_view type = "agent.reserved";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  std::string queue_item_id;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("queueItemId", self.queue_item_id);
  }
  bool operator==(const AgentReserved&) const = default;
};

struct AgentCallAnswered {
  static constexpr std::string_view type = "agent.call_answered";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  static void describe(auto& self, auto&& field) { field("callId", self.call_id); }
  bool operator==(const AgentCallAnswered&) const = default;
};

struct AgentCallEnded {
  static constexpr std::string_view type = "agent.call_ended";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  std::int64_t talk_seconds = 0;
  std::int64_t wrap_up_until_ms = 0;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("talkSeconds", self.talk_seconds);
    field("wrapUpUntil", self.wrap_up_until_ms);
  }
  bool operator==(const AgentCallEnded&) const = default;
};

// A reservation undone before a call took place (the start was refused, say). An agent
// Aircall refused as unavailable is held back until `hold_until_ms` (0: not held).
// Schema 2 typed the reason, free text before (upcasters.cpp).
struct AgentReleased {
  static constexpr std::string_view type = "agent.released";
  static constexpr std::uint32_t schema = 2;
  std::string call_id;
  CallFailure reason = CallFailure::not_requested;
  std::int64_t hold_until_ms = 0;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("reason", self.reason);
    field("holdUntil", self.hold_until_ms);
  }
  bool operator==(const AgentReleased&) const = default;
};

// The agent gave a disposition for a call, during it or after it; `ends_wrap_up` when the
// disposition ends the wrap-up that follows (dialer.wrapUpEndsOnDisposition).
struct AgentDispositioned {
  static constexpr std::string_view type = "agent.dispositioned";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  bool ends_wrap_up = true;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("endsWrapUp", self.ends_wrap_up);
  }
  bool operator==(const AgentDispositioned&) const = default;
};

// The call ended without a disposition while one is required (dialer.requireDisposition):
// the agent stays in wrap-up until it comes.
struct AgentAwaitingDisposition {
  static constexpr std::string_view type = "agent.awaiting_disposition";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  static void describe(auto& self, auto&& field) { field("callId", self.call_id); }
  bool operator==(const AgentAwaitingDisposition&) const = default;
};

// The agent ended their wrap-up after call `call_id` early: ready for the next call.
struct AgentReady {
  static constexpr std::string_view type = "agent.ready";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  static void describe(auto& self, auto&& field) { field("callId", self.call_id); }
  bool operator==(const AgentReady&) const = default;
};

// ---- queue items ----

// Schema 2 added `timeZone` and moved `scheduledFor` from seconds to milliseconds; the
// upcaster in upcasters.cpp reads schema 1.
struct QueueItemAdded {
  static constexpr std::string_view type = "queue.item_added";
  static constexpr std::uint32_t schema = 2;
  std::string item_id;
  std::string client_id;
  std::string name;
  std::string phone_number;  // E.164
  std::int32_t priority = 10;
  std::optional<std::int64_t> scheduled_for_ms;
  std::string notes;
  std::string metadata_json;
  std::string time_zone;  // IANA; empty when the callee's zone is unknown
  std::string assigned_to;
  static void describe(auto& self, auto&& field) {
    field("itemId", self.item_id);
    field("clientId", self.client_id);
    field("name", self.name);
    field("phoneNumber", self.phone_number);
    field("priority", self.priority);
    field("scheduledFor", self.scheduled_for_ms);
    field("notes", self.notes);
    field("metadata", self.metadata_json);
    field("timeZone", self.time_zone);
    field("assignedTo", self.assigned_to);
  }
  bool operator==(const QueueItemAdded&) const = default;
};

struct QueueItemUpdated {
  static constexpr std::string_view type = "queue.item_updated";
  static constexpr std::uint32_t schema = 1;
  std::optional<std::string> assigned_to;
  std::optional<std::int32_t> priority;
  std::optional<std::int64_t> scheduled_for_ms;
  bool unscheduled = false;  // the schedule was cleared: due at once
  std::optional<std::string> notes;
  static void describe(auto& self, auto&& field) {
    field("assignedTo", self.assigned_to);
    field("priority", self.priority);
    field("scheduledFor", self.scheduled_for_ms);
    field("unscheduled", self.unscheduled);
    field("notes", self.notes);
  }
  bool operator==(const QueueItemUpdated&) const = default;
};

struct QueueItemStatusSet {
  static constexpr std::string_view type = "queue.item_status_set";
  static constexpr std::uint32_t schema = 1;
  ManualStatus status = ManualStatus::pending;
  std::string reason;
  static void describe(auto& self, auto&& field) {
    field("status", self.status);
    field("reason", self.reason);
  }
  bool operator==(const QueueItemStatusSet&) const = default;
};

struct QueueItemCancelled {
  static constexpr std::string_view type = "queue.item_cancelled";
  static constexpr std::uint32_t schema = 1;
  std::string reason;
  static void describe(auto& self, auto&& field) { field("reason", self.reason); }
  bool operator==(const QueueItemCancelled&) const = default;
};

struct QueueItemAssigned {
  static constexpr std::string_view type = "queue.item_assigned";
  static constexpr std::uint32_t schema = 1;
  std::string agent_id;
  std::string call_id;
  std::uint32_t attempt = 0;
  static void describe(auto& self, auto&& field) {
    field("agentId", self.agent_id);
    field("callId", self.call_id);
    field("attempt", self.attempt);
  }
  bool operator==(const QueueItemAssigned&) const = default;
};

// An assignment undone without an attempt counted: no call reached Aircall. Schema 2
// typed the reason, free text before (upcasters.cpp).
struct QueueItemReleased {
  static constexpr std::string_view type = "queue.item_released";
  static constexpr std::uint32_t schema = 2;
  std::string call_id;
  CallFailure reason = CallFailure::not_requested;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("reason", self.reason);
  }
  bool operator==(const QueueItemReleased&) const = default;
};

struct QueueItemCompleted {
  static constexpr std::string_view type = "queue.item_completed";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  CallOutcome outcome = CallOutcome::connected;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("outcome", self.outcome);
  }
  bool operator==(const QueueItemCompleted&) const = default;
};

struct QueueItemRetryScheduled {
  static constexpr std::string_view type = "queue.item_retry_scheduled";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  CallOutcome outcome = CallOutcome::no_answer;
  std::int64_t due_at_ms = 0;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("outcome", self.outcome);
    field("dueAt", self.due_at_ms);
  }
  bool operator==(const QueueItemRetryScheduled&) const = default;
};

struct QueueItemFailed {
  static constexpr std::string_view type = "queue.item_failed";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  std::optional<CallOutcome> outcome;
  std::string reason;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("outcome", self.outcome);
    field("reason", self.reason);
  }
  bool operator==(const QueueItemFailed&) const = default;
};

// What the agent decided of attempt `call_id`: a configured disposition, its action as it
// was configured then, the agent's notes, and for a callback its time, when the calling
// rules let it ring (`callback_dials_at_ms`; the agent's grace runs from then), and whether
// it is pinned to the agent (`callback_agent`) or open to anyone (empty). The latest counts.
struct QueueItemDispositioned {
  static constexpr std::string_view type = "queue.item_dispositioned";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  std::string agent_id;
  std::string disposition;
  DispositionAction action = DispositionAction::complete;
  std::string notes;
  std::optional<std::int64_t> callback_at_ms;
  std::optional<std::int64_t> callback_dials_at_ms;
  std::string callback_agent;
  std::string source;  // api, or aircall when a tag in Aircall's app gave it
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("agentId", self.agent_id);
    field("disposition", self.disposition);
    field("action", self.action);
    field("notes", self.notes);
    field("callbackAt", self.callback_at_ms);
    field("callbackDialsAt", self.callback_dials_at_ms);
    field("callbackAgent", self.callback_agent);
    field("source", self.source);
  }
  bool operator==(const QueueItemDispositioned&) const = default;
};

// The call's tags in Aircall no longer name the disposition they gave it (call.untagged):
// the call has none now. What its action did to the item stands.
struct QueueItemDispositionWithdrawn {
  static constexpr std::string_view type = "queue.item_disposition_withdrawn";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  static void describe(auto& self, auto&& field) { field("callId", self.call_id); }
  bool operator==(const QueueItemDispositionWithdrawn&) const = default;
};

// A comment on call `call_id` in Aircall (call.commented): it joins the call's notes.
struct QueueItemCallCommented {
  static constexpr std::string_view type = "queue.item_call_commented";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  std::int64_t comment_id = 0;  // Aircall's
  std::string text;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("commentId", self.comment_id);
    field("text", self.text);
  }
  bool operator==(const QueueItemCallCommented&) const = default;
};

// A callback: the item is pending again, due at `due_at_ms`, for `agent_id` alone until
// `pinned_until_ms` (empty agent: anyone). `outcome`: the attempt's, as for a retry.
struct QueueItemCallbackScheduled {
  static constexpr std::string_view type = "queue.item_callback_scheduled";
  static constexpr std::uint32_t schema = 1;
  std::string call_id;
  std::int64_t due_at_ms = 0;
  std::string agent_id;
  std::int64_t pinned_until_ms = 0;
  std::optional<CallOutcome> outcome;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("dueAt", self.due_at_ms);
    field("agentId", self.agent_id);
    field("pinnedUntil", self.pinned_until_ms);
    field("outcome", self.outcome);
  }
  bool operator==(const QueueItemCallbackScheduled&) const = default;
};

// ---- calls ----

// Schema 2 added `mockMode`: the agent's calls go to the simulator inside dialerd, not to
// Aircall. Schema 1 calls were all Aircall's (upcasters.cpp).
struct CallRequested {
  static constexpr std::string_view type = "call.requested";
  static constexpr std::uint32_t schema = 2;
  std::string call_id;
  std::string queue_item_id;
  std::string agent_id;
  std::int64_t aircall_user_id = 0;
  std::int64_t number_id = 0;
  std::string phone_number;
  std::uint32_t attempt = 0;
  bool mock_mode = false;
  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("queueItemId", self.queue_item_id);
    field("agentId", self.agent_id);
    field("aircallUserId", self.aircall_user_id);
    field("numberId", self.number_id);
    field("phoneNumber", self.phone_number);
    field("attempt", self.attempt);
    field("mockMode", self.mock_mode);
  }
  bool operator==(const CallRequested&) const = default;
};

// Aircall accepted the start (204): a call exists there, id not yet known.
struct CallStartAccepted {
  static constexpr std::string_view type = "call.start_accepted";
  static constexpr std::uint32_t schema = 1;
  static void describe(auto&, auto&&) {}
  bool operator==(const CallStartAccepted&) const = default;
};

struct CallStartFailed {
  static constexpr std::string_view type = "call.start_failed";
  static constexpr std::uint32_t schema = 1;
  CallFailure code = CallFailure::refused;
  std::string message;
  static void describe(auto& self, auto&& field) {
    field("code", self.code);
    field("message", self.message);
  }
  bool operator==(const CallStartFailed&) const = default;
};

struct CallCreated {
  static constexpr std::string_view type = "call.created";
  static constexpr std::uint32_t schema = 1;
  std::int64_t aircall_call_id = 0;
  std::int64_t started_at_ms = 0;
  static void describe(auto& self, auto&& field) {
    field("aircallCallId", self.aircall_call_id);
    field("startedAt", self.started_at_ms);
  }
  bool operator==(const CallCreated&) const = default;
};

struct CallAnswered {
  static constexpr std::string_view type = "call.answered";
  static constexpr std::uint32_t schema = 1;
  std::int64_t answered_at_ms = 0;
  static void describe(auto& self, auto&& field) { field("answeredAt", self.answered_at_ms); }
  bool operator==(const CallAnswered&) const = default;
};

struct CallHungUp {
  static constexpr std::string_view type = "call.hungup";
  static constexpr std::uint32_t schema = 1;
  std::int64_t hungup_at_ms = 0;
  static void describe(auto& self, auto&& field) { field("hungupAt", self.hungup_at_ms); }
  bool operator==(const CallHungUp&) const = default;
};

struct CallEnded {
  static constexpr std::string_view type = "call.ended";
  static constexpr std::uint32_t schema = 1;
  std::int64_t aircall_call_id = 0;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;
  std::int64_t ended_at_ms = 0;
  std::int64_t duration_seconds = 0;  // Aircall's, ringing included
  CallOutcome outcome = CallOutcome::no_answer;
  std::string missed_call_reason;
  std::string hangup_cause;
  std::string recording_url;
  std::vector<std::string> tags;
  static void describe(auto& self, auto&& field) {
    field("aircallCallId", self.aircall_call_id);
    field("startedAt", self.started_at_ms);
    field("answeredAt", self.answered_at_ms);
    field("endedAt", self.ended_at_ms);
    field("durationSeconds", self.duration_seconds);
    field("outcome", self.outcome);
    field("missedCallReason", self.missed_call_reason);
    field("hangupCause", self.hangup_cause);
    field("recordingUrl", self.recording_url);
    field("tags", self.tags);
  }
  bool operator==(const CallEnded&) const = default;
};

// No trace of the call at Aircall, even after asking its call list: nothing rang.
struct CallLost {
  static constexpr std::string_view type = "call.lost";
  static constexpr std::uint32_t schema = 1;
  std::string reason;
  static void describe(auto& self, auto&& field) { field("reason", self.reason); }
  bool operator==(const CallLost&) const = default;
};

// ---- numbers ----

// A queue item took the number: it is the one item pending or being dialled for it.
struct NumberClaimed {
  static constexpr std::string_view type = "number.claimed";
  static constexpr std::uint32_t schema = 1;
  std::string item_id;
  static void describe(auto& self, auto&& field) { field("itemId", self.item_id); }
  bool operator==(const NumberClaimed&) const = default;
};

// The item gave the number up: it was completed, failed, skipped or deleted.
struct NumberReleased {
  static constexpr std::string_view type = "number.released";
  static constexpr std::uint32_t schema = 1;
  std::string item_id;
  static void describe(auto& self, auto&& field) { field("itemId", self.item_id); }
  bool operator==(const NumberReleased&) const = default;
};

// A call to the number is about to be made (recorded with the call's request): what
// compliance caps per number count, across items, clients and restarts.
struct NumberAttempted {
  static constexpr std::string_view type = "number.attempted";
  static constexpr std::uint32_t schema = 1;
  std::string item_id;
  std::string call_id;
  static void describe(auto& self, auto&& field) {
    field("itemId", self.item_id);
    field("callId", self.call_id);
  }
  bool operator==(const NumberAttempted&) const = default;
};

// An agent found the number wrong (a wrong-number disposition): it is not queued again.
struct NumberMarkedWrong {
  static constexpr std::string_view type = "number.marked_wrong";
  static constexpr std::uint32_t schema = 1;
  std::string item_id;
  std::string call_id;
  static void describe(auto& self, auto&& field) {
    field("itemId", self.item_id);
    field("callId", self.call_id);
  }
  bool operator==(const NumberMarkedWrong&) const = default;
};

// ---- Aircall users ----

// An agent took the Aircall user: it is the one agent dialling as that person.
struct AircallUserClaimed {
  static constexpr std::string_view type = "aircall_user.claimed";
  static constexpr std::uint32_t schema = 1;
  std::string agent_id;
  static void describe(auto& self, auto&& field) { field("agentId", self.agent_id); }
  bool operator==(const AircallUserClaimed&) const = default;
};

// The agent gave the Aircall user up: it stopped, or its start did not go through.
struct AircallUserReleased {
  static constexpr std::string_view type = "aircall_user.released";
  static constexpr std::uint32_t schema = 1;
  std::string agent_id;
  static void describe(auto& self, auto&& field) { field("agentId", self.agent_id); }
  bool operator==(const AircallUserReleased&) const = default;
};

// ---- the dispatcher ----

// Agents wait in line and no pending item may be dialled: the dialable list ran dry.
// Recorded at most once a minute, so that the live feed and the log say so.
struct DispatcherRanDry {
  static constexpr std::string_view type = "dispatcher.ran_dry";
  static constexpr std::uint32_t schema = 1;
  std::uint32_t free_agents = 0;
  std::uint32_t pending_items = 0;  // pending, all held by a rule, a schedule or a limit
  static void describe(auto& self, auto&& field) {
    field("freeAgents", self.free_agents);
    field("pendingItems", self.pending_items);
  }
  bool operator==(const DispatcherRanDry&) const = default;
};

// A callback pinned to its agent came due: the live feed tells the agent's console.
struct DispatcherCallbackDue {
  static constexpr std::string_view type = "dispatcher.callback_due";
  static constexpr std::uint32_t schema = 1;
  std::string item_id;
  std::string agent_id;
  std::int64_t due_at_ms = 0;
  static void describe(auto& self, auto&& field) {
    field("itemId", self.item_id);
    field("agentId", self.agent_id);
    field("dueAt", self.due_at_ms);
  }
  bool operator==(const DispatcherCallbackDue&) const = default;
};

// ---- configuration, do-not-call, webhooks ----

struct ConfigChanged {
  static constexpr std::string_view type = "config.changed";
  // 2: a secret is its digest, or absent (events/secrets.hpp); 1 held secrets as they are.
  static constexpr std::uint32_t schema = 2;
  std::map<std::string, std::string> settings;  // key -> value as JSON text
  static void describe(auto& self, auto&& field) { field("settings", self.settings); }
  bool operator==(const ConfigChanged&) const = default;
};

struct DoNotCallAdded {
  static constexpr std::string_view type = "dnc.added";
  static constexpr std::uint32_t schema = 1;
  std::string phone_number;
  std::string reason;
  static void describe(auto& self, auto&& field) {
    field("phoneNumber", self.phone_number);
    field("reason", self.reason);
  }
  bool operator==(const DoNotCallAdded&) const = default;
};

struct DoNotCallRemoved {
  static constexpr std::string_view type = "dnc.removed";
  static constexpr std::uint32_t schema = 1;
  std::string phone_number;
  static void describe(auto& self, auto&& field) { field("phoneNumber", self.phone_number); }
  bool operator==(const DoNotCallRemoved&) const = default;
};

// A webhook delivery exactly as received, kept before anything acts on it.
struct WebhookReceived {
  static constexpr std::string_view type = "webhook.received";
  // 2: the body without Aircall's token (events/secrets.hpp); 1 kept the body as it came.
  static constexpr std::uint32_t schema = 2;
  std::string event;     // Aircall's `event`, e.g. call.created
  std::string resource;  // Aircall's `resource`, e.g. call
  std::int64_t sent_at_seconds = 0;
  std::string body;
  static void describe(auto& self, auto&& field) {
    field("event", self.event);
    field("resource", self.resource);
    field("sentAt", self.sent_at_seconds);
    field("body", self.body);
  }
  bool operator==(const WebhookReceived&) const = default;
};

}  // namespace dialer::events
