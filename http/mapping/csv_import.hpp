#pragma once

// POST /api/dialer/queue/import: a CSV file of clients, one a row, under a header row, its
// cells separated by commas, semicolons or tabs. Each field of a queue add (phoneNumber,
// name, clientId, priority, scheduledFor, notes, timeZone), and a name's first and last parts
// (firstName, lastName) when no column holds it whole, takes the column the caller maps to it
// (map.<field>=<column>), or else the column its name or a common alias names, in English,
// French, German or Spanish ("Phone", "Téléphone", "Nom", "Vorname", ...); the other columns
// go into the client's metadata. Each row is then read by the same reader as a
// client of the JSON add, so its errors are the same. Pure: no I/O, no actors.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "events/catalogue.hpp"
#include "events/result.hpp"

namespace dialer::http {

inline constexpr std::size_t kMaxImportRows = 50'000;
inline constexpr std::size_t kMaxImportColumns = 64;

struct ImportRow {
  std::size_t line = 0;  // in the file, from 1 (the header)
  Result<events::QueueItemAdded> client;
};

struct CsvHeader {
  char separator = ',';              // ',', ';' or '\t'
  std::vector<std::string> columns;  // in the header's order
};

struct CsvImport {
  char separator = ',';                                      // ',', ';' or '\t'
  std::vector<std::string> columns;                          // the header's, in its order
  std::vector<std::pair<std::string, std::string>> mapping;  // field, column
  std::vector<std::string> metadata_columns;
  std::vector<ImportRow> rows;
};

// The fields a column can be mapped to, in the order the answer lists them.
const std::vector<std::string>& import_fields();

// The file's header row alone: what a caller chooses the phone number's column among when
// no column's name says it.
Result<CsvHeader> read_csv_header(std::string_view text,
                                  std::optional<char> separator = std::nullopt);

// `mapping` holds the caller's field → column choices; `separator` the caller's, else the one
// the header line uses most (',', ';' or a tab). A mapping that names an unknown field or a
// column the header lacks, a file with no header or no phone number column, one over the
// bounds or one that does not parse as CSV, is refused whole; a row at fault is answered on
// its own (its columns, its values, or a number an earlier row gave).
Result<CsvImport> read_csv_import(std::string_view text,
                                  const std::map<std::string, std::string>& mapping,
                                  std::optional<char> separator = std::nullopt);

}  // namespace dialer::http
