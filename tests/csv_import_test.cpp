// The CSV import's reader: columns found by name or mapped by the caller, every row read by
// the JSON add's own reader, and each fault answered on its row or, for the file, whole.

#include "http/mapping/csv_import.hpp"

#include <catch2/catch.hpp>

namespace {

using dialer::ErrorCode;
using dialer::http::read_csv_import;

const std::string& message_of(const dialer::http::ImportRow& row) {
  return row.client.error().message;
}

}  // namespace

TEST_CASE("csv import: columns are found by their names, the rest is metadata") {
  auto read = read_csv_import(
      "\xEF\xBB\xBFMobile Number,Full name,Priority,Time zone,Company\r\n"
      "+33 6 12 34 56 78,\"Dupont, Jean\",3,Europe/Paris,\"ACME \"\"Paris\"\"\"\r\n",
      {});
  REQUIRE(read);
  CHECK(read->columns ==
        std::vector<std::string>{"Mobile Number", "Full name", "Priority", "Time zone", "Company"});
  CHECK(read->metadata_columns == std::vector<std::string>{"Company"});
  REQUIRE(read->rows.size() == 1);
  const auto& row = read->rows[0];
  CHECK(row.line == 2);
  REQUIRE(row.client);
  CHECK(row.client->phone_number == "+33612345678");
  CHECK(row.client->name == "Dupont, Jean");
  CHECK(row.client->priority == 3);
  CHECK(row.client->time_zone == "Europe/Paris");
  CHECK(row.client->metadata_json == R"({"Company":"ACME \"Paris\""})");
}

TEST_CASE("csv import: the caller's mapping wins over the names") {
  auto read = read_csv_import("phone,backup,who\n+33612345678,+4930901820,Ann\n",
                              {{"phoneNumber", "backup"}, {"name", "who"}});
  REQUIRE(read);
  REQUIRE(read->rows.size() == 1);
  CHECK(read->rows[0].client->phone_number == "+4930901820");
  CHECK(read->rows[0].client->name == "Ann");
  CHECK(read->metadata_columns == std::vector<std::string>{"phone"});
}

TEST_CASE("csv import: each row's fault is its own and names its field") {
  auto read = read_csv_import(
      "phone,name,priority,scheduledFor\n"
      "+33612345678,Jean,1,\n"
      "not a number,Bob,1,\n"
      "+33 6 12 34 56 78,Again,1,\n"
      "+4930901820,Ann,high,\n"
      "+4930901821,Eve,1,soon\n"
      "+4930901822,Too,1,,many\n"
      "+4930901823,Few\n"
      "+4930901824,\"open,1,\n"
      "+4930901826,Caf\xe9 Latin-1,1,\n"
      "\n"
      "+4930901825,<img src=x onerror=alert(1)>,2,2030-01-01T10:00:00Z\n",
      {});
  REQUIRE(read);
  REQUIRE(read->rows.size() == 10);
  CHECK(read->rows[0].client);
  auto field = [&](std::size_t i) { return read->rows[i].client.error().field; };
  CHECK(field(1) == "phoneNumber");
  CHECK(field(2) == "phoneNumber");
  CHECK(message_of(read->rows[2]).find("line 2 has it already") != std::string::npos);
  CHECK(field(3) == "priority");
  CHECK(field(4) == "scheduledFor");
  CHECK(field(5) == "line");
  CHECK(message_of(read->rows[5]).find("more columns") != std::string::npos);
  CHECK(message_of(read->rows[6]).find("fewer columns") != std::string::npos);
  CHECK(message_of(read->rows[7]).find("not closed") != std::string::npos);
  // Bytes that are not UTF-8 (a Latin-1 file) are refused on their row: what is queued is
  // shown as JSON later.
  CHECK(message_of(read->rows[8]).find("UTF-8") != std::string::npos);
  // The blank line is skipped, and the lines keep the file's numbering.
  CHECK(read->rows[9].line == 12);
  REQUIRE(read->rows[9].client);
  CHECK(read->rows[9].client->name == "<img src=x onerror=alert(1)>");
  CHECK(read->rows[9].client->scheduled_for_ms.has_value());
}

TEST_CASE("csv import: a file at fault is refused whole, naming why") {
  auto refused = [](std::string_view text, std::map<std::string, std::string> mapping = {}) {
    auto read = read_csv_import(text, mapping);
    REQUIRE_FALSE(read);
    CHECK(read.error().code == ErrorCode::invalid_argument);
    return read.error();
  };
  CHECK(refused("").field == "body");
  CHECK(refused("\n\n").field == "body");
  CHECK(refused("phone,name\n").message.find("no rows") != std::string::npos);
  CHECK(refused("name,notes\nJean,x\n").field == "map.phoneNumber");
  CHECK(refused("phone,n\xa2me\n+33612345678,x\n").message.find("UTF-8") != std::string::npos);
  CHECK(refused("phone\n+33612345678\n", {{"colour", "phone"}}).field == "map.colour");
  CHECK(refused("phone\n+33612345678\n", {{"phoneNumber", "mobile"}}).field == "map.phoneNumber");
  CHECK(refused("a,b\n1,2\n", {{"phoneNumber", "a"}, {"name", "a"}}).message.find("two fields") !=
        std::string::npos);
  std::string wide = "phone";
  for (int i = 0; i < 70; ++i) wide += ",c" + std::to_string(i);
  CHECK(refused(wide + "\n").message.find("columns") != std::string::npos);
}

TEST_CASE("csv import: 50,000 rows are read, one more is refused") {
  std::string text = "phone,name\n";
  for (int i = 0; i < 50'000; ++i) text += "+3361" + std::to_string(1'000'000 + i) + ",C\n";
  auto read = read_csv_import(text, {});
  REQUIRE(read);
  CHECK(read->rows.size() == 50'000);
  CHECK(std::all_of(read->rows.begin(), read->rows.end(),
                    [](const auto& r) { return r.client.ok(); }));
  text += "+33699999999,D\n";
  auto over = read_csv_import(text, {});
  REQUIRE_FALSE(over);
  CHECK(over.error().message.find("50000") != std::string::npos);
}

TEST_CASE("csv import: a French spreadsheet's file is read: semicolons, accents, first names") {
  // As Excel saves it in French: a byte order mark, semicolons, the header in French.
  auto read = read_csv_import(
      "\xEF\xBB\xBFT\xC3\xA9l\xC3\xA9phone;Nom;Pr\xC3\xA9nom;Soci\xC3\xA9t\xC3\xA9;Remarques\r\n"
      "+33 6 12 34 56 78;Curie;Marie;ACME, Paris;rappeler le matin\r\n"
      "+33 6 12 34 56 79;Pasteur;;;\r\n",
      {});
  REQUIRE(read);
  CHECK(read->separator == ';');
  CHECK(read->mapping ==
        std::vector<std::pair<std::string, std::string>>{{"phoneNumber", "T\xC3\xA9l\xC3\xA9phone"},
                                                         {"firstName", "Pr\xC3\xA9nom"},
                                                         {"lastName", "Nom"},
                                                         {"notes", "Remarques"}});
  REQUIRE(read->rows.size() == 2);
  REQUIRE(read->rows[0].client);
  CHECK(read->rows[0].client->phone_number == "+33612345678");
  CHECK(read->rows[0].client->name == "Marie Curie");
  CHECK(read->rows[0].client->notes == "rappeler le matin");
  CHECK(read->rows[0].client->metadata_json == "{\"Soci\xC3\xA9t\xC3\xA9\":\"ACME, Paris\"}");
  REQUIRE(read->rows[1].client);
  CHECK(read->rows[1].client->name == "Pasteur");
}

TEST_CASE("csv import: German and Spanish headers, tabs, and a name given whole wins") {
  auto german = read_csv_import(
      "Telefon\tVorname\tNachname\tFirma\n+49 30 901820\tAnna\tSchmidt\tBeta GmbH\n", {});
  REQUIRE(german);
  CHECK(german->separator == '\t');
  REQUIRE(german->rows[0].client);
  CHECK(german->rows[0].client->phone_number == "+4930901820");
  CHECK(german->rows[0].client->name == "Anna Schmidt");
  CHECK(german->rows[0].client->metadata_json == R"({"Firma":"Beta GmbH"})");

  auto spanish = read_csv_import(
      "Tel\xC3\xA9"
      "fono,Nombre,Apellidos,Cliente\n+34 912 345 678,Juan,Garc\xC3\xAD"
      "a,Juan Garc\xC3\xAD"
      "a "
      "L\xC3\xB3pez\n",
      {});
  REQUIRE(spanish);
  CHECK(spanish->separator == ',');
  REQUIRE(spanish->rows[0].client);
  CHECK(spanish->rows[0].client->phone_number == "+34912345678");
  // A column holding the whole name is the name; its parts are not read into it.
  CHECK(spanish->rows[0].client->name ==
        "Juan Garc\xC3\xAD"
        "a L\xC3\xB3pez");
}

TEST_CASE("csv import: the caller's separator wins over the one the header suggests") {
  // One comma and one semicolon: taken for commas unless the caller says otherwise.
  const char* file = "phone;name, title\n+33612345678;Ann, CEO\n";
  auto guessed = read_csv_import(file, {});
  REQUIRE_FALSE(guessed);
  CHECK(guessed.error().field == "map.phoneNumber");
  auto told = read_csv_import(file, {}, ';');
  REQUIRE(told);
  CHECK(told->columns == std::vector<std::string>{"phone", "name, title"});
  REQUIRE(told->rows[0].client);
  CHECK(told->rows[0].client->phone_number == "+33612345678");
  CHECK(told->rows[0].client->metadata_json == R"({"name, title":"Ann, CEO"})");
  // A separator inside quotes does not count.
  auto quoted = read_csv_import("\"a;b;c\",phone\nx,+33612345678\n", {});
  REQUIRE(quoted);
  CHECK(quoted->separator == ',');
}
