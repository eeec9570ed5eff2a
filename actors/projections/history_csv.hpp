#pragma once

// The call history as CSV, one writer for every export: dialerctl's and the console's
// (GET /api/dialer/history/export). A cell that a spreadsheet would run as a formula is
// neutralised; a number as written, a phone number above all, is left as it is.

#include <string>
#include <string_view>

#include "actors/projections/history_row.hpp"

namespace dialer::projections {

// One CSV cell: an apostrophe before text that starts with = + - @, a tab or a carriage
// return (unless it is a plain number, "+33612345678" or "-2.5"), then quoted when it holds
// a comma, a quote or a line break.
std::string csv_cell(std::string_view text);

// The header line and one row's line, each ending in "\n".
std::string history_csv_header();
std::string history_csv_line(const HistoryRow& row);

}  // namespace dialer::projections
