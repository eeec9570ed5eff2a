#include "actors/projections/history_csv.hpp"

#include <type_traits>

#include "actors/projections/report_json.hpp"

namespace dialer::projections {
namespace {

// A sign, then digits with at most spaces and dots between them: what a spreadsheet takes
// as a number, never as a formula.
bool plain_number(std::string_view text) {
  if (text.empty()) return false;
  if (text.front() == '+' || text.front() == '-') text.remove_prefix(1);
  bool digit = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != ' ' && c != '.') {
      return false;
    }
  }
  return digit;
}

std::string text_of(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return {};
  return value.dump();
}

constexpr const char* kColumns[] = {"callId",     "dialerCallId", "queueItemId", "clientId",
                                    "clientName", "agent",        "phoneNumber", "attempt",
                                    "status",     "outcome",      "disposition", "notes",
                                    "callbackAt", "requestedAt",  "startTime",   "endTime",
                                    "duration",   "waitSeconds",  "talkSeconds", "tags"};

}  // namespace

std::string csv_cell(std::string_view text) {
  std::string cell;
  constexpr std::string_view kFormulaStarts = "=+-@\t\r";
  if (!text.empty() && kFormulaStarts.find(text.front()) != std::string_view::npos &&
      !plain_number(text)) {
    cell.push_back('\'');
  }
  cell.append(text);
  if (cell.find_first_of(",\"\n\r") == std::string::npos) return cell;
  std::string quoted{"\""};
  for (char c : cell) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string history_csv_header() {
  std::string line;
  for (const auto* column : kColumns) line += (line.empty() ? "" : ",") + std::string{column};
  return line + "\n";
}

std::string history_csv_line(const HistoryRow& row) {
  auto json = row_json(row);
  std::string tags;
  for (const auto& tag : row.tags) tags += (tags.empty() ? "" : ";") + tag;
  const std::string cells[] = {text_of(json["callId"]),
                               row.call_id,
                               row.queue_item_id,
                               row.client_id,
                               row.client_name,
                               row.agent_id,
                               row.phone_number,
                               std::to_string(row.attempt),
                               row.status,
                               text_of(json["outcome"]),
                               text_of(json["disposition"]),
                               row.all_notes(),
                               text_of(json["callbackAt"]),
                               text_of(json["requestedAt"]),
                               text_of(json["startTime"]),
                               text_of(json["endTime"]),
                               std::to_string(row.duration_seconds),
                               std::to_string(row.wait_seconds()),
                               std::to_string(row.talk_seconds()),
                               tags};
  static_assert(std::extent_v<decltype(cells)> == std::extent_v<decltype(kColumns)>);
  std::string line;
  for (const auto& cell : cells) {
    if (&cell != cells) line.push_back(',');
    line += csv_cell(cell);
  }
  return line + "\n";
}

}  // namespace dialer::projections
