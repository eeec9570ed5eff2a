// The number aggregate: one item holds a number at a time; a claim left behind is taken over
// only from the holder named stale. And the repairs recovery makes to numbers' claims.

#include "actors/domain/number.hpp"

#include <catch2/catch.hpp>

#include "actors/recovery.hpp"
#include "support/fold.hpp"

using namespace dialer;
using namespace dialer::domain;
using namespace dialer::testing;

namespace {
NumberState fresh() {
  return NumberState{"+33612345678", {}, 0, {}, {}, {}};
}
}  // namespace

TEST_CASE("number: the first item claims it, a second is refused naming the holder") {
  auto held = accept(fresh(), number::Command{number::Claim{"q-1", {}}});
  CHECK(held.held_by == "q-1");
  CHECK(events_of(held, number::Command{number::Claim{"q-1", {}}}).empty());
  auto refused = decide(held, number::Command{number::Claim{"q-2", {}}});
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::conflict);
  CHECK(refused.error().field == "phoneNumber");
  CHECK(refused.error().message == "+33612345678 is already queued (item q-1)");
}

TEST_CASE("number: a claim takes over only from the holder its caller found stale") {
  auto held = accept(fresh(), number::Command{number::Claim{"q-1", {}}});
  CHECK(refusal(held, number::Command{number::Claim{"q-2", "q-9"}}) == ErrorCode::conflict);
  auto taken = accept(held, number::Command{number::Claim{"q-2", "q-1"}});
  CHECK(taken.held_by == "q-2");
}

TEST_CASE("number: a claim is stale once its item ended, or never came within the grace") {
  constexpr std::int64_t kT = 1'790'000'000'000;
  auto held = accept(fresh(), number::Command{number::Claim{"q-1", {}}}, kT);
  QueueItemState holder;
  CHECK_FALSE(claim_is_stale(held, holder, kT + 1'000));
  CHECK(claim_is_stale(held, holder, kT + kClaimGraceMs + 1));
  holder.exists = true;
  holder.status = ItemStatus::pending;
  CHECK_FALSE(claim_is_stale(held, holder, kT + kClaimGraceMs + 1));
  holder.status = ItemStatus::completed;
  CHECK(claim_is_stale(held, holder, kT + 1));
  CHECK_FALSE(claim_is_stale(fresh(), holder, kT));
}

TEST_CASE("number: it follows its item, held while pending or dialled and given up after") {
  QueueItemState item;
  item.exists = true;
  item.details.item_id = "q-1";
  for (auto status : {ItemStatus::pending, ItemStatus::in_progress}) {
    item.status = status;
    auto follow = follow_item(item);
    REQUIRE(std::holds_alternative<number::Claim>(follow));
    CHECK(std::get<number::Claim>(follow).item_id == "q-1");
  }
  for (auto status : {ItemStatus::completed, ItemStatus::failed, ItemStatus::cancelled}) {
    item.status = status;
    auto follow = follow_item(item);
    REQUIRE(std::holds_alternative<number::Release>(follow));
    CHECK(std::get<number::Release>(follow).item_id == "q-1");
  }
  CHECK_FALSE(may_move_number(queue_item::Command{queue_item::Add{}}));
  CHECK_FALSE(may_move_number(queue_item::Command{queue_item::Assign{}}));
  CHECK(may_move_number(queue_item::Command{queue_item::Cancel{}}));
}

TEST_CASE("number: only the holder's release frees it") {
  auto held = accept(fresh(), number::Command{number::Claim{"q-1", {}}});
  CHECK(events_of(held, number::Command{number::Release{"q-2"}}).empty());
  auto freed = accept(held, number::Command{number::Release{"q-1"}});
  CHECK(freed.held_by.empty());
  CHECK(events_of(freed, number::Command{number::Release{"q-1"}}).empty());
  CHECK(refusal(fresh(), number::Command{number::Claim{"", {}}}) == ErrorCode::invalid_argument);
}

namespace {

actors::Folded<QueueItemState> item(const std::string& id, const std::string& phone,
                                    ItemStatus status) {
  actors::Folded<QueueItemState> folded;
  folded.state.exists = true;
  folded.state.details.item_id = id;
  folded.state.details.phone_number = phone;
  folded.state.status = status;
  folded.version = 1;
  return folded;
}

actors::Folded<NumberState> number_held(const std::string& phone, const std::string& holder,
                                        std::uint64_t version) {
  return {NumberState{phone, holder, 0, {}, {}, {}}, version, 1};
}

std::vector<events::Event> decoded(const storage::AppendRequest& request) {
  std::vector<events::Event> out;
  for (const auto& e : request.events) out.push_back(*events::decode(e.type, e.schema, e.payload));
  return out;
}

}  // namespace

TEST_CASE("recovery: numbers' claims are made to agree with their items") {
  actors::World world;
  // Agrees: nothing to do.
  world.items["q-1"] = item("q-1", "+331", ItemStatus::pending);
  world.numbers["+331"] = number_held("+331", "q-1", 1);
  // A live item from a log written before numbers had streams.
  world.items["q-2"] = item("q-2", "+332", ItemStatus::in_progress);
  // A claim left behind by an item that completed, and a live item for the same number.
  world.items["q-3"] = item("q-3", "+333", ItemStatus::completed);
  world.items["q-4"] = item("q-4", "+333", ItemStatus::pending);
  world.numbers["+333"] = number_held("+333", "q-3", 4);
  // A claim left behind, nothing live.
  world.items["q-5"] = item("q-5", "+335", ItemStatus::cancelled);
  world.numbers["+335"] = number_held("+335", "q-5", 2);

  auto repairs = actors::number_repairs(world);
  std::map<std::string, storage::AppendRequest> by_stream;
  for (auto& repair : repairs) by_stream.emplace(repair.stream, std::move(repair));
  REQUIRE(by_stream.size() == 3);
  CHECK(decoded(by_stream.at("number-+332")) ==
        std::vector<events::Event>{events::NumberClaimed{"q-2"}});
  CHECK(by_stream.at("number-+332").expected.version == 0);
  CHECK(decoded(by_stream.at("number-+333")) ==
        std::vector<events::Event>{events::NumberReleased{"q-3"}, events::NumberClaimed{"q-4"}});
  CHECK(by_stream.at("number-+333").expected.version == 4);
  CHECK(decoded(by_stream.at("number-+335")) ==
        std::vector<events::Event>{events::NumberReleased{"q-5"}});
}

TEST_CASE("recovery: two live items for one number leave one claim") {
  actors::World world;
  world.items["q-1"] = item("q-1", "+331", ItemStatus::pending);
  world.items["q-2"] = item("q-2", "+331", ItemStatus::pending);
  auto repairs = actors::number_repairs(world);
  REQUIRE(repairs.size() == 1);
  CHECK(decoded(repairs.front()).size() == 1);
}
