#pragma once

// What the dispatcher knows and decides, without CAF: the free agents, the pending items
// (ready now, or waiting for their time, their calling window or the business hours), the
// company's API budget and each agent's pace. `take_matches` pairs them the moment both
// exist, honouring priority then due time, pinned agents, the calling rules and the
// do-not-call list.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "actors/dispatch/rate_window.hpp"
#include "actors/domain/config.hpp"
#include "actors/rules/calling_window.hpp"

namespace dialer::dispatch {

struct FreeAgent {
  std::string agent_id;
  std::int64_t aircall_user_id = 0;
  std::int64_t number_id = 0;
  std::int64_t free_at_ms = 0;  // wrap-up end; the agent waits in line from then on
  bool mock_mode = false;       // its calls go to the simulator inside dialerd
};

struct PendingItem {
  std::string item_id;
  std::int32_t priority = 10;
  std::int64_t due_ms = 0;
  std::string phone_number;
  std::string time_zone;
  std::string pinned_agent;
  std::uint32_t next_attempt = 1;
  // A callback's pin lasts until then (0: for ever); a callback goes before the ordinary
  // items of its priority.
  std::int64_t pinned_until_ms = 0;
  bool callback = false;
  bool retrying = false;  // due after a retry's backoff (not a schedule nor a callback)
};

// Why a pending item is not being dialled (the API's `waitingFor`).
enum class WaitReason {
  schedule,
  retry_backoff,
  business_hours,
  callee_window,
  holiday,
  agent,
  pinned_agent,
  company_budget,
  agent_pace,
  attempt_limit,
  do_not_call
};
std::string_view to_string(WaitReason reason);

struct WaitInfo {
  WaitReason reason = WaitReason::agent;
  std::optional<std::int64_t> eligible_at_ms;  // when it may be dialled, when that is known
};

// A callback pinned to its agent that has come due: announced once.
struct DueCallback {
  std::string item_id;
  std::string agent_id;
  std::int64_t due_ms = 0;
};

struct Match {
  FreeAgent agent;
  PendingItem item;
  // When the call may start: now, or, for an agent matched ahead of its wrap-up's or its
  // pace's end, that moment.
  std::int64_t start_at_ms = 0;
};

struct IndexStats {
  std::size_t free_agents = 0;
  std::size_t paced_agents = 0;
  std::size_t ready_items = 0;
  std::size_t waiting_items = 0;
  std::uint64_t matches = 0;
};

class DispatchIndex {
 public:
  DispatchIndex();

  void configure(const domain::DialerSettings& settings);
  // How long before an agent may call it is matched: time for the reservation to become
  // durable, so that the call starts the moment the agent may take it.
  void set_reserve_ahead(std::int64_t ms) { reserve_ahead_ms_ = ms; }
  void set_do_not_call(std::set<std::string> numbers);
  // A call made to `phone_number` at `at_ms`: counted against compliance's cap per number.
  void number_attempted(const std::string& phone_number, std::int64_t at_ms);
  // The calls a number's stream records (oldest first), for a number this index has none of:
  // one claimed after a restart, whose earlier calls the index was not told of.
  void learn_attempts(const std::string& phone_number, std::vector<std::int64_t> times_ms);

  void agent_free(FreeAgent agent);
  void agent_gone(std::string_view agent_id);  // busy, paused, stopped: no longer free

  void item_pending(PendingItem item);  // new or changed
  void item_gone(std::string_view item_id);

  // Every pairing allowed at `now_ms`; the agents and items matched leave the index.
  std::vector<Match> take_matches(std::int64_t now_ms);
  // Items found on the do-not-call list since the last call; they left the index.
  std::vector<std::string> take_refused();
  // Callbacks pinned to an agent that came due since the last call.
  std::vector<DueCallback> take_due_callbacks();
  // The agent's next callback pinned to them (the earliest due), if any.
  std::optional<DueCallback> next_callback(std::string_view agent_id) const;
  // The agents whose callbacks were added, moved or taken since the last call.
  std::vector<std::string> take_callback_changes();
  // When something may next become possible, if anything waits on time.
  std::optional<std::int64_t> next_wake() const;

  // Why the item waits at `now_ms`; nothing when the index does not hold it.
  std::optional<WaitInfo> why(std::string_view item_id, std::int64_t now_ms) const;
  IndexStats stats() const;
  // The items the index holds, by the word of why they wait at `now_ms`.
  std::map<std::string, std::size_t> waiting_for(std::int64_t now_ms) const;
  bool has_item(std::string_view item_id) const { return items_.contains(std::string{item_id}); }
  bool has_free_agent(std::string_view agent_id) const;

 private:
  struct ReadyKey {
    std::int32_t priority;
    bool ordinary;  // false for a callback: it goes first
    std::int64_t due_ms;
    std::uint64_t order;
    auto operator<=>(const ReadyKey&) const = default;
  };
  enum class Where { ready, waiting };
  struct ItemSlot {
    PendingItem item;
    std::string zone_key;  // the item's zone, or its number's country
    std::uint64_t order = 0;
    Where where = Where::waiting;
    std::int64_t wake_ms = 0;  // while waiting
    bool capped = false;       // waiting: the number's attempts reached the cap
    bool no_window = false;    // waiting: the rules leave it no time to ring; looked at again
    bool announced = false;    // a pinned callback whose coming due was announced
  };
  // A free agent waits in the line, or aside until its wrap-up or pace allows a call
  // (less the reservation's head start).
  struct AgentSlot {
    FreeAgent agent;
    bool in_line = false;
    std::int64_t key_ms = 0;       // free since (in line), or may call from (aside)
    std::int64_t may_call_ms = 0;  // in line: when its wrap-up and pace allow a call
    bool paced = false;            // aside for its pace, not its wrap-up
  };
  using ReadySet = std::map<ReadyKey, std::string>;

  static ReadyKey ready_key(const ItemSlot& slot);
  void place(ItemSlot& slot, std::int64_t now_ms);
  void unpin_expired(std::int64_t now_ms);
  // Keeps callbacks_by_agent_ in step with an item as it enters and leaves the index.
  void note_callback(const ItemSlot& slot);
  void forget_callback(const ItemSlot& slot);
  void unplace(const ItemSlot& slot);
  void wake_items(std::int64_t now_ms);
  void wake_agents(std::int64_t now_ms);
  // When the item may be rung, at or after now; nothing if never.
  std::optional<std::int64_t> dialable_from(const std::string& zone_key, std::int64_t now_ms);
  const std::vector<const date::time_zone*>& zones_for(const std::string& zone_key);
  std::string zone_key_of(const PendingItem& item);
  void set_aside(AgentSlot& slot, std::int64_t until_ms);
  // When the number's attempts within the window leave room for one more, if they do not now.
  std::optional<std::int64_t> capped_until(const std::string& phone_number, std::int64_t at_ms);
  WaitInfo why(const ItemSlot& slot, std::int64_t now_ms) const;
  bool try_match(const std::string& agent_id, ReadySet& ready, std::int64_t now_ms,
                 std::vector<Match>& out);

  domain::DialerSettings settings_;
  std::int64_t reserve_ahead_ms_ = 0;
  rules::BusinessHours business_;
  rules::DailyWindow callee_window_;
  std::set<std::string> do_not_call_;

  std::unordered_map<std::string, AgentSlot> agents_;
  std::set<std::pair<std::int64_t, std::string>> free_line_;  // (free since, agent)
  std::set<std::pair<std::int64_t, std::string>> aside_;      // (may call from, agent)
  std::unordered_map<std::string, RateWindow> agent_pace_;
  RateWindow company_budget_;
  std::unordered_map<std::string, std::vector<std::int64_t>> attempts_;  // per number, oldest first

  std::unordered_map<std::string, ItemSlot> items_;
  ReadySet ready_open_;
  std::unordered_map<std::string, ReadySet> ready_pinned_;
  std::set<std::tuple<std::int64_t, std::uint64_t, std::string>> waiting_;
  std::set<std::pair<std::int64_t, std::string>> pin_expiry_;  // ready callbacks' pins
  std::vector<std::string> refused_;
  std::vector<DueCallback> due_callbacks_;
  // Pinned callbacks by agent: (due, item), earliest first.
  std::unordered_map<std::string, std::set<std::pair<std::int64_t, std::string>>>
      callbacks_by_agent_;
  std::set<std::string> callback_changes_;
  std::uint64_t next_order_ = 0;
  std::uint64_t matches_ = 0;
  std::optional<std::int64_t> budget_wake_;
  std::optional<std::int64_t> business_wake_;

  // Calling-rule caches: zones per zone key, and for closed windows the time they reopen.
  std::unordered_map<std::string, std::vector<const date::time_zone*>> zone_cache_;
  std::unordered_map<std::string, std::string> region_cache_;  // number prefix -> country
  std::unordered_map<std::string, std::pair<std::int64_t, std::optional<std::int64_t>>>
      reopen_cache_;
};

}  // namespace dialer::dispatch
