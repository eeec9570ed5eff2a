// POST /api/dialer/queue/import over HTTP: the preview answers every row as the import
// would and writes nothing; the import queues the rows that may be, with the JSON add's
// refusals (do-not-call, a number already queued, twice in the file).

#include "support/http_fixture.hpp"

namespace {

using namespace dialer::testing;
using nlohmann::json;

constexpr const char* kFile =
    "Phone,Full name,Company\n"
    "+33612345678,Jean,ACME\n"
    "+44 20 7946 0001,Blocked,\n"
    "+4930901820,Queued before,\n"
    "not a number,Bob,\n"
    "+33 6 12 34 56 78,Jean again,\n"
    "+4930901821,<img src=x onerror=alert(1)>,Evil Corp\n";

Answer import(ServerFixture& f, const std::string& query, const std::string& body = kFile) {
  return f.send_raw("POST", "/api/dialer/queue/import" + query, body, "text/csv");
}

std::vector<bool> successes(const json& results) {
  std::vector<bool> out;
  for (const auto& r : results) out.push_back(r["success"].get<bool>());
  return out;
}

}  // namespace

TEST_CASE("http: a CSV import previews every row with nothing written, then queues") {
  ServerFixture f;
  REQUIRE(
      f.send("POST", "/api/dialer/do-not-call", json{{"phoneNumber", "+442079460001"}}).status ==
      200);
  REQUIRE(f.send("POST", "/api/dialer/queue", json{{"phoneNumbers", {"+4930901820"}}}).status ==
          200);

  auto before = f.changes();
  auto preview = import(f, "?dryRun=true");
  REQUIRE(preview.status == 200);
  CHECK(f.changes() == before);
  CHECK(preview.body["dryRun"] == true);
  CHECK(preview.body["rows"] == 6);
  CHECK(preview.body["valid"] == 2);
  CHECK(preview.body["failed"] == 4);
  CHECK(preview.body["mapping"] == json{{"phoneNumber", "Phone"}, {"name", "Full name"}});
  CHECK(preview.body["metadataColumns"] == json{"Company"});
  const auto& rows = preview.body["results"];
  CHECK(successes(rows) == std::vector<bool>{true, false, false, false, false, true});
  CHECK(rows[1]["message"].get<std::string>().find("do-not-call") != std::string::npos);
  CHECK(rows[2]["message"].get<std::string>().find("already queued") != std::string::npos);
  CHECK(rows[3]["field"] == "phoneNumber");
  CHECK(rows[4]["message"].get<std::string>().find("line 2") != std::string::npos);
  CHECK(rows[5]["line"] == 7);
  const auto& shown = preview.body["preview"];
  REQUIRE(shown.size() == 6);
  CHECK(shown[0]["client"]["metadata"]["Company"] == "ACME");
  CHECK(shown[5]["client"]["name"] == "<img src=x onerror=alert(1)>");
  CHECK_FALSE(shown[3].contains("client"));

  auto done = import(f, "");
  REQUIRE(done.status == 200);
  CHECK(done.body["created"] == 2);
  CHECK(done.body["failed"] == 4);
  CHECK(successes(done.body["results"]) == successes(rows));
  auto id = done.body["results"][0]["queueItemId"].get<std::string>();
  auto item = f.send("GET", "/api/dialer/queue/items/" + id).body["queueItem"];
  CHECK(item["phoneNumber"] == "+33612345678");
  CHECK(item["name"] == "Jean");
  CHECK(item["metadata"]["Company"] == "ACME");
  CHECK(f.send("GET", "/api/dialer/queue").body["totalCount"] == 3);

  // Again: every number is now refused, and the import says so with a 400.
  auto again = import(f, "");
  CHECK(again.status == 400);
  CHECK(again.body["created"] == 0);
  CHECK(again.body["success"] == false);
}

TEST_CASE("http: a CSV import refuses what it cannot read, naming why, and writes nothing") {
  ServerFixture f;
  auto refused = [&](const std::string& query, const std::string& body,
                     const std::string& type = "text/csv") {
    auto before = f.changes();
    auto answer = f.send_raw("POST", "/api/dialer/queue/import" + query, body, type);
    CHECK(f.changes() == before);
    CHECK(answer.body["success"] == false);
    return answer;
  };
  auto json_body = refused("", R"({"clients":[]})", "application/json");
  CHECK(json_body.status == 415);
  CHECK(json_body.body["error"]["field"] == "Content-Type");
  CHECK(refused("?dryRun=maybe", kFile).body["error"]["field"] == "dryRun");
  CHECK(refused("?map.phoneNumber=Mobile", kFile).body["error"]["field"] == "map.phoneNumber");
  CHECK(refused("", "name\nJean\n").body["error"]["field"] == "map.phoneNumber");
  CHECK(refused("", "").status == 400);
  // A mapping by the caller: the phone number from another column.
  auto mapped = f.send_raw("POST", "/api/dialer/queue/import?dryRun=true&map.phoneNumber=Mobile",
                           "Phone,Mobile\n,+33612345678\n", "text/csv");
  CHECK(mapped.status == 200);
  CHECK(mapped.body["valid"] == 1);
  CHECK(mapped.body["preview"][0]["client"]["phoneNumber"] == "+33612345678");
}

TEST_CASE("http: a CSV import reads semicolons and French headers, and a delimiter named") {
  ServerFixture f;
  const std::string french =
      "\xEF\xBB\xBFT\xC3\xA9l\xC3\xA9phone;Nom;Pr\xC3\xA9nom\r\n+33 6 12 34 56 78;Curie;Marie\r\n";
  auto preview = import(f, "?dryRun=true", french);
  REQUIRE(preview.status == 200);
  CHECK(preview.body["delimiter"] == ";");
  CHECK(preview.body["mapping"]["firstName"] == "Pr\xC3\xA9nom");
  CHECK(preview.body["preview"][0]["client"]["name"] == "Marie Curie");
  CHECK(preview.body["valid"] == 1);

  auto tabs = import(f, "?dryRun=true&delimiter=tab", "Phone\tName\n+33612345679\tAnn\n");
  REQUIRE(tabs.status == 200);
  CHECK(tabs.body["delimiter"] == "tab");
  CHECK(tabs.body["preview"][0]["client"]["name"] == "Ann");

  auto before = f.changes();
  auto wrong = import(f, "?delimiter=%7C", french);
  CHECK(wrong.status == 400);
  CHECK(wrong.body["error"]["field"] == "delimiter");
  // No column's name says it holds the phone number: the answer lists the columns to choose it
  // among, and a choice reads the file.
  const std::string unnamed = "Num\xC3\xA9ro du client;Nom\n+33 6 12 34 56 79;Pasteur\n";
  auto unknown = import(f, "", unnamed);
  CHECK(unknown.status == 400);
  CHECK(unknown.body["error"]["field"] == "map.phoneNumber");
  CHECK(unknown.body["columns"] == json{"Num\xC3\xA9ro du client", "Nom"});
  CHECK(unknown.body["delimiter"] == ";");
  CHECK(f.changes() == before);
  auto chosen = import(f, "?dryRun=true&map.phoneNumber=Num%C3%A9ro%20du%20client", unnamed);
  REQUIRE(chosen.status == 200);
  CHECK(chosen.body["valid"] == 1);
  CHECK(chosen.body["preview"][0]["client"]["name"] == "Pasteur");
}
