#include <algorithm>
#include <set>

#include "actors/projections/queue_view.hpp"
#include "actors/rules/calling_window.hpp"
#include "actors/rules/phone.hpp"
#include "http/exchange.hpp"
#include "http/routes.hpp"
#include "http/views.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxItemsPerRequest = 10'000;
const std::set<std::string> kListedStatuses{"pending", "in-progress", "completed", "failed",
                                            "skipped"};

Error invalid(std::string message, std::string field) {
  return Error{ErrorCode::invalid_argument, std::move(message), std::move(field)};
}

// The defaults `options` gives every item of one request.
struct Defaults {
  std::optional<std::int32_t> priority;
  std::string assigned_to;
  std::optional<std::int64_t> scheduled_for_ms;
  std::string notes;
};

Result<Defaults> defaults_of(const json& body) {
  Defaults defaults;
  auto options = body.value("options", json::object());
  if (!options.is_object()) return invalid("options must be an object", "options");
  auto priority = priority_field(options);
  if (!priority) return priority.error();
  defaults.priority = *priority;
  auto assigned = text_field(options, "assignedTo");
  if (!assigned) return assigned.error();
  auto user = text_field(body, "userId");
  if (!user) return user.error();
  defaults.assigned_to = assigned->value_or(user->value_or(""));
  auto scheduled = time_field(options, "scheduledFor");
  if (!scheduled) return scheduled.error();
  defaults.scheduled_for_ms = *scheduled;
  auto notes = text_field(options, "notes");
  if (!notes) return notes.error();
  defaults.notes = notes->value_or("");
  return defaults;
}

// One client of the request as the item to add, or why it cannot be.
Result<events::QueueItemAdded> item_of(const json& client, const Defaults& defaults) {
  if (client.is_string()) return item_of(json{{"phoneNumber", client}}, defaults);
  if (!client.is_object())
    return invalid("each client must be an object or a phone number", "clients");
  events::QueueItemAdded item;
  auto phone = text_field(client, "phoneNumber");
  if (!phone) return phone.error();
  if (!*phone || (*phone)->empty()) return invalid("phoneNumber is required", "phoneNumber");
  auto normalized = rules::normalize_phone(**phone);
  if (!normalized) return invalid(normalized.error().message, "phoneNumber");
  item.phone_number = *normalized;
  auto client_id = text_field(client, "clientId");
  if (!client_id) return client_id.error();
  item.client_id = client_id->value_or(item.phone_number);
  auto name = text_field(client, "name");
  if (!name) return name.error();
  item.name = name->value_or("");
  auto priority = priority_field(client);
  if (!priority) return priority.error();
  item.priority = priority->value_or(defaults.priority.value_or(10));
  auto scheduled = time_field(client, "scheduledFor");
  if (!scheduled) return scheduled.error();
  item.scheduled_for_ms = scheduled->has_value() ? *scheduled : defaults.scheduled_for_ms;
  auto notes = text_field(client, "notes");
  if (!notes) return notes.error();
  item.notes = notes->value_or(defaults.notes);
  auto zone = text_field(client, "timeZone");
  if (!zone) return zone.error();
  if (*zone && !(*zone)->empty()) {
    if (auto found = rules::find_zone(**zone); !found)
      return invalid(found.error().message, "timeZone");
    item.time_zone = **zone;
  }
  if (auto metadata = client.find("metadata"); metadata != client.end() && !metadata->is_null()) {
    if (!metadata->is_object()) return invalid("metadata must be an object", "metadata");
    item.metadata_json = metadata->dump();
  }
  item.assigned_to = defaults.assigned_to;
  return item;
}

void add(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto body = json_object(req);
  if (!body) return reply_error(res, body.error());
  const char* list_name = body->contains("clients") ? "clients" : "phoneNumbers";
  auto list = body->value(list_name, json());
  if (!list.is_array() || list.empty()) {
    return reply_error(res, invalid("clients or phoneNumbers must be a non-empty list", "clients"));
  }
  if (list.size() > kMaxItemsPerRequest) {
    return reply_error(
        res, invalid("at most " + std::to_string(kMaxItemsPerRequest) + " clients per request",
                     list_name));
  }
  auto defaults = defaults_of(*body);
  if (!defaults) return reply_error(res, defaults.error());

  json results = json::array();
  std::vector<events::QueueItemAdded> valid;
  std::vector<std::size_t> valid_index;  // the result each valid client answers
  for (std::size_t index = 0; index < list.size(); ++index) {
    auto item = item_of(list[index], *defaults);
    if (!item) {
      results.push_back({{"index", index}, {"success", false}, {"message", item.error().message}});
      continue;
    }
    results.push_back(nullptr);
    valid_index.push_back(index);
    valid.push_back(std::move(*item));
  }
  std::size_t created = 0;
  auto now = context.now_ms();
  auto answers = context.dialer.enqueue(std::move(valid));
  // Nothing queued because the server cannot write now (a full disk): the request is fine,
  // it is to be sent again.
  bool none_stored =
      std::none_of(answers.begin(), answers.end(), [](const auto& a) { return a.ok(); });
  if (none_stored && !answers.empty()) {
    for (const auto& answer : answers) {
      if (answer.error().code == ErrorCode::unavailable) return reply_error(res, answer.error());
    }
  }
  for (std::size_t i = 0; i < answers.size(); ++i) {
    auto index = valid_index[i];
    if (answers[i]) {
      ++created;
      results[index] = {
          {"index", index}, {"success", true}, {"queueItem", queue_item_json(*answers[i], now)}};
    } else {
      results[index] = {
          {"index", index}, {"success", false}, {"message", answers[i].error().message}};
    }
  }
  json answer{
      {"results", std::move(results)}, {"created", created}, {"failed", list.size() - created}};
  if (created == 0) {
    answer["success"] = false;
    answer["message"] = "no client was queued";
    answer["error"] = {{"code", "invalid_argument"}, {"field", list_name}};
    return reply(res, 400, std::move(answer));
  }
  reply_ok(res, std::move(answer));
}

void list(Context& context, const std::string& owner, const httplib::Request& req,
          httplib::Response& res) {
  projections::QueueQuery query;
  query.owner = owner;
  query.status = text_param(req, "status");
  if (!query.status.empty() && !kListedStatuses.contains(query.status)) {
    return reply_error(res, invalid("status must be one of pending, in-progress, completed, "
                                    "failed, skipped",
                                    "status"));
  }
  auto paging = paging_params(req);
  if (!paging) return reply_error(res, paging.error());
  query.page = std::move(*paging);
  context.caught_up();
  auto page = projections::query_queue(context.projections.view(), query);
  auto now = context.now_ms();
  json items = json::array();
  for (const auto& item : page.items) items.push_back(queue_item_json(item, now));
  reply_ok(res, {{"totalCount", page.total},
                 {"queueItems", std::move(items)},
                 {"nextCursor", page.next_cursor.empty() ? json(nullptr)
                                                         : json(encode_cursor(page.next_cursor))}});
}

Result<domain::queue_item::Update> update_of(const json& body) {
  domain::queue_item::Update update;
  auto assigned = text_field(body, "assignedTo");
  if (!assigned) return assigned.error();
  // null unpins; absent leaves the pin as it is.
  if (body.contains("assignedTo")) update.assigned_to = assigned->value_or("");
  auto priority = priority_field(body);
  if (!priority) return priority.error();
  update.priority = *priority;
  auto scheduled = time_field(body, "scheduledFor");
  if (!scheduled) return scheduled.error();
  update.scheduled_for_ms = *scheduled;
  update.unschedule = body.contains("scheduledFor") && body["scheduledFor"].is_null();
  auto notes = text_field(body, "notes");
  if (!notes) return notes.error();
  update.notes = *notes;
  auto status = text_field(body, "status");
  if (!status) return status.error();
  if (*status) {
    events::ManualStatus manual{};
    if (!from_string(**status, manual)) {
      return invalid("status must be one of pending, skipped, completed, failed", "status");
    }
    update.status = manual;
  }
  return update;
}

void update(Context& context, const std::string& id, const httplib::Request& req,
            httplib::Response& res) {
  auto body = json_object(req);
  if (!body) return reply_error(res, body.error());
  auto command = update_of(*body);
  if (!command) return reply_error(res, command.error());
  auto item = context.dialer.item(id, std::move(*command));
  if (!item) return reply_error(res, item.error());
  reply_ok(res, {{"queueItem", queue_item_json(*item, context.now_ms())}});
}

void remove(Context& context, const std::string& id, httplib::Response& res) {
  auto item = context.dialer.item(id, domain::queue_item::Cancel{"deleted"});
  if (!item) return reply_error(res, item.error());
  reply_ok(res, {{"queueItemId", id}});
}

}  // namespace

void add_queue_routes(Router& router, Context& context) {
  router.post(
      "/api/dialer/queue", "POST /api/dialer/queue",
      [&context](const httplib::Request& req, httplib::Response& res) { add(context, req, res); });
  router.get("/api/dialer/queue", "GET /api/dialer/queue",
             [&context](const httplib::Request& req, httplib::Response& res) {
               list(context, "", req, res);
             });
  router.get(R"(/api/dialer/queue/([^/]+))", "GET /api/dialer/queue/:userId",
             [&context](const httplib::Request& req, httplib::Response& res) {
               auto user = plain_id(req.matches[1].str(), "userId");
               if (!user) return reply_error(res, user.error());
               list(context, *user, req, res);
             });
  router.put(R"(/api/dialer/queue/([^/]+))", "PUT /api/dialer/queue/:queueItemId",
             [&context](const httplib::Request& req, httplib::Response& res) {
               auto id = plain_id(req.matches[1].str(), "queueItemId");
               if (!id) return reply_error(res, id.error());
               update(context, *id, req, res);
             });
  router.del(R"(/api/dialer/queue/([^/]+))", "DELETE /api/dialer/queue/:queueItemId",
             [&context](const httplib::Request& req, httplib::Response& res) {
               auto id = plain_id(req.matches[1].str(), "queueItemId");
               if (!id) return reply_error(res, id.error());
               remove(context, *id, res);
             });
}

}  // namespace dialer::http
