// Dialer::enqueue: clients into the queue, under the rules every caller gets (REST, a CSV
// import, a test): not a number on the do-not-call list, not a number another item holds.

#include <random>

#include "actors/dialer.hpp"
#include "actors/domain/batch_screen.hpp"

namespace dialer::actors {
namespace {

using domain::QueueItemState;

std::string new_item_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "q";
  auto bits = random();
  auto more = random();
  for (int i = 0; i < 16; ++i) id.push_back(kHex[(bits >> (i * 4)) & 0xf]);
  for (int i = 0; i < 8; ++i) id.push_back(kHex[(more >> (i * 4)) & 0xf]);
  return id;
}

std::vector<std::string> numbers_of(const std::vector<events::QueueItemAdded>& items) {
  std::vector<std::string> numbers;
  numbers.reserve(items.size());
  for (const auto& item : items) numbers.push_back(item.phone_number);
  return numbers;
}

}  // namespace

std::vector<Result<QueueItemState>> Dialer::enqueue(std::vector<events::QueueItemAdded> items) {
  std::vector<std::optional<Result<QueueItemState>>> answers(items.size());
  auto blocked = do_not_call();
  if (!blocked) return std::vector<Result<QueueItemState>>(items.size(), blocked.error());
  auto screen = domain::screen_batch(*blocked, numbers_of(items));
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].item_id.empty()) items[i].item_id = new_item_id();
    if (screen.refused[i]) answers[i] = *screen.refused[i];
  }

  const auto& claiming = screen.first;
  std::vector<Question<NumberTraits>> claims;
  for (auto i : claiming)
    claims.push_back({items[i].phone_number, domain::number::Claim{items[i].item_id, {}}});
  auto claimed = ask<NumberTraits>(claims);
  // A claim a crash left behind (between an item's end and its release, or between a claim
  // and its add) is taken over.
  for (std::size_t c = 0; c < claiming.size(); ++c) {
    if (claimed[c] || claimed[c].error().code != ErrorCode::conflict) continue;
    const auto& item = items[claiming[c]];
    auto number = this->number(item.phone_number);
    if (!number || number->held_by.empty()) continue;
    auto holder = this->item(number->held_by);
    if (!holder || !domain::claim_is_stale(*number, *holder, services_.clock->now_ms())) continue;
    claimed[c] =
        ask<NumberTraits>(item.phone_number, domain::number::Claim{item.item_id, number->held_by});
  }

  std::vector<Question<ItemTraits>> adds;
  std::vector<std::size_t> adding;
  for (std::size_t c = 0; c < claiming.size(); ++c) {
    auto i = claiming[c];
    if (!claimed[c]) {
      answers[i] = claimed[c].error();
      continue;
    }
    tell_calls_of(*claimed[c]);
    adding.push_back(i);
    adds.push_back({items[i].item_id, domain::queue_item::Add{items[i]}});
  }
  auto added = ask<ItemTraits>(adds);
  // Nothing half-done: the number of an item its actor refused is given back, before the
  // caller hears of it (so no write of this call lands after its answer).
  std::vector<Question<NumberTraits>> releases;
  for (std::size_t a = 0; a < adding.size(); ++a) {
    auto i = adding[a];
    if (!added[a]) {
      releases.push_back({items[i].phone_number, domain::number::Release{items[i].item_id}});
    }
    answers[i] = std::move(added[a]);
  }
  if (!releases.empty()) (void)ask<NumberTraits>(releases);

  for (auto i : screen.later) {
    const auto& first = *answers[screen.first_of[i]];
    answers[i] =
        domain::later_answer(items[i].phone_number, first ? ok_status() : Status{first.error()});
  }
  std::vector<Result<QueueItemState>> out;
  out.reserve(answers.size());
  for (auto& answer : answers) out.push_back(std::move(*answer));
  return out;
}

std::vector<Status> Dialer::may_enqueue(const std::vector<events::QueueItemAdded>& items) {
  std::vector<Status> answers(items.size(), ok_status());
  auto blocked = do_not_call();
  if (!blocked) return std::vector<Status>(items.size(), blocked.error());
  auto screen = domain::screen_batch(*blocked, numbers_of(items));
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (screen.refused[i]) answers[i] = *screen.refused[i];
  }
  // The number's own decision on a claim says whether it is free, in its own words.
  std::vector<Question<NumberTraits>> numbers;
  for (auto i : screen.first) numbers.push_back({items[i].phone_number, std::nullopt});
  auto states = ask<NumberTraits>(numbers);
  for (std::size_t n = 0; n < screen.first.size(); ++n) {
    auto i = screen.first[n];
    if (!states[n]) {
      answers[i] = states[n].error();
      continue;
    }
    auto claim = domain::decide(
        *states[n],
        domain::number::Claim{items[i].item_id.empty() ? "preview" : items[i].item_id, {}});
    if (!claim) answers[i] = claim.error();
  }
  for (auto i : screen.later) {
    answers[i] = domain::later_answer(items[i].phone_number, answers[screen.first_of[i]]);
  }
  return answers;
}

}  // namespace dialer::actors
