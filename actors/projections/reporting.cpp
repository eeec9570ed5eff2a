#include "actors/projections/reporting.hpp"

#include <algorithm>

#include "events/codec.hpp"
#include "events/fields.hpp"
#include "storage/keys.hpp"

namespace dialer::projections {
namespace {

constexpr char kSep = '\x1f';
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

struct ItemInfo {
  std::string client_id;
  std::string name;
  std::string metadata_json;
  static void describe(auto& self, auto&& field) {
    field("clientId", self.client_id);
    field("name", self.name);
    field("metadata", self.metadata_json);
  }
};

std::string key(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto part : parts) {
    if (!out.empty()) out.push_back(kSep);
    out.append(part);
  }
  return out;
}

std::string newest_first(std::int64_t ms) {
  return storage::keys::be64(UINT64_MAX - static_cast<std::uint64_t>(ms));
}
std::string ascending(std::int64_t ms) {
  return storage::keys::be64(static_cast<std::uint64_t>(ms));
}
std::int64_t hour_of(std::int64_t ms) {
  return ms - (ms % kHourMs + kHourMs) % kHourMs;
}

template <class T>
std::optional<T> read(const KvReader& kv, std::string_view k) {
  auto bytes = kv.get(k);
  T value{};
  if (!bytes || !events::decode_fields(*bytes, value)) return std::nullopt;
  return value;
}

std::int64_t read_count(const KvReader& kv, std::string_view k) {
  auto text = kv.get(k);
  return text ? std::stoll(*text) : 0;
}

void bump(KvWriter& kv, const std::string& k, std::int64_t by) {
  auto value = read_count(kv, k) + by;
  if (value == 0) {
    kv.erase(k);
  } else {
    kv.put(k, std::to_string(value));
  }
}

// A new status for an item or an agent, moving its count from the old status to the new.
void set_status(KvWriter& kv, std::string_view kind, std::string_view id,
                const std::string& status) {
  auto status_key = key({kind == "items" ? "is" : "as", id});
  auto old = kv.get(status_key);
  if (old && *old == status) return;
  if (old) bump(kv, key({"rc", kind, *old}), -1);
  bump(kv, key({"rc", kind, status}), 1);
  kv.put(status_key, status);
}

std::vector<std::string> index_keys(const HistoryRow& row) {
  auto when = newest_first(row.requested_at_ms);
  return {key({"t", when, row.call_id}), key({"ta", row.agent_id, when, row.call_id}),
          key({"ts", row.status, when, row.call_id}),
          key({"tc", row.client_id, when, row.call_id})};
}

std::string bucket_key(const HistoryRow& row) {
  return key({"s", ascending(hour_of(row.requested_at_ms)), row.agent_id});
}

// Stores the row and keeps its indexes, stats and the open-call count in step with it.
void save_row(KvWriter& kv, const std::optional<HistoryRow>& before,
              const std::optional<HistoryRow>& after) {
  if (before) {
    for (auto& k : index_keys(*before)) kv.erase(std::move(k));
  }
  if (after) {
    for (auto& k : index_keys(*after)) kv.put(std::move(k), "");
    kv.put(key({"r", after->call_id}), events::encode_fields(*after));
  } else if (before) {
    kv.erase(key({"r", before->call_id}));
  }
  bool was_open = before && !before->final();
  bool is_open = after && !after->final();
  if (was_open != is_open) bump(kv, key({"rc", "calls", "in-progress"}), is_open ? 1 : -1);
  bool was_counted = before && before->final();
  bool is_counted = after && after->final();
  if (!was_counted && !is_counted) return;
  // Finished calls count in their agent's hour; a change to one is taken out and put back.
  auto change = [&](const HistoryRow& row, int sign) {
    auto k = bucket_key(row);
    auto bucket = read<StatsBucket>(kv, k).value_or(StatsBucket{});
    bucket.add(row, sign);
    if (bucket.empty()) {
      kv.erase(k);
    } else {
      kv.put(k, events::encode_fields(bucket));
    }
  };
  if (was_counted) change(*before, -1);
  if (is_counted) change(*after, 1);
}

std::string status_of(events::CallOutcome outcome) {
  switch (outcome) {
    case events::CallOutcome::connected:
      return "completed";
    case events::CallOutcome::voicemail:
      return "voicemail";
    case events::CallOutcome::no_answer:
      return "no-answer";
    case events::CallOutcome::busy:
      return "busy";
    case events::CallOutcome::wrong_number:
    case events::CallOutcome::error:
      return "failed";
  }
  return "failed";
}

std::string item_status_after(const events::Event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::QueueItemAdded> ||
                      std::is_same_v<T, events::QueueItemReleased> ||
                      std::is_same_v<T, events::QueueItemRetryScheduled>) {
          return "pending";
        } else if constexpr (std::is_same_v<T, events::QueueItemAssigned>) {
          return "in-progress";
        } else if constexpr (std::is_same_v<T, events::QueueItemCompleted>) {
          return "completed";
        } else if constexpr (std::is_same_v<T, events::QueueItemFailed>) {
          return "failed";
        } else if constexpr (std::is_same_v<T, events::QueueItemCancelled>) {
          return "cancelled";
        } else if constexpr (std::is_same_v<T, events::QueueItemStatusSet>) {
          return std::string{events::to_string(e.status)};
        } else {
          return "";
        }
      },
      event);
}

std::string agent_status_after(const events::Event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::AgentStarted> ||
                      std::is_same_v<T, events::AgentCallEnded> ||
                      std::is_same_v<T, events::AgentReleased>) {
          return "available";
        } else if constexpr (std::is_same_v<T, events::AgentPaused>) {
          return e.reason;
        } else if constexpr (std::is_same_v<T, events::AgentStopped>) {
          return "offline";
        } else if constexpr (std::is_same_v<T, events::AgentReserved>) {
          return "dialing";
        } else if constexpr (std::is_same_v<T, events::AgentCallAnswered>) {
          return "in-call";
        } else {
          return "";
        }
      },
      event);
}

void apply_call(KvWriter& kv, std::string_view call_id, const events::Event& event,
                std::int64_t at_ms) {
  auto row_key = key({"r", call_id});
  auto before = read<HistoryRow>(kv, row_key);
  std::optional<HistoryRow> after = before;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, events::CallRequested>) {
          HistoryRow row;
          row.call_id = e.call_id;
          row.queue_item_id = e.queue_item_id;
          row.agent_id = e.agent_id;
          row.phone_number = e.phone_number;
          row.aircall_user_id = e.aircall_user_id;
          row.number_id = e.number_id;
          row.attempt = e.attempt;
          row.requested_at_ms = at_ms;
          if (auto item = read<ItemInfo>(kv, key({"i", e.queue_item_id}))) {
            row.client_id = item->client_id;
            row.client_name = item->name;
            row.metadata_json = item->metadata_json;
          }
          after = std::move(row);
        } else if constexpr (std::is_same_v<T, events::CallStartFailed>) {
          if (!after) return;
          if (e.code == "not_reserved") {
            after.reset();  // closed before Aircall was ever asked: no call took place
            return;
          }
          after->status = "failed";
          after->failure = e.code;
        } else if constexpr (std::is_same_v<T, events::CallCreated>) {
          if (!after) return;
          after->aircall_call_id = e.aircall_call_id;
          after->started_at_ms = e.started_at_ms;
        } else if constexpr (std::is_same_v<T, events::CallAnswered>) {
          if (after && !after->answered_at_ms) after->answered_at_ms = e.answered_at_ms;
        } else if constexpr (std::is_same_v<T, events::CallEnded>) {
          if (!after) return;
          after->aircall_call_id = e.aircall_call_id;
          if (e.started_at_ms != 0) after->started_at_ms = e.started_at_ms;
          if (e.answered_at_ms && !after->answered_at_ms) after->answered_at_ms = e.answered_at_ms;
          after->ended_at_ms = e.ended_at_ms;
          after->duration_seconds = e.duration_seconds;
          after->outcome = e.outcome;
          after->status = status_of(e.outcome);
          after->missed_call_reason = e.missed_call_reason;
          after->hangup_cause = e.hangup_cause;
          after->recording_url = e.recording_url;
          after->tags = e.tags;
        } else if constexpr (std::is_same_v<T, events::CallLost>) {
          if (!after) return;
          after->status = "failed";
          after->failure = "lost";
        }
      },
      event);
  if (before != after) save_row(kv, before, after);
}

StatsReport realtime_only(const KvReader& kv) {
  StatsReport report;
  auto prefix = key({"rc", ""});
  kv.scan(prefix, [&](std::string_view k, std::string_view v) {
    if (!k.starts_with(prefix)) return false;
    auto rest = k.substr(prefix.size());
    auto split = rest.find(kSep);
    auto kind = rest.substr(0, split);
    auto status = std::string{rest.substr(split + 1)};
    auto count = std::stoll(std::string{v});
    if (kind == "items") report.realtime.items_by_status[status] = count;
    if (kind == "agents") report.realtime.agents_by_status[status] = count;
    if (kind == "calls") report.realtime.calls_in_progress = count;
    return true;
  });
  return report;
}

void add_to_report(StatsReport& report, const std::string& agent, std::int64_t hour,
                   const StatsBucket& bucket) {
  report.total.merge(bucket);
  report.by_agent[agent].merge(bucket);
  report.by_hour[hour].merge(bucket);
  report.by_day[hour - (hour % kDayMs + kDayMs) % kDayMs].merge(bucket);
}

}  // namespace

Status apply(KvWriter& kv, const storage::Envelope& envelope) {
  std::string_view type = envelope.type;
  bool wanted =
      type.starts_with("call.") || type.starts_with("queue.") || type.starts_with("agent.");
  if (!wanted) return ok_status();
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  if (!event) return event.error();
  std::string_view stream = envelope.stream;
  if (stream.starts_with("call-")) {
    apply_call(kv, stream.substr(5), *event, envelope.recorded_at_ms);
  } else if (stream.starts_with("queue-")) {
    auto item_id = stream.substr(6);
    if (const auto* added = std::get_if<events::QueueItemAdded>(&*event)) {
      kv.put(key({"i", item_id}),
             events::encode_fields(ItemInfo{added->client_id, added->name, added->metadata_json}));
    }
    if (auto status = item_status_after(*event); !status.empty())
      set_status(kv, "items", item_id, status);
  } else if (stream.starts_with("agent-")) {
    if (auto status = agent_status_after(*event); !status.empty())
      set_status(kv, "agents", stream.substr(6), status);
  }
  return ok_status();
}

HistoryPage query_history(const KvReader& kv, const HistoryQuery& q) {
  // The most selective index the query allows; the other filters apply to its rows.
  std::string prefix;
  if (!q.client.empty()) {
    prefix = key({"tc", q.client, ""});
  } else if (!q.agent.empty()) {
    prefix = key({"ta", q.agent, ""});
  } else if (!q.status.empty()) {
    prefix = key({"ts", q.status, ""});
  } else {
    prefix = key({"t", ""});
  }
  // Newest first: `to` (exclusive) is where the scan starts, `from` where it ends.
  auto start = q.to_ms ? prefix + newest_first(*q.to_ms - 1) : prefix;
  auto stop = q.from_ms ? prefix + newest_first(*q.from_ms) : std::string{};

  HistoryPage page;
  std::size_t skipped = 0;
  bool past_cursor = q.cursor.empty();
  std::string last_key;
  kv.scan(start, [&](std::string_view k, std::string_view) {
    if (!k.starts_with(prefix)) return false;
    if (!stop.empty() && k.substr(0, stop.size()) > stop) return false;
    auto call_id = k.substr(k.rfind(kSep) + 1);
    auto row = read<HistoryRow>(kv, key({"r", call_id}));
    if (!row) return true;
    if ((!q.agent.empty() && row->agent_id != q.agent) ||
        (!q.status.empty() && row->status != q.status) ||
        (!q.client.empty() && row->client_id != q.client)) {
      return true;
    }
    ++page.total;
    if (!past_cursor) {
      past_cursor = k == q.cursor;
      return true;
    }
    if (skipped < q.skip) {
      ++skipped;
      return true;
    }
    if (page.rows.size() < q.limit) {
      page.rows.push_back(std::move(*row));
      last_key = k;
    } else if (page.next_cursor.empty()) {
      page.next_cursor = last_key;
    }
    return true;
  });
  return page;
}

StatsReport query_stats(const KvReader& kv, const StatsQuery& q) {
  auto report = realtime_only(kv);
  auto prefix = key({"s", ""});
  auto start = prefix + ascending(q.from_ms ? hour_of(*q.from_ms) : 0);
  kv.scan(start, [&](std::string_view k, std::string_view v) {
    if (!k.starts_with(prefix)) return false;
    std::uint64_t hour = 0;
    storage::keys::read_be64(k.substr(prefix.size(), 8), hour);
    if (q.to_ms && static_cast<std::int64_t>(hour) >= *q.to_ms) return false;
    auto agent = std::string{k.substr(prefix.size() + 9)};
    if (!q.agent.empty() && agent != q.agent) return true;
    StatsBucket bucket;
    if (!events::decode_fields(v, bucket)) return true;
    add_to_report(report, agent, static_cast<std::int64_t>(hour), bucket);
    return true;
  });
  return report;
}

StatsReport stats_from_history(const KvReader& kv, const StatsQuery& q) {
  auto report = realtime_only(kv);
  auto prefix = key({"r", ""});
  kv.scan(prefix, [&](std::string_view k, std::string_view v) {
    if (!k.starts_with(prefix)) return false;
    HistoryRow row;
    if (!events::decode_fields(v, row) || !row.final()) return true;
    auto hour = hour_of(row.requested_at_ms);
    if ((q.from_ms && hour < hour_of(*q.from_ms)) || (q.to_ms && hour >= *q.to_ms) ||
        (!q.agent.empty() && row.agent_id != q.agent)) {
      return true;
    }
    StatsBucket one;
    one.add(row, 1);
    add_to_report(report, row.agent_id, hour, one);
    return true;
  });
  return report;
}

}  // namespace dialer::projections
