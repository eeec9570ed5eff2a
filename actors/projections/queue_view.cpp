#include "actors/projections/queue_view.hpp"

#include "events/codec.hpp"
#include "events/fields.hpp"
#include "storage/keys.hpp"

namespace dialer::projections {
namespace {

constexpr std::string_view kStreamPrefix = "queue-";
constexpr std::string_view kAll = "*";

// Priority first (lower is sooner), then the scheduled time (unscheduled first), then the
// order items were added in.
std::string order_of(const domain::QueueItemState& item) {
  auto priority = static_cast<std::uint64_t>(static_cast<std::int64_t>(item.details.priority) -
                                             std::numeric_limits<std::int32_t>::min());
  return storage::keys::be64(priority) +
         storage::keys::be64(
             static_cast<std::uint64_t>(item.details.scheduled_for_ms.value_or(0))) +
         storage::keys::be64(static_cast<std::uint64_t>(item.created_at_ms));
}

bool listed(const domain::QueueItemState& item) {
  return item.exists && item.status != domain::ItemStatus::cancelled;
}

// The listings an item appears in: by every owner and status, and by its own.
std::vector<std::pair<std::string, std::string>> scopes(const domain::QueueItemState& item) {
  std::string status{to_string(item.status)};
  std::vector<std::pair<std::string, std::string>> out{{std::string{kAll}, std::string{kAll}},
                                                       {std::string{kAll}, status}};
  if (auto owner = owner_of(item); !owner.empty()) {
    out.emplace_back(owner, std::string{kAll});
    out.emplace_back(owner, status);
  }
  return out;
}

void bump(KvWriter& kv, const std::string& k, std::int64_t by) {
  auto text = kv.get(k);
  auto count = (text ? std::stoll(*text) : 0) + by;
  if (count == 0) {
    kv.erase(k);
  } else {
    kv.put(k, std::to_string(count));
  }
}

void unlist(KvWriter& kv, const domain::QueueItemState& item, const std::string& id) {
  if (!listed(item)) return;
  auto order = order_of(item);
  for (const auto& [owner, status] : scopes(item)) {
    kv.erase(key({"ql", owner, status, order, id}));
    bump(kv, key({"qc", owner, status}), -1);
  }
}

void list(KvWriter& kv, const domain::QueueItemState& item, const std::string& id) {
  if (!listed(item)) return;
  auto order = order_of(item);
  for (const auto& [owner, status] : scopes(item)) {
    kv.put(key({"ql", owner, status, order, id}), "");
    bump(kv, key({"qc", owner, status}), 1);
  }
}

}  // namespace

bool is_queue_stream(std::string_view stream) {
  return stream.starts_with(kStreamPrefix);
}

std::string owner_of(const domain::QueueItemState& item) {
  if (!item.details.assigned_to.empty()) return item.details.assigned_to;
  return item.status == domain::ItemStatus::in_progress ? item.agent_id : std::string{};
}

void apply_queue(KvWriter& kv, std::string_view stream, std::int64_t recorded_at_ms,
                 const events::Event& event) {
  if (!is_queue_stream(stream)) return;
  std::string id{stream.substr(kStreamPrefix.size())};
  auto record_key = key({"qr", id});
  auto before = queue_item(kv, id).value_or(domain::QueueItemState{});
  auto after = domain::evolve(before, event, recorded_at_ms);
  if (after == before) return;
  unlist(kv, before, id);
  list(kv, after, id);
  if (listed(after)) {
    kv.put(record_key, events::encode_fields(after));
  } else {
    kv.erase(record_key);
  }
}

Status apply_queue(KvWriter& kv, const storage::Envelope& envelope) {
  if (!is_queue_stream(envelope.stream)) return Done{};
  auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
  if (!event) return event.error();
  apply_queue(kv, envelope.stream, envelope.recorded_at_ms, *event);
  return Done{};
}

std::optional<domain::QueueItemState> queue_item(const KvReader& kv, std::string_view item_id) {
  auto bytes = kv.get(key({"qr", item_id}));
  domain::QueueItemState item;
  if (!bytes || !events::decode_fields(*bytes, item)) return std::nullopt;
  return item;
}

QueuePage query_queue(const KvReader& kv, const QueueQuery& q) {
  auto owner = q.owner.empty() ? kAll : std::string_view{q.owner};
  auto status = q.status.empty() ? kAll : std::string_view{q.status};
  QueuePage page;
  if (auto count = kv.get(key({"qc", owner, status}))) page.total = std::stoull(*count);
  // A page of none is the count alone: no iterator to open.
  if (q.page.limit == 0 && q.page.skip == 0) return page;
  auto prefix = key({"ql", owner, status, ""});
  // A cursor is the last key of the previous page: the scan starts just after it.
  auto start = q.page.cursor.empty() ? prefix : q.page.cursor + '\0';
  if (!q.page.cursor.starts_with(prefix)) start = prefix;
  std::size_t skipped = 0;
  std::string last_key;
  kv.scan_under(prefix, start, [&](std::string_view k, std::string_view) {
    if (skipped < q.page.skip) {
      ++skipped;
      return true;
    }
    if (page.items.size() == q.page.limit) {
      page.next_cursor = last_key;
      return false;
    }
    auto item = queue_item(kv, k.substr(k.rfind(kKeySeparator) + 1));
    if (!item) return true;
    page.items.push_back(std::move(*item));
    last_key = k;
    return true;
  });
  return page;
}

}  // namespace dialer::projections
