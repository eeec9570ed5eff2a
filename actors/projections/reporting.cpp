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

}  // namespace

// What a stretch of the fold has touched, kept decoded: rows, stats buckets, counters and
// statuses are read once, changed in memory, and written once by flush().
struct ReportingFold::Working {
  template <class T>
  struct Slot {
    T value;
    bool dirty = false;
  };

  explicit Working(KvWriter& store) : kv(store) {}

  template <class T, class Load>
  static Slot<T>& slot(std::unordered_map<std::string, Slot<T>>& map, const std::string& k,
                       Load&& load) {
    auto found = map.find(k);
    if (found == map.end()) found = map.emplace(k, Slot<T>{load(), false}).first;
    return found->second;
  }
  Slot<std::optional<HistoryRow>>& row(const std::string& k) {
    return slot(rows, k, [&] { return read<HistoryRow>(kv, k); });
  }
  Slot<StatsBucket>& bucket(const std::string& k) {
    return slot(buckets, k, [&] { return read<StatsBucket>(kv, k).value_or(StatsBucket{}); });
  }
  void bump(const std::string& k, std::int64_t by) {
    auto& count = slot(counts, k, [&] { return read_count(kv, k); });
    count.value += by;
    count.dirty = true;
  }
  // A new status for an item or an agent, moving its count from the old status to the new.
  void set_status(std::string_view kind, std::string_view id, const std::string& status) {
    auto status_key = key({kind == "items" ? "is" : "as", id});
    auto& current =
        slot(statuses, status_key, [&] { return kv.get(status_key).value_or(std::string{}); });
    if (current.value == status) return;
    if (!current.value.empty()) bump(key({"rc", kind, current.value}), -1);
    bump(key({"rc", kind, status}), 1);
    current.value = status;
    current.dirty = true;
  }

  void flush() {
    for (auto& [k, row] : rows) {
      if (!row.dirty) continue;
      if (row.value) {
        kv.put(k, events::encode_fields(*row.value));
      } else {
        kv.erase(k);
      }
    }
    for (auto& [k, bucket] : buckets) {
      if (!bucket.dirty) continue;
      if (bucket.value.empty()) {
        kv.erase(k);
      } else {
        kv.put(k, events::encode_fields(bucket.value));
      }
    }
    for (auto& [k, count] : counts) {
      if (!count.dirty) continue;
      if (count.value == 0) {
        kv.erase(k);
      } else {
        kv.put(k, std::to_string(count.value));
      }
    }
    for (auto& [k, status] : statuses) {
      if (status.dirty) kv.put(k, status.value);
    }
    rows.clear();
    buckets.clear();
    counts.clear();
    statuses.clear();
  }

  KvWriter& kv;
  std::unordered_map<std::string, Slot<std::optional<HistoryRow>>> rows;
  std::unordered_map<std::string, Slot<StatsBucket>> buckets;
  std::unordered_map<std::string, Slot<std::int64_t>> counts;
  std::unordered_map<std::string, Slot<std::string>> statuses;
};

namespace {

using Working = ReportingFold::Working;

std::vector<std::string> index_keys(const HistoryRow& row) {
  auto when = newest_first(row.requested_at_ms);
  return {key({"t", when, row.call_id}), key({"ta", row.agent_id, when, row.call_id}),
          key({"ts", row.status, when, row.call_id}),
          key({"tc", row.client_id, when, row.call_id})};
}

std::string bucket_key(const HistoryRow& row) {
  return key({"s", ascending(hour_of(row.requested_at_ms)), row.agent_id});
}

// Keeps the row's indexes, stats and the open-call count in step with its change.
void save_row(Working& w, const std::optional<HistoryRow>& before,
              const std::optional<HistoryRow>& after) {
  // An index entry holds the row's time, agent, client, id and status, and only the status
  // can change: most updates leave every entry as it is.
  if (!before || !after || before->status != after->status) {
    auto old_keys = before ? index_keys(*before) : std::vector<std::string>{};
    auto new_keys = after ? index_keys(*after) : std::vector<std::string>{};
    for (const auto& k : old_keys) {
      if (std::find(new_keys.begin(), new_keys.end(), k) == new_keys.end()) w.kv.erase(k);
    }
    for (const auto& k : new_keys) {
      if (std::find(old_keys.begin(), old_keys.end(), k) == old_keys.end()) w.kv.put(k, "");
    }
  }
  bool was_open = before && !before->final();
  bool is_open = after && !after->final();
  if (was_open != is_open) w.bump(key({"rc", "calls", "in-progress"}), is_open ? 1 : -1);
  // Finished calls count in their agent's hour; a change to one is taken out and put back.
  auto change = [&](const HistoryRow& row, int sign) {
    auto& bucket = w.bucket(bucket_key(row));
    bucket.value.add(row, sign);
    bucket.dirty = true;
  };
  if (before && before->final()) change(*before, -1);
  if (after && after->final()) change(*after, 1);
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

void apply_call(Working& w, std::string_view call_id, const events::Event& event,
                std::int64_t at_ms) {
  auto& slot = w.row(key({"r", call_id}));
  auto before = slot.value;
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
          if (auto item = read<ItemInfo>(w.kv, key({"i", e.queue_item_id}))) {
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
  if (before == after) return;
  save_row(w, before, after);
  slot.value = std::move(after);
  slot.dirty = true;
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

ReportingFold::ReportingFold(KvWriter& kv) : working_(std::make_unique<Working>(kv)) {}
ReportingFold::~ReportingFold() = default;

void ReportingFold::flush() {
  working_->flush();
}

Status ReportingFold::apply(const storage::Envelope& envelope) {
  std::string_view type = envelope.type;
  bool wanted =
      type.starts_with("call.") || type.starts_with("queue.") || type.starts_with("agent.");
  if (!wanted) return ok_status();
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  if (!event) return event.error();
  auto& w = *working_;
  std::string_view stream = envelope.stream;
  if (stream.starts_with("call-")) {
    apply_call(w, stream.substr(5), *event, envelope.recorded_at_ms);
  } else if (stream.starts_with("queue-")) {
    auto item_id = stream.substr(6);
    if (const auto* added = std::get_if<events::QueueItemAdded>(&*event)) {
      w.kv.put(key({"i", item_id}), events::encode_fields(ItemInfo{added->client_id, added->name,
                                                                   added->metadata_json}));
    }
    if (auto status = item_status_after(*event); !status.empty())
      w.set_status("items", item_id, status);
  } else if (stream.starts_with("agent-")) {
    if (auto status = agent_status_after(*event); !status.empty())
      w.set_status("agents", stream.substr(6), status);
  }
  return ok_status();
}

Status apply(KvWriter& kv, const storage::Envelope& envelope) {
  ReportingFold fold{kv};
  auto applied = fold.apply(envelope);
  fold.flush();
  return applied;
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
