#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <variant>

#include "events/catalogue.hpp"
#include "events/result.hpp"
#include "events/upcast.hpp"

namespace dialer::events {

using Event = std::variant<
    AgentStarted, AgentPaused, AgentStopped, AgentAircallStatusChanged, AgentReserved,
    AgentCallAnswered, AgentCallEnded, AgentReleased, AgentDispositioned, AgentAwaitingDisposition,
    AgentReady, QueueItemAdded, QueueItemUpdated, QueueItemStatusSet, QueueItemCancelled,
    QueueItemAssigned, QueueItemReleased, QueueItemCompleted, QueueItemRetryScheduled,
    QueueItemFailed, QueueItemDispositioned, QueueItemDispositionWithdrawn, QueueItemCallCommented,
    QueueItemCallbackScheduled, CallRequested, CallStartAccepted, CallStartFailed, CallCreated,
    CallAnswered, CallHungUp, CallEnded, CallLost, NumberClaimed, NumberReleased, NumberAttempted,
    NumberMarkedWrong, AircallUserClaimed, AircallUserReleased, DispatcherRanDry,
    DispatcherCallbackDue, ConfigChanged, DoNotCallAdded, DoNotCallRemoved, WebhookReceived>;

// An event ready to be appended: its name, layout version and binary payload.
struct EncodedEvent {
  std::string type;
  std::uint32_t schema = 0;
  std::string payload;
  bool operator==(const EncodedEvent&) const = default;
};

std::string_view type_of(const Event& event);
EncodedEvent encode(const Event& event);

// Decodes a stored payload, upcasting older schemas first. Unknown types and schemas newer
// than this build are `unsupported_version`; bytes that do not decode are `corrupt_data`.
Result<Event> decode(std::string_view type, std::uint32_t schema, std::string_view payload,
                     const Upcasters& upcasters = catalogue_upcasters());

// The payload's fields under their API names.
nlohmann::json to_json(const Event& event);

}  // namespace dialer::events
