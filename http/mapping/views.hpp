#pragma once

// Agents, calls and queue items in the REST contract's shapes (api.md).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "actors/dispatch/dispatch_index.hpp"
#include "actors/domain/agent.hpp"
#include "actors/domain/call.hpp"
#include "actors/domain/queue_item.hpp"
#include "http/node/context.hpp"

namespace dialer::http {

// A time as the API gives it (ISO 8601, UTC, milliseconds), or null for none (0).
nlohmann::json time_or_null(std::int64_t ms);
nlohmann::json time_or_null(const std::optional<std::int64_t>& ms);

// {userId, startTime, endTime, duration, callsCompleted, totalCallDuration}
nlohmann::json session_stats_json(const domain::AgentState& agent, std::int64_t now_ms);
// The UserStatus document: the agent's status words, ids and session.
nlohmann::json agent_json(const domain::AgentState& agent, std::int64_t now_ms);
// {callId, client, phoneNumber, startTime, status, ...}: the call, with what the agent needs
// of its client (name, notes, metadata, the attempt) and of its end (outcome, disposition)
// when its item is known.
nlohmann::json active_call_json(const domain::CallState& call, const domain::QueueItemState* item);
// With `waiting`, a pending item says why it waits (waitingFor, eligibleAt) and its phase
// follows it: scheduled, retry-wait, waiting-window, assigned, waiting, or null when it is
// ready and waits only for an agent, the budget or the pace.
nlohmann::json queue_item_json(const domain::QueueItemState& item, std::int64_t now_ms,
                               const std::optional<dispatch::WaitInfo>& waiting = std::nullopt);
// {callId, agentId, disposition, action, notes, callbackAt, callbackAgent, source}
nlohmann::json disposition_json(const events::QueueItemDispositioned& disposition);

// Every agent ever started, by the status word /agents shows for it now.
std::map<std::string, std::int64_t> live_agents_by_status(Context& context);

}  // namespace dialer::http
