#include <algorithm>
#include <set>

#include "actors/projections/queue_view.hpp"
#include "http/mapping/exchange.hpp"
#include "http/mapping/requests.hpp"
#include "http/mapping/views.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

const std::set<std::string> kListedStatuses{"pending", "in-progress", "completed", "failed",
                                            "skipped"};

Error invalid(std::string message, std::string field) {
  return Error{ErrorCode::invalid_argument, std::move(message), std::move(field)};
}

void add(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto body = json_object(req);
  if (!body) return reply_error(res, body.error());
  auto request = read_queue_add(*body);
  if (!request) return reply_error(res, request.error());
  const auto& list_name = request->list_name;
  json results = json::array();
  std::vector<events::QueueItemAdded> valid;
  std::vector<std::size_t> valid_index;  // the result each valid client answers
  for (std::size_t index = 0; index < request->clients.size(); ++index) {
    auto& item = request->clients[index];
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
  json answer{{"results", std::move(results)},
              {"created", created},
              {"failed", request->clients.size() - created}};
  if (created == 0) {
    answer["success"] = false;
    answer["message"] = "no client was queued";
    answer["error"] = {{"code", "invalid_argument"}, {"field", list_name}};
    return reply(res, 400, std::move(answer));
  }
  reply_ok(res, std::move(answer));
}

Answer list(Context& context, const std::string& owner, const httplib::Request& req) {
  projections::QueueQuery query;
  query.owner = owner;
  query.status = text_param(req, "status");
  if (!query.status.empty() && !kListedStatuses.contains(query.status)) {
    return invalid("status must be one of pending, in-progress, completed, failed, skipped",
                   "status");
  }
  auto paging = paging_params(req);
  if (!paging) return paging.error();
  query.page = std::move(*paging);
  if (auto current = context.current_views(); !current) return current.error();
  auto page = projections::query_queue(context.projections.view(), query);
  auto now = context.now_ms();
  std::vector<std::string> pending;
  for (const auto& item : page.items) {
    if (item.status == domain::ItemStatus::pending) pending.push_back(item.details.item_id);
  }
  auto waiting = context.dialer.waiting_for(pending);
  json items = json::array();
  std::size_t next_pending = 0;
  for (const auto& item : page.items) {
    std::optional<dispatch::WaitInfo> why;
    if (item.status == domain::ItemStatus::pending) why = waiting[next_pending++];
    items.push_back(queue_item_json(item, now, why));
  }
  return json{{"totalCount", page.total},
              {"queueItems", std::move(items)},
              {"nextCursor",
               page.next_cursor.empty() ? json(nullptr) : json(encode_cursor(page.next_cursor))}};
}

Result<std::string> item_id_of(const PathParams& params) {
  return plain_id(std::string{params["queueItemId"]}, "queueItemId");
}

Answer update(Context& context, const PathParams& params, const httplib::Request& req) {
  auto id = item_id_of(params);
  if (!id) return id.error();
  auto body = json_object(req);
  if (!body) return body.error();
  auto command = read_queue_update(*body);
  if (!command) return command.error();
  auto item = context.dialer.item(*id, std::move(*command));
  if (!item) return item.error();
  return json{{"queueItem", queue_item_json(*item, context.now_ms())}};
}

Answer one(Context& context, const PathParams& params) {
  auto id = item_id_of(params);
  if (!id) return id.error();
  auto item = context.dialer.item(*id);
  if (!item) return item.error();
  if (item->details.item_id.empty()) {
    return Error{ErrorCode::not_found, "no queue item " + *id, "queueItemId"};
  }
  std::optional<dispatch::WaitInfo> why;
  if (item->status == domain::ItemStatus::pending) why = context.dialer.waiting_for({*id}).front();
  return json{{"queueItem", queue_item_json(*item, context.now_ms(), why)}};
}

Answer remove(Context& context, const PathParams& params) {
  auto id = item_id_of(params);
  if (!id) return id.error();
  auto item = context.dialer.item(*id, domain::queue_item::Cancel{"deleted"});
  if (!item) return item.error();
  return json{{"queueItemId", *id}};
}

}  // namespace

void add_queue_routes(Router& router, Context& context) {
  router.post("/api/dialer/queue", [&context](const httplib::Request& req, httplib::Response& res) {
    add(context, req, res);
  });
  router.get("/api/dialer/queue", [&context](const httplib::Request& req, httplib::Response& res) {
    reply_with(res, list(context, "", req));
  });
  // GET /queue/:id names an agent (the original's path); an item is read here.
  router.get("/api/dialer/queue/items/:queueItemId",
             [&context](const httplib::Request&, httplib::Response& res, const PathParams& params) {
               reply_with(res, one(context, params));
             });
  router.get(
      "/api/dialer/queue/:userId",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        auto user = plain_id(std::string{params["userId"]}, "userId");
        reply_with(res, user ? list(context, *user, req) : Answer{user.error()});
      });
  router.put(
      "/api/dialer/queue/:queueItemId",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        reply_with(res, update(context, params, req));
      });
  router.del("/api/dialer/queue/:queueItemId",
             [&context](const httplib::Request&, httplib::Response& res, const PathParams& params) {
               reply_with(res, remove(context, params));
             });
}

}  // namespace dialer::http
