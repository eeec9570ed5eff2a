// The rules a batch of clients meets before any number is asked, shared by the add and the
// import's preview (actors/domain/batch_screen.hpp).

#include "actors/domain/batch_screen.hpp"

#include <catch2/catch.hpp>

using namespace dialer;
using namespace dialer::domain;

TEST_CASE("batch screen: a listed number is refused and each number is asked by its first client") {
  DoNotCallState blocked;
  blocked.numbers.insert("+33600000000");
  auto screen = screen_batch(
      blocked, {"+33612345678", "+33600000000", "+33612345679", "+33612345678", "+33612345678"});

  REQUIRE(screen.refused[1]);
  CHECK(screen.refused[1]->code == ErrorCode::refused);
  CHECK(screen.refused[1]->field == "phoneNumber");
  for (auto i : {0, 2, 3, 4}) CHECK_FALSE(screen.refused[static_cast<std::size_t>(i)]);
  CHECK(screen.first == std::vector<std::size_t>{0, 2});
  CHECK(screen.later == std::vector<std::size_t>{3, 4});
  CHECK(screen.first_of[3] == 0);
  CHECK(screen.first_of[4] == 0);
  CHECK(screen.first_of[2] == 2);
}

TEST_CASE("batch screen: a later client shares its first's conflict, and is otherwise a repeat") {
  Error held{ErrorCode::conflict, "+33612345678 is held by q-9", "phoneNumber"};
  auto shared = later_answer("+33612345678", Status{held});
  CHECK(shared.code == ErrorCode::conflict);
  CHECK(shared.message == held.message);

  for (const auto& first : {ok_status(), Status{Error{ErrorCode::unavailable, "no answer"}}}) {
    auto repeat = later_answer("+33612345678", first);
    CHECK(repeat.code == ErrorCode::invalid_argument);
    CHECK(repeat.message == "+33612345678 appears twice in this request");
    CHECK(repeat.field == "phoneNumber");
  }
}
