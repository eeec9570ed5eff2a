#include "actors/dispatch/dispatch_index.hpp"

#include <algorithm>
#include <array>

#include "actors/rules/phone.hpp"

namespace dialer::dispatch {
namespace {

constexpr std::int64_t kRecheckNeverMs = 24LL * 60 * 60'000;
// Enough of an E.164 number to fix its country: +1 650…, +44 1481… (Guernsey).
constexpr std::size_t kRegionPrefix = 7;

constexpr std::array<std::string_view, 11> kReasonWords{
    "schedule",     "retry-backoff",  "business-hours", "callee-window", "holiday",    "agent",
    "pinned-agent", "company-budget", "agent-pace",     "attempt-limit", "do-not-call"};

}  // namespace

std::string_view to_string(WaitReason reason) {
  return kReasonWords[static_cast<std::size_t>(reason)];
}

DispatchIndex::DispatchIndex() {
  configure(domain::DialerSettings{});
}

void DispatchIndex::configure(const domain::DialerSettings& settings) {
  settings_ = settings;
  company_budget_.set_limit(settings.requests_per_minute);
  for (auto& [agent, pace] : agent_pace_) pace.set_limit(settings.call_rate_limit_per_minute);
  auto zone = rules::find_zone(settings.time_zone);
  business_.zone = zone ? *zone : *rules::find_zone("UTC");
  business_.hours = {settings.business_start_minute, settings.business_end_minute};
  business_.days = settings.business_days;
  business_.holidays = settings.holidays;
  callee_window_ = {settings.callee_start_minute, settings.callee_end_minute};
  reopen_cache_.clear();
  business_wake_.reset();
  // Waiting items are looked at again under the new rules.
  decltype(waiting_) waiting;
  waiting.swap(waiting_);
  for (const auto& [wake, order, id] : waiting) {
    auto& slot = items_.at(id);
    slot.wake_ms = std::min(wake, slot.item.due_ms);
    waiting_.emplace(slot.wake_ms, order, id);
  }
}

void DispatchIndex::set_do_not_call(std::set<std::string> numbers) {
  do_not_call_ = std::move(numbers);
}

void DispatchIndex::number_attempted(const std::string& phone_number, std::int64_t at_ms) {
  auto& times = attempts_[phone_number];
  times.insert(std::upper_bound(times.begin(), times.end(), at_ms), at_ms);
  if (times.size() > 100) times.erase(times.begin());
}

void DispatchIndex::learn_attempts(const std::string& phone_number,
                                   std::vector<std::int64_t> times_ms) {
  if (times_ms.empty()) return;
  attempts_.try_emplace(phone_number, std::move(times_ms));
}

std::optional<std::int64_t> DispatchIndex::capped_until(const std::string& phone_number,
                                                        std::int64_t at_ms) {
  if (!settings_.max_attempts_per_number) return std::nullopt;
  auto found = attempts_.find(phone_number);
  if (found == attempts_.end()) return std::nullopt;
  auto& times = found->second;
  // Attempts that left the window no longer count.
  auto window = settings_.attempt_window_ms;
  times.erase(times.begin(), std::upper_bound(times.begin(), times.end(), at_ms - window));
  if (times.empty()) {
    attempts_.erase(found);
    return std::nullopt;
  }
  auto cap = static_cast<std::size_t>(*settings_.max_attempts_per_number);
  if (times.size() < cap) return std::nullopt;
  // Room comes back when enough of the oldest leave the window.
  return times[times.size() - cap] + window + 1;
}

void DispatchIndex::agent_free(FreeAgent agent) {
  agent_gone(agent.agent_id);
  auto id = agent.agent_id;
  auto& slot = agents_[id];
  slot.agent = std::move(agent);
  set_aside(slot, slot.agent.free_at_ms);
}

void DispatchIndex::set_aside(AgentSlot& slot, std::int64_t until_ms) {
  if (slot.in_line) free_line_.erase({slot.key_ms, slot.agent.agent_id});
  slot.in_line = false;
  slot.paced = false;
  slot.key_ms = until_ms;
  aside_.emplace(until_ms, slot.agent.agent_id);
}

void DispatchIndex::agent_gone(std::string_view agent_id) {
  auto found = agents_.find(std::string{agent_id});
  if (found == agents_.end()) return;
  auto& slot = found->second;
  if (slot.in_line) {
    free_line_.erase({slot.key_ms, slot.agent.agent_id});
  } else {
    aside_.erase({slot.key_ms, slot.agent.agent_id});
  }
  agents_.erase(found);
}

bool DispatchIndex::has_free_agent(std::string_view agent_id) const {
  return agents_.contains(std::string{agent_id});
}

void DispatchIndex::note_callback(const ItemSlot& slot) {
  if (!slot.item.callback || slot.item.pinned_agent.empty()) return;
  callbacks_by_agent_[slot.item.pinned_agent].emplace(slot.item.due_ms, slot.item.item_id);
  callback_changes_.insert(slot.item.pinned_agent);
}

void DispatchIndex::forget_callback(const ItemSlot& slot) {
  if (!slot.item.callback || slot.item.pinned_agent.empty()) return;
  auto found = callbacks_by_agent_.find(slot.item.pinned_agent);
  if (found == callbacks_by_agent_.end()) return;
  callback_changes_.insert(slot.item.pinned_agent);
  found->second.erase({slot.item.due_ms, slot.item.item_id});
  if (found->second.empty()) callbacks_by_agent_.erase(found);
}

std::optional<DueCallback> DispatchIndex::next_callback(std::string_view agent_id) const {
  auto found = callbacks_by_agent_.find(std::string{agent_id});
  if (found == callbacks_by_agent_.end() || found->second.empty()) return std::nullopt;
  const auto& [due, item_id] = *found->second.begin();
  return DueCallback{item_id, std::string{agent_id}, due};
}

std::vector<std::string> DispatchIndex::take_callback_changes() {
  std::vector<std::string> changed{callback_changes_.begin(), callback_changes_.end()};
  callback_changes_.clear();
  return changed;
}

std::vector<DueCallback> DispatchIndex::take_due_callbacks() {
  std::vector<DueCallback> out;
  out.swap(due_callbacks_);
  return out;
}

void DispatchIndex::item_pending(PendingItem item) {
  auto id = item.item_id;
  auto found = items_.find(id);
  if (found != items_.end()) {
    unplace(found->second);
    forget_callback(found->second);
  } else {
    found = items_.emplace(id, ItemSlot{}).first;
    found->second.order = next_order_++;
  }
  auto& slot = found->second;
  slot.zone_key = zone_key_of(item);
  if (slot.item.due_ms != item.due_ms) slot.announced = false;
  slot.item = std::move(item);
  note_callback(slot);
  // Placed by time alone; the calling rules are applied when it comes due.
  slot.where = Where::waiting;
  slot.capped = false;
  slot.wake_ms = slot.item.due_ms;
  waiting_.emplace(slot.wake_ms, slot.order, id);
}

void DispatchIndex::item_gone(std::string_view item_id) {
  auto found = items_.find(std::string{item_id});
  if (found == items_.end()) return;
  unplace(found->second);
  forget_callback(found->second);
  items_.erase(found);
}

DispatchIndex::ReadyKey DispatchIndex::ready_key(const ItemSlot& slot) {
  return {slot.item.priority, !slot.item.callback, slot.item.due_ms, slot.order};
}

void DispatchIndex::unplace(const ItemSlot& slot) {
  if (slot.where == Where::waiting) {
    waiting_.erase({slot.wake_ms, slot.order, slot.item.item_id});
    return;
  }
  auto key = ready_key(slot);
  if (slot.item.pinned_until_ms != 0)
    pin_expiry_.erase({slot.item.pinned_until_ms, slot.item.item_id});
  if (slot.item.pinned_agent.empty()) {
    ready_open_.erase(key);
  } else if (auto pinned = ready_pinned_.find(slot.item.pinned_agent);
             pinned != ready_pinned_.end()) {
    pinned->second.erase(key);
    if (pinned->second.empty()) ready_pinned_.erase(pinned);
  }
}

void DispatchIndex::place(ItemSlot& slot, std::int64_t now_ms) {
  slot.capped = false;
  slot.no_window = false;
  if (slot.item.callback && !slot.item.pinned_agent.empty() && !slot.announced &&
      slot.item.due_ms <= now_ms) {
    slot.announced = true;
    due_callbacks_.push_back({slot.item.item_id, slot.item.pinned_agent, slot.item.due_ms});
  }
  auto wake = slot.item.due_ms;
  if (wake <= now_ms) {
    auto from = dialable_from(slot.zone_key, now_ms);
    slot.no_window = !from;
    wake = from ? *from : now_ms + kRecheckNeverMs;
  }
  if (wake > now_ms) {
    slot.where = Where::waiting;
    slot.wake_ms = wake;
    waiting_.emplace(wake, slot.order, slot.item.item_id);
    return;
  }
  slot.where = Where::ready;
  // A callback whose agent did not come within its grace is anyone's.
  if (slot.item.pinned_until_ms != 0 && slot.item.pinned_until_ms <= now_ms) {
    forget_callback(slot);
    slot.item.pinned_agent.clear();
    slot.item.pinned_until_ms = 0;
  }
  if (slot.item.pinned_until_ms != 0)
    pin_expiry_.emplace(slot.item.pinned_until_ms, slot.item.item_id);
  auto& ready =
      slot.item.pinned_agent.empty() ? ready_open_ : ready_pinned_[slot.item.pinned_agent];
  ready.emplace(ready_key(slot), slot.item.item_id);
}

void DispatchIndex::unpin_expired(std::int64_t now_ms) {
  while (!pin_expiry_.empty() && pin_expiry_.begin()->first <= now_ms) {
    auto id = pin_expiry_.begin()->second;
    auto& slot = items_.at(id);
    unplace(slot);  // drops the expiry too
    place(slot, now_ms);
  }
}

void DispatchIndex::wake_items(std::int64_t now_ms) {
  unpin_expired(now_ms);
  while (!waiting_.empty() && std::get<0>(*waiting_.begin()) <= now_ms) {
    auto id = std::get<2>(*waiting_.begin());
    waiting_.erase(waiting_.begin());
    auto& slot = items_.at(id);
    if (do_not_call_.contains(slot.item.phone_number)) {
      forget_callback(slot);
      refused_.push_back(id);
      items_.erase(id);
      continue;
    }
    place(slot, now_ms);
  }
}

void DispatchIndex::wake_agents(std::int64_t now_ms) {
  while (!aside_.empty() && aside_.begin()->first <= now_ms + reserve_ahead_ms_) {
    auto [until, id] = *aside_.begin();
    aside_.erase(aside_.begin());
    auto& slot = agents_.at(id);
    slot.in_line = true;
    slot.may_call_ms = until;
    slot.key_ms = slot.agent.free_at_ms;
    free_line_.emplace(slot.key_ms, id);
  }
}

std::string DispatchIndex::zone_key_of(const PendingItem& item) {
  if (!item.time_zone.empty()) return item.time_zone;
  auto prefix = item.phone_number.substr(0, kRegionPrefix);
  auto cached = region_cache_.find(prefix);
  if (cached == region_cache_.end()) {
    std::string key{"@"};
    key += rules::region_of(item.phone_number);
    cached = region_cache_.emplace(prefix, std::move(key)).first;
  }
  return cached->second;
}

const std::vector<const date::time_zone*>& DispatchIndex::zones_for(const std::string& zone_key) {
  auto cached = zone_cache_.find(zone_key);
  if (cached != zone_cache_.end()) return cached->second;
  std::vector<const date::time_zone*> zones;
  if (zone_key.starts_with('@')) {
    zones = rules::zones_of_region(std::string_view{zone_key}.substr(1));
  } else if (auto zone = rules::find_zone(zone_key)) {
    zones = {*zone};
  }
  return zone_cache_.emplace(zone_key, std::move(zones)).first->second;
}

std::optional<std::int64_t> DispatchIndex::dialable_from(const std::string& zone_key,
                                                         std::int64_t now_ms) {
  const auto& zones = zones_for(zone_key);
  if (rules::business_open(now_ms, business_) &&
      rules::window_open(now_ms, zones, callee_window_)) {
    return now_ms;
  }
  // Closed from when it was computed until it reopens: the answer holds for that stretch.
  auto cached = reopen_cache_.find(zone_key);
  if (cached != reopen_cache_.end() && cached->second.first <= now_ms &&
      (!cached->second.second || now_ms < *cached->second.second)) {
    return cached->second.second;
  }
  auto reopens = rules::next_dialable(now_ms, business_, zones, callee_window_);
  reopen_cache_[zone_key] = {now_ms, reopens};
  return reopens;
}

bool DispatchIndex::try_match(const std::string& agent_id, ReadySet& ready, std::int64_t now_ms,
                              std::vector<Match>& out) {
  auto& agent = agents_.at(agent_id);
  auto start_at = std::max(now_ms, agent.may_call_ms);
  // Matched ahead of its time, the call starts then: the rules must allow it then.
  if (start_at > now_ms && !rules::business_open(start_at, business_)) {
    business_wake_ = rules::next_dialable(start_at, business_, {}, callee_window_);
    return false;
  }
  auto pinned = ready_pinned_.find(agent_id);
  for (;;) {
    // The better of the open items and those pinned to this agent.
    ReadySet* source = ready.empty() ? nullptr : &ready;
    if (pinned != ready_pinned_.end() && !pinned->second.empty() &&
        (!source || pinned->second.begin()->first < source->begin()->first)) {
      source = &pinned->second;
    }
    if (!source) return false;
    auto id = source->begin()->second;
    auto& slot = items_.at(id);
    // Taken out here, not by unplace(), which may drop `pinned` from under this loop.
    auto take_out = [&] {
      if (slot.item.pinned_until_ms != 0) pin_expiry_.erase({slot.item.pinned_until_ms, id});
      source->erase(source->begin());
    };
    if (do_not_call_.contains(slot.item.phone_number)) {
      take_out();
      forget_callback(slot);
      refused_.push_back(id);
      items_.erase(id);
      continue;
    }
    if (!rules::window_open(start_at, zones_for(slot.zone_key), callee_window_)) {
      take_out();
      place(slot, start_at);  // back to waiting until its window opens
      continue;
    }
    if (auto room_at = capped_until(slot.item.phone_number, start_at)) {
      take_out();
      slot.where = Where::waiting;
      slot.capped = true;
      slot.wake_ms = *room_at;
      waiting_.emplace(slot.wake_ms, slot.order, id);
      continue;
    }
    auto& pace =
        agent_pace_.try_emplace(agent_id, settings_.call_rate_limit_per_minute).first->second;
    if (!pace.allows(now_ms, start_at)) {
      set_aside(agent, pace.next_allowed(now_ms));
      agent.paced = true;
      return false;
    }
    pace.record(start_at);
    number_attempted(slot.item.phone_number, start_at);
    company_budget_.record(start_at);
    take_out();
    forget_callback(slot);
    if (pinned != ready_pinned_.end() && pinned->second.empty()) ready_pinned_.erase(pinned);
    out.push_back({agent.agent, std::move(slot.item), start_at});
    items_.erase(id);
    free_line_.erase({agent.key_ms, agent_id});
    agents_.erase(agent_id);
    ++matches_;
    return true;
  }
}

std::vector<Match> DispatchIndex::take_matches(std::int64_t now_ms) {
  std::vector<Match> out;
  wake_items(now_ms);
  wake_agents(now_ms);
  budget_wake_.reset();
  business_wake_.reset();
  if (free_line_.empty() || (ready_open_.empty() && ready_pinned_.empty())) return out;
  if (!rules::business_open(now_ms, business_)) {
    business_wake_ = rules::next_dialable(now_ms, business_, {}, callee_window_);
    return out;
  }
  std::vector<std::string> line;
  line.reserve(free_line_.size());
  for (const auto& entry : free_line_) line.push_back(entry.second);
  for (const auto& agent_id : line) {
    if (ready_open_.empty() && ready_pinned_.empty()) break;
    if (!company_budget_.allows(now_ms)) {
      budget_wake_ = company_budget_.next_allowed(now_ms);
      break;
    }
    try_match(agent_id, ready_open_, now_ms, out);
  }
  return out;
}

std::vector<std::string> DispatchIndex::take_refused() {
  std::vector<std::string> out;
  out.swap(refused_);
  return out;
}

std::optional<std::int64_t> DispatchIndex::next_wake() const {
  std::optional<std::int64_t> wake;
  auto consider = [&](std::optional<std::int64_t> at) {
    if (at && (!wake || *at < *wake)) wake = at;
  };
  if (!waiting_.empty()) consider(std::get<0>(*waiting_.begin()));
  if (!pin_expiry_.empty()) consider(pin_expiry_.begin()->first);
  if (!aside_.empty()) consider(aside_.begin()->first - reserve_ahead_ms_);
  consider(budget_wake_);
  consider(business_wake_);
  return wake;
}

WaitInfo DispatchIndex::why(const ItemSlot& slot, std::int64_t now_ms) const {
  if (slot.where == Where::waiting) {
    if (slot.capped) return {WaitReason::attempt_limit, slot.wake_ms};
    if (now_ms < slot.item.due_ms) {
      return {slot.item.retrying ? WaitReason::retry_backoff : WaitReason::schedule, slot.wake_ms};
    }
    if (do_not_call_.contains(slot.item.phone_number)) return {WaitReason::do_not_call, {}};
    // Due, and held by the calling rules until its wake.
    std::optional<std::int64_t> reopens = slot.wake_ms;
    if (slot.no_window) reopens.reset();
    if (rules::is_holiday(now_ms, business_)) return {WaitReason::holiday, reopens};
    if (!rules::business_open(now_ms, business_)) return {WaitReason::business_hours, reopens};
    return {WaitReason::callee_window, reopens};
  }
  if (do_not_call_.contains(slot.item.phone_number)) return {WaitReason::do_not_call, {}};
  if (!slot.item.pinned_agent.empty() && !agents_.contains(slot.item.pinned_agent)) {
    std::optional<std::int64_t> open_at;
    if (slot.item.pinned_until_ms != 0) open_at = slot.item.pinned_until_ms;
    return {WaitReason::pinned_agent, open_at};
  }
  if (budget_wake_) return {WaitReason::company_budget, budget_wake_};
  if (free_line_.empty() && !aside_.empty()) {
    const auto& [first_at, first_id] = *aside_.begin();
    if (agents_.at(first_id).paced) return {WaitReason::agent_pace, first_at};
  }
  return {WaitReason::agent, {}};
}

std::optional<WaitInfo> DispatchIndex::why(std::string_view item_id, std::int64_t now_ms) const {
  auto found = items_.find(std::string{item_id});
  if (found == items_.end()) return std::nullopt;
  return why(found->second, now_ms);
}

IndexStats DispatchIndex::stats() const {
  std::size_t ready = ready_open_.size();
  for (const auto& [agent, set] : ready_pinned_) ready += set.size();
  return {free_line_.size(), aside_.size(), ready, waiting_.size(), matches_};
}

std::map<std::string, std::size_t> DispatchIndex::waiting_for(std::int64_t now_ms) const {
  std::map<std::string, std::size_t> counts;
  for (const auto& [id, slot] : items_) ++counts[std::string{to_string(why(slot, now_ms).reason)}];
  return counts;
}

}  // namespace dialer::dispatch
