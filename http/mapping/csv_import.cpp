#include "http/mapping/csv_import.hpp"

// fccp's file reader reads in a thread of its own unless told not to (it is not used here).
#define CSV_IO_NO_THREAD
// fccp copies the file name it reports with strncpy, which GCC warns of where it inlines it:
// the copy is bounded and terminated.
#pragma GCC diagnostic ignored "-Wstringop-truncation"
#include <libfccp/csv.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "http/mapping/requests.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;
using Trim = io::trim_chars<' ', '\t'>;

Error invalid(std::string message, std::string field) {
  return Error{ErrorCode::invalid_argument, std::move(message), std::move(field)};
}

// The letters of Latin-1's upper half (U+00C0 to U+00FF, UTF-8 C3 80 to C3 BF) without their
// accents, lower case; "" for the two signs among them.
constexpr std::array<std::string_view, 64> kUnaccented{
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  "i",
    "d", "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "th", "y"};

// A header's name as compared with the aliases: lower case, unaccented, letters and digits
// only ("Téléphone" is "telephone", "N° de téléphone" is "ndetelephone").
std::string folded(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    auto c = static_cast<unsigned char>(name[i]);
    if (c == 0xC3 && i + 1 < name.size()) {
      auto next = static_cast<unsigned char>(name[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        out += kUnaccented[next - 0x80];
        ++i;
        continue;
      }
    }
    if (c < 0x80 && std::isalnum(c)) out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

// The names a column may carry to be taken for a field, folded; the field's own first. In
// English, French, German and Spanish, as spreadsheets in those languages name them.
const std::vector<std::pair<std::string, std::vector<std::string>>>& aliases() {
  static const std::vector<std::pair<std::string, std::vector<std::string>>> kAliases{
      {"phoneNumber", {"phonenumber",  "phone",     "number", "mobile",   "mobilenumber",
                       "tel",          "telephone", "e164",   "portable", "numerodetelephone",
                       "ndetelephone", "mobil",     "handy",  "telefon",  "telefonnummer",
                       "mobilnummer",  "telefono",  "movil",  "celular",  "numerodetelefono"}},
      {"name",
       {"name", "fullname", "clientname", "contactname", "contact", "nomcomplet", "client",
        "vollername", "kunde", "nombrecompleto", "cliente"}},
      {"firstName", {"firstname", "givenname", "prenom", "vorname", "nombre"}},
      {"lastName",
       {"lastname", "surname", "familyname", "nom", "nachname", "apellido", "apellidos"}},
      {"clientId",
       {"clientid", "id", "externalid", "crmid", "reference", "identifiant", "kundennummer",
        "referencia"}},
      {"priority", {"priority", "priorite", "prioritat", "prioridad"}},
      {"scheduledFor", {"scheduledfor", "schedule", "scheduled", "callat"}},
      {"notes",
       {"notes", "note", "comment", "comments", "commentaire", "commentaires", "remarques",
        "notizen", "bemerkung", "notas", "comentarios"}},
      {"timeZone", {"timezone", "tz", "zone", "fuseauhoraire", "zeitzone", "zonahoraria"}},
  };
  return kAliases;
}

// How a file's cells are split: fccp's rules (quotes, doubled quotes, trimming) around one
// separator, which fccp fixes at compile time.
struct Splitter {
  std::vector<std::string> (*header)(char* line);
  std::vector<std::string_view> (*columns)(char* line, std::size_t expected);
};

// Splits one line into its columns with fccp's own column rules. fccp's CSVReader fixes the
// column count at compile time; a file's columns are known only at run time, so its line
// splitter is used directly.
template <char Separator>
std::vector<std::string_view> columns_of(char* line, std::size_t expected) {
  using Quote = io::double_quote_escape<Separator, '"'>;
  std::vector<char*> cells(expected, nullptr);
  std::vector<int> order(expected);
  for (std::size_t i = 0; i < expected; ++i) order[i] = static_cast<int>(i);
  io::detail::parse_line<Trim, Quote>(line, cells.data(), order);
  return {cells.begin(), cells.end()};
}

template <char Separator>
std::vector<std::string> header_of(char* line) {
  using Quote = io::double_quote_escape<Separator, '"'>;
  std::vector<std::string> names;
  while (line != nullptr) {
    char* begin = nullptr;
    char* end = nullptr;
    io::detail::chop_next_column<Quote>(line, begin, end);
    Trim::trim(begin, end);
    Quote::unescape(begin, end);
    names.emplace_back(begin, end);
    if (names.size() > kMaxImportColumns) break;
  }
  return names;
}

template <char Separator>
constexpr Splitter kSplitter{header_of<Separator>, columns_of<Separator>};

// The separator the header line uses most, outside quotes: a comma, a semicolon (spreadsheets
// in French, German or Spanish write them) or a tab; a comma when it uses none.
char detected_separator(std::string_view header) {
  std::size_t commas = 0, semicolons = 0, tabs = 0;
  bool quoted = false;
  for (char c : header) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    commas += c == ',';
    semicolons += c == ';';
    tabs += c == '\t';
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

const Splitter& splitter_for(char separator) {
  switch (separator) {
    case ';':
      return kSplitter<';'>;
    case '\t':
      return kSplitter<'\t'>;
    default:
      return kSplitter<','>;
  }
}

// Whether every value is UTF-8 text, as a JSON body's strings are: what is queued is shown
// as JSON later, whose serializer is the judge.
template <class Strings>
bool utf8(const Strings& values) {
  try {
    (void)json(values).dump();
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}

// The file's lines, one at a time, each copied into a buffer that fccp's column splitter may
// write into; "\r\n" and a UTF-8 byte order mark are taken as fccp's own reader takes them.
// That reader holds a 48 MiB buffer for every file, however small: a request would pay it.
class Lines {
 public:
  explicit Lines(std::string_view text) : rest_(text) {
    if (rest_.starts_with("\xEF\xBB\xBF")) rest_.remove_prefix(3);
  }
  char* next() {
    if (done_) return nullptr;
    auto end = rest_.find('\n');
    auto line = rest_.substr(0, end);
    if (end == std::string_view::npos) {
      done_ = true;
      if (line.empty()) return nullptr;
    } else {
      rest_.remove_prefix(end + 1);
    }
    if (line.ends_with('\r')) line.remove_suffix(1);
    buffer_.assign(line);
    ++number_;
    return buffer_.data();
  }
  std::size_t number() const { return number_; }  // of the line last given, from 1

 private:
  std::string_view rest_;
  std::string buffer_;
  std::size_t number_ = 0;
  bool done_ = false;
};

// A line of nothing but spaces and separators.
bool blank(const char* line, std::string_view separators) {
  for (; *line != '\0'; ++line) {
    if (*line != ' ' && *line != '\t' && separators.find(*line) == std::string_view::npos)
      return false;
  }
  return true;
}

// The column index of each field: the caller's choice, else the first alias found.
Result<std::vector<std::pair<std::string, std::size_t>>> map_columns(
    const std::vector<std::string>& columns, const std::map<std::string, std::string>& chosen) {
  const auto& fields = import_fields();
  for (const auto& [field, column] : chosen) {
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) {
      return invalid("map." + field.substr(0, 64) +
                         " names no field; columns map to phoneNumber, name, firstName, lastName, "
                         "clientId, priority, scheduledFor, notes or timeZone",
                     "map." + field.substr(0, 64));
    }
    if (std::find(columns.begin(), columns.end(), column) == columns.end()) {
      return invalid("map." + field + " names the column \"" + column.substr(0, 64) +
                         "\", which the header does not have",
                     "map." + field);
    }
  }
  std::vector<bool> taken(columns.size(), false);
  std::vector<std::pair<std::string, std::size_t>> mapped;
  auto take = [&](const std::string& field, std::size_t index) {
    taken[index] = true;
    mapped.emplace_back(field, index);
  };
  for (const auto& [field, column] : chosen) {
    auto index = static_cast<std::size_t>(std::find(columns.begin(), columns.end(), column) -
                                          columns.begin());
    if (taken[index]) {
      return invalid("the column \"" + column.substr(0, 64) + "\" is mapped to two fields",
                     "map." + field);
    }
    take(field, index);
  }
  for (const auto& [field, names] : aliases()) {
    if (chosen.contains(field)) continue;
    for (const auto& alias : names) {
      auto found = std::find_if(columns.begin(), columns.end(),
                                [&](const std::string& column) { return folded(column) == alias; });
      auto index = static_cast<std::size_t>(found - columns.begin());
      if (found != columns.end() && !taken[index]) {
        take(field, index);
        break;
      }
    }
  }
  bool has_phone = std::any_of(mapped.begin(), mapped.end(),
                               [](const auto& m) { return m.first == "phoneNumber"; });
  if (!has_phone) {
    return invalid(
        "no column holds the phone number: choose it (map.phoneNumber=<column>), or call a "
        "column Phone, Mobile, Téléphone, Portable, Telefon or Teléfono",
        "map.phoneNumber");
  }
  std::sort(mapped.begin(), mapped.end(), [&](const auto& a, const auto& b) {
    return std::find(fields.begin(), fields.end(), a.first) <
           std::find(fields.begin(), fields.end(), b.first);
  });
  return mapped;
}

// One row as a client of the JSON add: empty cells are left out, a whole number in the
// priority column is a number, a name not given whole is its first and last names, the
// columns no field takes are its metadata.
json client_of(const std::vector<std::string_view>& cells,
               const std::vector<std::pair<std::string, std::size_t>>& mapped,
               const std::vector<std::string>& columns, const std::vector<bool>& is_field) {
  json client = json::object();
  std::string name_parts;
  for (const auto& [field, index] : mapped) {
    auto cell = cells[index];
    if (cell.empty()) continue;
    if (field == "firstName" || field == "lastName") {
      // In the fields' order: the first name, then the last.
      name_parts += (name_parts.empty() ? "" : " ") + std::string{cell};
      continue;
    }
    if (field == "priority") {
      long long number = 0;
      auto [end, error] = std::from_chars(cell.data(), cell.data() + cell.size(), number);
      if (error == std::errc{} && end == cell.data() + cell.size()) {
        client[field] = number;
        continue;
      }
    }
    client[field] = std::string{cell};
  }
  if (!client.contains("name") && !name_parts.empty()) client["name"] = std::move(name_parts);
  json metadata = json::object();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (is_field[i] || cells[i].empty() || columns[i].empty()) continue;
    metadata[columns[i]] = std::string{cells[i]};
  }
  if (!metadata.empty()) client["metadata"] = std::move(metadata);
  return client;
}

std::string row_fault(const io::error::base& fault, std::size_t columns) {
  if (dynamic_cast<const io::error::too_few_columns*>(&fault)) {
    return "the row has fewer columns than the header's " + std::to_string(columns);
  }
  if (dynamic_cast<const io::error::too_many_columns*>(&fault)) {
    return "the row has more columns than the header's " + std::to_string(columns);
  }
  if (dynamic_cast<const io::error::escaped_string_not_closed*>(&fault)) {
    return "a quoted value is not closed on its line";
  }
  return "the row does not parse as CSV";
}

Result<events::QueueItemAdded> read_row(
    const Splitter& splitter, char* line, const std::vector<std::string>& columns,
    const std::vector<std::pair<std::string, std::size_t>>& mapped,
    const std::vector<bool>& is_field) {
  try {
    auto cells = splitter.columns(line, columns.size());
    if (!utf8(std::vector<std::string>(cells.begin(), cells.end()))) {
      return invalid("the row is not UTF-8 text: save the file as UTF-8", "line");
    }
    return read_queue_client(client_of(cells, mapped, columns, is_field));
  } catch (const io::error::base& fault) {
    return invalid(row_fault(fault, columns.size()), "line");
  }
}

// The header row (after any blank lines), its separator and its columns.
Result<CsvHeader> read_header(Lines& lines, std::optional<char> separator) {
  char* line = lines.next();
  while (line != nullptr && blank(line, ",;\t")) line = lines.next();
  if (line == nullptr) return invalid("the file is empty: it needs a header row", "body");
  CsvHeader header;
  header.separator = separator.value_or(detected_separator(line));
  header.columns = splitter_for(header.separator).header(line);
  if (!utf8(header.columns)) {
    return invalid("the header is not UTF-8 text: save the file as UTF-8", "body");
  }
  if (header.columns.size() > kMaxImportColumns) {
    return invalid("the file has over " + std::to_string(kMaxImportColumns) + " columns", "body");
  }
  return header;
}

}  // namespace

const std::vector<std::string>& import_fields() {
  static const std::vector<std::string> kFields = [] {
    std::vector<std::string> fields;
    for (const auto& [field, names] : aliases()) fields.push_back(field);
    return fields;
  }();
  return kFields;
}

Result<CsvHeader> read_csv_header(std::string_view text, std::optional<char> separator) {
  try {
    Lines lines{text};
    return read_header(lines, separator);
  } catch (const io::error::base& fault) {
    return invalid(std::string{"the file does not parse as CSV: "} + fault.what(), "body");
  }
}

Result<CsvImport> read_csv_import(std::string_view text,
                                  const std::map<std::string, std::string>& mapping,
                                  std::optional<char> separator) {
  CsvImport read;
  try {
    Lines lines{text};
    auto header = read_header(lines, separator);
    if (!header) return header.error();
    read.separator = header->separator;
    read.columns = std::move(header->columns);
    const auto& splitter = splitter_for(read.separator);
    auto mapped = map_columns(read.columns, mapping);
    if (!mapped) return mapped.error();
    std::vector<bool> is_field(read.columns.size(), false);
    for (const auto& [field, index] : *mapped) {
      is_field[index] = true;
      read.mapping.emplace_back(field, read.columns[index]);
    }
    for (std::size_t i = 0; i < read.columns.size(); ++i) {
      if (!is_field[i] && !read.columns[i].empty())
        read.metadata_columns.push_back(read.columns[i]);
    }

    std::unordered_map<std::string, std::size_t> line_of_number;
    while (char* line = lines.next()) {
      std::size_t at = lines.number();
      if (blank(line, {&read.separator, 1})) continue;
      if (read.rows.size() == kMaxImportRows) {
        return invalid("the file has over " + std::to_string(kMaxImportRows) +
                           " rows: split it into several imports",
                       "body");
      }
      ImportRow row{at, read_row(splitter, line, read.columns, *mapped, is_field)};
      if (row.client) {
        auto [first, fresh] = line_of_number.emplace(row.client->phone_number, at);
        if (!fresh) {
          row.client = invalid(row.client->phone_number + " is given again: line " +
                                   std::to_string(first->second) + " has it already",
                               "phoneNumber");
        }
      }
      read.rows.push_back(std::move(row));
    }
  } catch (const io::error::base& fault) {
    return invalid(std::string{"the file does not parse as CSV: "} + fault.what(), "body");
  }
  if (read.rows.empty()) return invalid("the file has a header but no rows", "body");
  return read;
}

}  // namespace dialer::http
