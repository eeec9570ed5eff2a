#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "events/vocabulary.hpp"

namespace dialer::projections {

// One call as the history shows it.
struct HistoryRow {
  std::string call_id;
  std::string queue_item_id;
  std::string client_id;
  std::string client_name;
  std::string metadata_json;
  std::string agent_id;
  std::string phone_number;
  std::int64_t aircall_user_id = 0;
  std::int64_t number_id = 0;
  std::int64_t aircall_call_id = 0;
  std::uint32_t attempt = 0;
  std::int64_t requested_at_ms = 0;
  std::int64_t started_at_ms = 0;
  std::optional<std::int64_t> answered_at_ms;
  std::int64_t ended_at_ms = 0;
  std::int64_t duration_seconds = 0;
  std::string status = "in-progress";  // completed, voicemail, no-answer, busy, failed
  std::optional<events::CallOutcome> outcome;
  std::string missed_call_reason;
  std::string hangup_cause;
  std::string recording_url;
  std::string failure;
  std::vector<std::string> tags;
  // The agent's latest disposition of the call, their notes, and a callback's time.
  std::string disposition;
  std::string notes;
  std::optional<std::int64_t> callback_at_ms;
  std::vector<std::string> comments;  // Aircall's comments on the call, in their order

  bool final() const { return status != "in-progress"; }
  // Aircall created the call: it was dialled, whatever became of it.
  bool started() const { return aircall_call_id != 0 || started_at_ms != 0; }
  // Ringing: from the start until answered, or until the end when nobody answered.
  std::int64_t wait_seconds() const;
  std::int64_t talk_seconds() const;

  static void describe(auto& self, auto&& field) {
    field("callId", self.call_id);
    field("queueItemId", self.queue_item_id);
    field("clientId", self.client_id);
    field("clientName", self.client_name);
    field("metadata", self.metadata_json);
    field("agent", self.agent_id);
    field("phoneNumber", self.phone_number);
    field("aircallUserId", self.aircall_user_id);
    field("numberId", self.number_id);
    field("aircallCallId", self.aircall_call_id);
    field("attempt", self.attempt);
    field("requestedAt", self.requested_at_ms);
    field("startTime", self.started_at_ms);
    field("answeredAt", self.answered_at_ms);
    field("endTime", self.ended_at_ms);
    field("duration", self.duration_seconds);
    field("status", self.status);
    field("outcome", self.outcome);
    field("missedCallReason", self.missed_call_reason);
    field("hangupCause", self.hangup_cause);
    field("recordingUrl", self.recording_url);
    field("failure", self.failure);
    field("tags", self.tags);
    field("disposition", self.disposition);
    field("notes", self.notes);
    field("callbackAt", self.callback_at_ms);
    field("comments", self.comments);
  }
  bool operator==(const HistoryRow&) const = default;
  // The agent's notes, then Aircall's comments, one a line.
  std::string all_notes() const;
};

// The calls of one agent in one hour (the hour they were requested in), summed.
struct StatsBucket {
  std::uint64_t rows = 0;      // attempts finished, a start Aircall refused included
  std::uint64_t dialled = 0;   // calls Aircall started, counted from their start
  std::uint64_t ended = 0;     // of those, the ones that have ended
  std::uint64_t answered = 0;  // of those, answered by anyone or anything, voicemail included
  std::map<std::string, std::uint64_t> by_status;
  std::int64_t duration_seconds = 0;  // of the ended calls, Aircall's duration (with ringing)
  std::int64_t talk_seconds = 0;
  std::int64_t wait_seconds = 0;
  std::map<std::string, std::uint64_t> missed_by_reason;
  std::map<std::uint32_t, std::uint64_t> talk_histogram;  // see talk_bucket()
  std::map<std::string, std::uint64_t> by_disposition;

  // Adds (sign 1) or removes (sign -1) one finished attempt.
  void add(const HistoryRow& row, int sign);
  // Counts (sign 1) or uncounts (sign -1) a call Aircall started.
  void add_started(int sign) { dialled += sign; }
  void merge(const StatsBucket& other);
  bool empty() const { return rows == 0 && dialled == 0; }

  static void describe(auto& self, auto&& field) {
    field("rows", self.rows);
    field("dialled", self.dialled);
    field("ended", self.ended);
    field("answered", self.answered);
    field("byStatus", self.by_status);
    field("durationSeconds", self.duration_seconds);
    field("talkSeconds", self.talk_seconds);
    field("waitSeconds", self.wait_seconds);
    field("missedByReason", self.missed_by_reason);
    field("talkHistogram", self.talk_histogram);
    field("byDisposition", self.by_disposition);
  }
  bool operator==(const StatsBucket&) const = default;
};

// Talk-time histogram buckets: whole seconds to 2 minutes, 10 s to 30 minutes, then
// minutes; the p90 read from it is exact to its bucket's width.
std::uint32_t talk_bucket(std::int64_t seconds);
std::int64_t talk_bucket_upper(std::uint32_t bucket);

}  // namespace dialer::projections
