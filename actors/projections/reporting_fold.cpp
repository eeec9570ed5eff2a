#include "actors/projections/reporting_fold.hpp"

#include <algorithm>
#include <unordered_map>

#include "actors/domain/agent.hpp"
#include "actors/domain/queue_item.hpp"
#include "actors/projections/history_row.hpp"
#include "actors/projections/reporting_keys.hpp"
#include "events/fields.hpp"

namespace dialer::projections {
namespace {

using namespace reporting_keys;

// What the history knows of an item's client, kept from its queue.item_added.
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
  // Looked up by a view of an id: a hit allocates nothing.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  template <class T>
  using Map = std::unordered_map<std::string, Slot<T>, Hash, std::equal_to<>>;

  explicit Working(KvWriter& store) : kv(store) {}

  template <class T, class Load>
  static Slot<T>& slot(Map<T>& map, std::string_view id, Load&& load) {
    auto found = map.find(id);
    if (found == map.end()) found = map.emplace(std::string{id}, Slot<T>{load(), false}).first;
    return found->second;
  }
  Slot<std::optional<HistoryRow>>& row(std::string_view call_id) {
    return slot(rows, call_id, [&] { return read<HistoryRow>(kv, key({"r", call_id})); });
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
    bool items = kind == "items";
    auto& current = slot(items ? item_statuses : agent_statuses, id, [&] {
      return kv.get(key({items ? "is" : "as", id})).value_or(std::string{});
    });
    if (current.value == status) return;
    if (!current.value.empty()) bump(key({"rc", kind, current.value}), -1);
    bump(key({"rc", kind, status}), 1);
    current.value = status;
    current.dirty = true;
  }

  void flush() {
    for (auto& [call_id, row] : rows) {
      if (!row.dirty) continue;
      if (row.value) {
        kv.put(key({"r", call_id}), events::encode_fields(*row.value));
      } else {
        kv.erase(key({"r", call_id}));
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
    for (auto [prefix, map] : {std::pair{"is", &item_statuses}, std::pair{"as", &agent_statuses}}) {
      for (auto& [id, status] : *map) {
        if (status.dirty) kv.put(key({prefix, id}), status.value);
      }
      map->clear();
    }
    rows.clear();
    buckets.clear();
    counts.clear();
  }

  KvWriter& kv;
  Map<std::optional<HistoryRow>> rows;  // by call id
  Map<StatsBucket> buckets;             // by key
  Map<std::int64_t> counts;             // by key
  Map<std::string> item_statuses;       // by item id
  Map<std::string> agent_statuses;      // by agent id
};

namespace {

using Working = ReportingFold::Working;

std::vector<std::string> index_keys(const HistoryRow& row, std::string_view status) {
  auto when = newest_first(row.requested_at_ms);
  return {key({"t", when, row.call_id}), key({"ta", row.agent_id, when, row.call_id}),
          key({"ts", status, when, row.call_id}), key({"tc", row.client_id, when, row.call_id})};
}

std::string bucket_key(const HistoryRow& row) {
  return key({"s", ascending(hour_of(row.requested_at_ms)), row.agent_id});
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

// Changes the row in place as the event says; true when anything changed. A row closed
// before Aircall was asked is removed, and handed back in `removed`.
struct RowChange {
  Working& w;
  std::optional<HistoryRow>& row;
  std::optional<HistoryRow>& removed;
  std::int64_t at_ms;

  bool operator()(const events::CallRequested& e) const {
    if (row) return false;
    HistoryRow fresh;
    fresh.call_id = e.call_id;
    fresh.queue_item_id = e.queue_item_id;
    fresh.agent_id = e.agent_id;
    fresh.phone_number = e.phone_number;
    fresh.aircall_user_id = e.aircall_user_id;
    fresh.number_id = e.number_id;
    fresh.attempt = e.attempt;
    fresh.requested_at_ms = at_ms;
    if (auto item = read<ItemInfo>(w.kv, key({"i", e.queue_item_id}))) {
      fresh.client_id = std::move(item->client_id);
      fresh.client_name = std::move(item->name);
      fresh.metadata_json = std::move(item->metadata_json);
    }
    row = std::move(fresh);
    return true;
  }
  bool operator()(const events::CallStartFailed& e) const {
    if (!row) return false;
    // Closed before Aircall was ever asked: no call took place.
    if (e.code == events::CallFailure::not_reserved) {
      removed = std::move(row);
      row.reset();
      return true;
    }
    auto failure = std::string{to_string(e.code)};
    if (row->status == "failed" && row->failure == failure) return false;
    row->status = "failed";
    row->failure = std::move(failure);
    return true;
  }
  bool operator()(const events::CallCreated& e) const {
    if (row && e.aircall_call_id != 0) {
      w.kv.put(key({"ac", std::to_string(e.aircall_call_id)}), row->call_id);
    }
    if (!row ||
        (row->aircall_call_id == e.aircall_call_id && row->started_at_ms == e.started_at_ms))
      return false;
    row->aircall_call_id = e.aircall_call_id;
    row->started_at_ms = e.started_at_ms;
    return true;
  }
  bool operator()(const events::CallAnswered& e) const {
    if (!row || row->answered_at_ms) return false;
    row->answered_at_ms = e.answered_at_ms;
    return true;
  }
  bool operator()(const events::CallEnded& e) const {
    if (!row) return false;
    row->aircall_call_id = e.aircall_call_id;
    if (e.started_at_ms != 0) row->started_at_ms = e.started_at_ms;
    if (e.answered_at_ms && !row->answered_at_ms) row->answered_at_ms = e.answered_at_ms;
    row->ended_at_ms = e.ended_at_ms;
    row->duration_seconds = e.duration_seconds;
    row->outcome = e.outcome;
    row->status = status_of(e.outcome);
    row->missed_call_reason = e.missed_call_reason;
    row->hangup_cause = e.hangup_cause;
    row->recording_url = e.recording_url;
    row->tags = e.tags;
    return true;
  }
  bool operator()(const events::QueueItemDispositioned& e) const {
    if (!row) return false;
    if (row->disposition == e.disposition && row->notes == e.notes &&
        row->callback_at_ms == e.callback_at_ms)
      return false;
    row->disposition = e.disposition;
    row->notes = e.notes;
    row->callback_at_ms = e.callback_at_ms;
    return true;
  }
  bool operator()(const events::QueueItemDispositionWithdrawn&) const {
    if (!row || row->disposition.empty()) return false;
    row->disposition.clear();
    return true;
  }
  bool operator()(const events::QueueItemCallCommented& e) const {
    if (!row) return false;
    row->comments.push_back(e.text);
    return true;
  }
  bool operator()(const events::CallLost&) const {
    auto failure = std::string{to_string(events::CallFailure::lost)};
    if (!row || (row->status == "failed" && row->failure == failure)) return false;
    row->status = "failed";
    row->failure = std::move(failure);
    return true;
  }
  bool operator()(const auto&) const { return false; }
};

void apply_call(Working& w, std::string_view call_id, const events::Event& event,
                std::int64_t at_ms) {
  auto& slot = w.row(call_id);
  auto& row = slot.value;
  // What the indexes and stats need of the row as it was; a whole copy only when it was
  // already counted in the stats, which events after a call's end make rare.
  bool existed = row.has_value();
  bool was_final = existed && row->final();
  bool old_started = existed && row->started();
  std::string old_status = existed ? row->status : std::string{};
  std::optional<HistoryRow> counted = was_final ? row : std::nullopt;
  std::optional<HistoryRow> removed;
  if (!std::visit(RowChange{w, row, removed, at_ms}, event)) return;
  slot.dirty = true;

  // Index entries hold the row's time, agent, client, id and status; only the status
  // changes, so most updates leave them be.
  if (!existed || !row || old_status != row->status) {
    const HistoryRow* before = removed ? &*removed : (existed ? &*row : nullptr);
    auto old_keys = before ? index_keys(*before, old_status) : std::vector<std::string>{};
    auto new_keys = row ? index_keys(*row, row->status) : std::vector<std::string>{};
    for (const auto& k : old_keys) {
      if (std::find(new_keys.begin(), new_keys.end(), k) == new_keys.end()) w.kv.erase(k);
    }
    for (const auto& k : new_keys) {
      if (std::find(old_keys.begin(), old_keys.end(), k) == old_keys.end()) w.kv.put(k, "");
    }
  }
  bool was_open = existed && !was_final;
  bool is_open = row && !row->final();
  if (was_open != is_open) w.bump(key({"rc", "calls", "in-progress"}), is_open ? 1 : -1);
  // Finished calls count in their agent's hour; a change to one is taken out and put back.
  auto count = [&](const HistoryRow& counted_row, int sign) {
    auto& bucket = w.bucket(bucket_key(counted_row));
    bucket.value.add(counted_row, sign);
    bucket.dirty = true;
  };
  if (counted) count(*counted, -1);
  if (row && row->final()) count(*row, 1);
  // A call counts as dialled from the moment Aircall started it, ended or not.
  bool was_started = existed && (removed ? removed->started() : old_started);
  bool is_started = row && row->started();
  if (was_started != is_started) {
    const auto& started_row = row ? *row : *removed;
    auto& bucket = w.bucket(bucket_key(started_row));
    bucket.value.add_started(is_started ? 1 : -1);
    bucket.dirty = true;
  }
}

}  // namespace

ReportingFold::ReportingFold(KvWriter& kv) : working_(std::make_unique<Working>(kv)) {}
ReportingFold::~ReportingFold() = default;

void ReportingFold::flush() {
  working_->flush();
}

bool ReportingFold::wants(std::string_view type) {
  return type.starts_with("call.") || type.starts_with("queue.") || type.starts_with("agent.");
}

Status ReportingFold::apply(const storage::Envelope& envelope) {
  if (!wants(envelope.type)) return ok_status();
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  if (!event) return event.error();
  apply(envelope.stream, envelope.recorded_at_ms, *event);
  return ok_status();
}

void ReportingFold::apply(std::string_view stream, std::int64_t recorded_at_ms,
                          const events::Event& event) {
  auto& w = *working_;
  if (stream.starts_with("call-")) {
    apply_call(w, stream.substr(5), event, recorded_at_ms);
  } else if (stream.starts_with("queue-")) {
    auto item_id = stream.substr(6);
    if (const auto* added = std::get_if<events::QueueItemAdded>(&event)) {
      w.kv.put(key({"i", item_id}), events::encode_fields(ItemInfo{added->client_id, added->name,
                                                                   added->metadata_json}));
    }
    if (const auto* disposed = std::get_if<events::QueueItemDispositioned>(&event)) {
      apply_call(w, disposed->call_id, event, recorded_at_ms);
    } else if (const auto* withdrawn = std::get_if<events::QueueItemDispositionWithdrawn>(&event)) {
      apply_call(w, withdrawn->call_id, event, recorded_at_ms);
    } else if (const auto* commented = std::get_if<events::QueueItemCallCommented>(&event)) {
      apply_call(w, commented->call_id, event, recorded_at_ms);
    }
    if (auto status = domain::item_status_after(event))
      w.set_status("items", item_id, std::string{to_string(*status)});
  } else if (stream.starts_with("agent-")) {
    if (auto status = domain::agent_status_after(event))
      w.set_status("agents", stream.substr(6), *status);
  }
}

Status apply(KvWriter& kv, const storage::Envelope& envelope) {
  ReportingFold fold{kv};
  auto applied = fold.apply(envelope);
  fold.flush();
  return applied;
}

}  // namespace dialer::projections
