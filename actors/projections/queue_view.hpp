#pragma once

// The queue as the REST API lists it: every item's state, folded from the log with the
// same evolve the item actors use, indexed by owner and status in priority order.
//
// Keys (US = \x1f), beside the reporting projection's in the same view:
//   qr US item                               the item's state
//   ql US owner US status US order US item   the listing; owner and status may be "*"
//   qc US owner US status                    how many items the listing holds

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "actors/domain/queue_item.hpp"
#include "actors/projections/kv.hpp"
#include "actors/projections/paging.hpp"
#include "storage/event_store.hpp"

namespace dialer::projections {

// Folds one event; events of other streams are ignored.
Status apply_queue(KvWriter& kv, const storage::Envelope& envelope);
void apply_queue(KvWriter& kv, std::string_view stream, std::int64_t recorded_at_ms,
                 const events::Event& event);

// Whether events of this stream change the queue view.
bool is_queue_stream(std::string_view stream);

// The agent an item belongs to: its pinned agent, else the one dialling it.
std::string owner_of(const domain::QueueItemState& item);

struct QueueQuery {
  std::string owner{};   // empty: every item
  std::string status{};  // empty: every status
  PageRequest page{};
};

struct QueuePage {
  std::uint64_t total = 0;
  std::vector<domain::QueueItemState> items;
  std::string next_cursor;  // empty on the last page
};

QueuePage query_queue(const KvReader& kv, const QueueQuery& query);
std::optional<domain::QueueItemState> queue_item(const KvReader& kv, std::string_view item_id);

}  // namespace dialer::projections
