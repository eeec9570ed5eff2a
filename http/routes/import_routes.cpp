// POST /api/dialer/queue/import: a CSV file of clients into the queue, or with dryRun=true
// its preview: each row answered as the JSON add answers a client, with nothing written.

#include <algorithm>

#include "actors/projections/report_json.hpp"
#include "http/mapping/csv_import.hpp"
#include "http/mapping/exchange.hpp"
#include "http/mapping/requests.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

constexpr std::size_t kPreviewRows = 20;

Result<bool> dry_run_param(const httplib::Request& req) {
  auto text = text_param(req, "dryRun");
  if (text.empty() || text == "false") return false;
  if (text == "true") return true;
  return Error{ErrorCode::invalid_argument, "dryRun must be true or false", "dryRun"};
}

// The separator the caller names (`,`, `;` or `tab`), if any.
Result<std::optional<char>> delimiter_param(const httplib::Request& req) {
  auto text = text_param(req, "delimiter");
  if (text.empty()) return std::optional<char>{};
  if (text == "," || text == ";") return std::optional<char>{text.front()};
  if (text == "tab" || text == "\t") return std::optional<char>{'\t'};
  return Error{ErrorCode::invalid_argument, "delimiter must be \",\", \";\" or \"tab\"",
               "delimiter"};
}

std::string delimiter_word(char separator) {
  return separator == '\t' ? "tab" : std::string(1, separator);
}

std::map<std::string, std::string> mapping_params(const httplib::Request& req) {
  std::map<std::string, std::string> mapping;
  for (const auto& [name, value] : req.params) {
    if (name.starts_with("map.") && name.size() > 4) mapping[name.substr(4)] = value;
  }
  return mapping;
}

json client_json(const events::QueueItemAdded& client) {
  json out{{"phoneNumber", client.phone_number},
           {"clientId", client.client_id},
           {"name", client.name},
           {"priority", client.priority},
           {"notes", client.notes},
           {"timeZone", client.time_zone.empty() ? json(nullptr) : json(client.time_zone)},
           {"scheduledFor", client.scheduled_for_ms
                                ? json(projections::iso_time(*client.scheduled_for_ms))
                                : json(nullptr)}};
  out["metadata"] =
      client.metadata_json.empty() ? json::object() : json::parse(client.metadata_json);
  return out;
}

json refusal(std::size_t index, std::size_t line, const Error& error) {
  json result{{"index", index}, {"line", line}, {"success", false}, {"message", error.message}};
  if (!error.field.empty()) result["field"] = error.field;
  return result;
}

// A file refused whole. When no column's name says it holds the phone number, the answer
// lists the file's columns, for the caller (the console's picker) to choose it among them.
void refuse_file(httplib::Response& res, const Error& error,
                 const std::map<std::string, std::string>& mapping, std::string_view body,
                 std::optional<char> delimiter) {
  if (error.field == "map.phoneNumber" && !mapping.contains("phoneNumber")) {
    if (auto header = read_csv_header(body, delimiter)) {
      auto answer = error_json(error);
      answer["columns"] = header->columns;
      answer["delimiter"] = delimiter_word(header->separator);
      return reply(res, 400, std::move(answer));
    }
  }
  reply_error(res, error);
}

void import(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto dry_run = dry_run_param(req);
  if (!dry_run) return reply_error(res, dry_run.error());
  auto delimiter = delimiter_param(req);
  if (!delimiter) return reply_error(res, delimiter.error());
  auto chosen = mapping_params(req);
  auto read = read_csv_import(req.body, chosen, *delimiter);
  if (!read) return refuse_file(res, read.error(), chosen, req.body, *delimiter);

  json results = json::array();
  std::vector<events::QueueItemAdded> valid;
  std::vector<std::size_t> valid_index;
  for (std::size_t index = 0; index < read->rows.size(); ++index) {
    auto& row = read->rows[index];
    if (!row.client) {
      results.push_back(refusal(index, row.line, row.client.error()));
      continue;
    }
    results.push_back(nullptr);
    valid_index.push_back(index);
    valid.push_back(*row.client);
  }

  std::size_t accepted = 0;
  auto answer_row = [&](std::size_t index, const Error* error, const std::string& item_id) {
    auto line = read->rows[index].line;
    if (error) {
      results[index] = refusal(index, line, *error);
      return;
    }
    ++accepted;
    results[index] = {{"index", index}, {"line", line}, {"success", true}};
    if (!item_id.empty()) results[index]["queueItemId"] = item_id;
  };
  if (*dry_run) {
    auto checks = context.dialer.may_enqueue(valid);
    for (std::size_t i = 0; i < checks.size(); ++i) {
      answer_row(valid_index[i], checks[i] ? nullptr : &checks[i].error(), "");
    }
  } else {
    // In slices of the JSON add's bound, so that no one ask waits on too many actors.
    std::vector<Result<domain::QueueItemState>> answers;
    for (std::size_t from = 0; from < valid.size(); from += kMaxItemsPerRequest) {
      auto to = std::min(valid.size(), from + kMaxItemsPerRequest);
      auto slice = context.dialer.enqueue({valid.begin() + from, valid.begin() + to});
      std::move(slice.begin(), slice.end(), std::back_inserter(answers));
    }
    bool none_stored = !answers.empty() && std::none_of(answers.begin(), answers.end(),
                                                        [](const auto& a) { return a.ok(); });
    for (const auto& answer : answers) {
      if (none_stored && answer.error().code == ErrorCode::unavailable)
        return reply_error(res, answer.error());
    }
    for (std::size_t i = 0; i < answers.size(); ++i) {
      answer_row(valid_index[i], answers[i] ? nullptr : &answers[i].error(),
                 answers[i] ? answers[i]->details.item_id : "");
    }
  }

  json mapping = json::object();
  for (const auto& [field, column] : read->mapping) mapping[field] = column;
  json answer{{"dryRun", *dry_run},
              {"delimiter", delimiter_word(read->separator)},
              {"columns", read->columns},
              {"mapping", std::move(mapping)},
              {"metadataColumns", read->metadata_columns},
              {"rows", read->rows.size()},
              {*dry_run ? "valid" : "created", accepted},
              {"failed", read->rows.size() - accepted},
              {"results", std::move(results)}};
  if (*dry_run) {
    json preview = json::array();
    for (const auto& row : read->rows) {
      if (preview.size() == kPreviewRows) break;
      json shown{{"line", row.line}};
      if (row.client) shown["client"] = client_json(*row.client);
      preview.push_back(std::move(shown));
    }
    answer["preview"] = std::move(preview);
  } else if (accepted == 0) {
    answer["success"] = false;
    answer["message"] = "no client was queued";
    answer["error"] = {{"code", "invalid_argument"}, {"field", "body"}};
    return reply(res, 400, std::move(answer));
  }
  reply_ok(res, std::move(answer));
}

}  // namespace

void add_import_routes(Router& router, Context& context) {
  router.post("/api/dialer/queue/import",
              [&context](const httplib::Request& req, httplib::Response& res) {
                import(context, req, res);
              });
}

}  // namespace dialer::http
