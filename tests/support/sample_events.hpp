#pragma once

#include <vector>

#include "events/codec.hpp"

namespace dialer::testing {

// One event of every catalogued type, every field set to something other than its default,
// so that a codec that drops or confuses a field is caught.
inline std::vector<events::Event> sample_events() {
  using namespace events;
  std::vector<Event> out;
  out.push_back(AgentStarted{"agent-7", 123456, 987654, true});
  out.push_back(AgentPaused{"meeting"});
  out.push_back(AgentStopped{"end of shift"});
  out.push_back(AgentAircallStatusChanged{true, false, std::nullopt, "user.closed"});
  out.push_back(AgentReserved{"c-1", "q-1"});
  out.push_back(AgentCallAnswered{"c-1"});
  out.push_back(AgentCallEnded{"c-1", 95, 1790000030000});
  out.push_back(AgentReleased{"c-2", CallFailure::user_unavailable, 1790000060000});
  out.push_back(AgentDispositioned{"c-1", false});
  out.push_back(AgentAwaitingDisposition{"c-1"});
  out.push_back(AgentReady{"c-1"});
  out.push_back(QueueItemAdded{"q-1", "client-9", "Anna Gruber", "+43720880079", 3, 1790000000000,
                               "call after 10", R"({"tier":"gold"})", "Europe/Vienna", "agent-7"});
  out.push_back(QueueItemUpdated{"agent-8", 1, 1790000100000, true, "moved"});
  out.push_back(QueueItemStatusSet{ManualStatus::skipped, "duplicate lead"});
  out.push_back(QueueItemCancelled{"deleted by operator"});
  out.push_back(QueueItemAssigned{"agent-7", "c-1", 2});
  out.push_back(QueueItemReleased{"c-2", CallFailure::not_reserved});
  out.push_back(QueueItemCompleted{"c-1", CallOutcome::connected});
  out.push_back(QueueItemRetryScheduled{"c-3", CallOutcome::busy, 1790003600000});
  out.push_back(QueueItemFailed{"c-4", CallOutcome::no_answer, "attempts exhausted"});
  out.push_back(QueueItemDispositioned{"c-1", "agent-7", "callback", DispositionAction::callback,
                                       "after the board meeting", 1790086400000, 1790089200000,
                                       "agent-7", "aircall"});
  out.push_back(QueueItemDispositionWithdrawn{"c-1"});
  out.push_back(QueueItemCallCommented{"c-1", 24923492, "asked for the brochure"});
  out.push_back(QueueItemCallbackScheduled{"c-1", 1790086400000, "agent-7", 1790087300000,
                                           CallOutcome::connected});
  out.push_back(CallRequested{"c-1", "q-1", "agent-7", 123456, 987654, "+43720880079", 2, true});
  out.push_back(CallStartAccepted{});
  out.push_back(CallStartFailed{CallFailure::user_unavailable, "User not available"});
  out.push_back(CallCreated{812345678901, 1790000001000});
  out.push_back(CallAnswered{1790000009000});
  out.push_back(CallHungUp{1790000100000});
  out.push_back(CallEnded{812345678901,
                          1790000001000,
                          1790000009000,
                          1790000100000,
                          99,
                          CallOutcome::voicemail,
                          "agents_did_not_answer",
                          "NORMAL_CLEARING",
                          "https://example.invalid/rec.mp3",
                          {"vip", "renewal"}});
  out.push_back(CallLost{"no call.created and none in the call list"});
  out.push_back(ConfigChanged{{{"dialer.maxRetries", "5"}, {"system.name", "\"North\""}}});
  out.push_back(DoNotCallAdded{"+43720880079", "asked not to be called"});
  out.push_back(DoNotCallRemoved{"+43720880079"});
  out.push_back(NumberClaimed{"q-1"});
  out.push_back(NumberReleased{"q-1"});
  out.push_back(AircallUserClaimed{"a-1"});
  out.push_back(AircallUserReleased{"a-1"});
  out.push_back(NumberAttempted{"q-1", "c-1"});
  out.push_back(NumberMarkedWrong{"q-1", "c-1"});
  out.push_back(DispatcherRanDry{3, 12});
  out.push_back(DispatcherCallbackDue{"q-1", "agent-7", 1790086400000});
  out.push_back(WebhookReceived{"call.created", "call", 1790000001,
                                R"({"event":"call.created","data":{"id":1}})"});
  return out;
}

}  // namespace dialer::testing
