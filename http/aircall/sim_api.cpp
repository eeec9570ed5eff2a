// aircall-sim's HTTP API over its model (sim_model.hpp): Aircall's routes with Basic auth,
// the rate-limit headers and Aircall's error bodies, plus /sim/... for tests and demos.

#include <httplib.h>
#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "actors/rules/phone.hpp"
#include "http/aircall/json.hpp"
#include "http/aircall/sim.hpp"
#include "http/aircall/sim_model.hpp"
#include "http/server/listen_thread.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

std::int64_t int_param(const httplib::Request& req, const char* name, std::int64_t fallback) {
  if (!req.has_param(name)) return fallback;
  try {
    return std::stoll(req.get_param_value(name));
  } catch (const std::exception&) {
    return fallback;
  }
}

// An id in the path, or 0 when it is too long to be one.
std::int64_t path_id(const httplib::Request& req) {
  try {
    return std::stoll(req.matches[1]);
  } catch (const std::exception&) {
    return 0;
  }
}

struct Paging {
  std::int64_t page = 1;
  std::int64_t per_page = 20;
  std::int64_t first() const { return (page - 1) * per_page; }
  std::int64_t end(std::int64_t total) const { return std::min(first() + per_page, total); }
};

Paging paging_of(const httplib::Request& req) {
  return {std::max<std::int64_t>(int_param(req, "page", 1), 1),
          std::clamp<std::int64_t>(int_param(req, "per_page", 20), 1, 50)};
}

// Aircall's list envelope: {"meta": {...}, "<resource>": [...]}.
json list_json(const std::string& resource, const Paging& paging, json items, std::int64_t total) {
  auto link = [&](std::int64_t page) {
    return json("https://api.aircall.io/v1/" + resource + "?page=" + std::to_string(page) +
                "&per_page=" + std::to_string(paging.per_page));
  };
  json meta{{"count", items.size()},
            {"total", total},
            {"current_page", paging.page},
            {"per_page", paging.per_page},
            {"next_page_link", paging.end(total) < total ? link(paging.page + 1) : json(nullptr)},
            {"previous_page_link", paging.page > 1 ? link(paging.page - 1) : json(nullptr)}};
  return {{"meta", std::move(meta)}, {resource, std::move(items)}};
}

// The page of `ids` the request asks for, each as `to_json` gives it, in Aircall's envelope.
template <class ToJson>
json id_page(const std::string& resource, const httplib::Request& req,
             const std::vector<std::int64_t>& ids, ToJson to_json) {
  auto paging = paging_of(req);
  auto total = static_cast<std::int64_t>(ids.size());
  json page = json::array();
  for (auto i = paging.first(); i < paging.end(total); ++i) {
    page.push_back(to_json(ids[static_cast<std::size_t>(i)]));
  }
  return list_json(resource, paging, std::move(page), total);
}

void reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

struct AircallSim::Impl {
  explicit Impl(SimOptions opts) : options(std::move(opts)), model(options) {}

  SimOptions options;
  SimModel model;
  httplib::Server server;
  ListenThread listener;
  int port = 0;

  // Basic auth, the rate limit and injected faults, in Aircall's order; false when answered.
  bool admit(const httplib::Request& req, httplib::Response& res) {
    auto header = req.get_header_value("Authorization");
    if (header.empty()) {
      reply(res, 401, {{"message", "Unauthorized"}});
      return false;
    }
    auto expected = httplib::make_basic_authentication_header(options.api_id, options.api_token);
    if (header != expected.second) {
      reply(res, 403, {{"error", "Forbidden"}, {"troubleshoot", "Check your API ID and token"}});
      return false;
    }
    auto budget = model.admit();
    res.set_header("X-AircallApi-Limit", std::to_string(budget.limit));
    res.set_header("X-AircallApi-Reset", std::to_string(budget.reset_at_seconds));
    res.set_header("X-AircallApi-Remaining", std::to_string(budget.remaining));
    switch (budget.admission) {
      case SimModel::Admission::admitted:
        return true;
      case SimModel::Admission::rate_limited:
        reply(res, 429, {{"error", "Too many requests"}, {"troubleshoot", "Wait for the reset"}});
        return false;
      case SimModel::Admission::server_error:
        reply(res, 500, {{"error", "Internal server error"}});
        return false;
    }
    return false;
  }

  void routes() {
    server.Get("/v1/ping", [this](const httplib::Request& req, httplib::Response& res) {
      if (admit(req, res)) reply(res, 200, {{"ping", "pong"}});
    });
    server.Post(R"(/v1/users/(\d+)/calls)", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
      if (!admit(req, res)) return;
      auto user_id = path_id(req);
      if (!model.known_user(user_id)) return reply(res, 404, {{"error", "Not found"}});
      auto body = parse_lenient(req.body);
      if (body.is_discarded() || !body.is_object() || !body.contains("to") ||
          !body["to"].is_string()) {
        return reply(res, 400, {{"error", "Invalid request"}, {"troubleshoot", "to is required"}});
      }
      auto to = rules::normalize_phone(body["to"].get<std::string>());
      if (!to) {
        return reply(res, 400,
                     {{"error", "Invalid phone number"}, {"troubleshoot", "Use the E.164 format"}});
      }
      std::int64_t number_id = body.value("number_id", json(0)).is_number_integer()
                                   ? body["number_id"].get<std::int64_t>()
                                   : 0;
      if (!model.start_call(user_id, number_id, *to)) {
        return reply(res, 405,
                     {{"error", "User not available"},
                      {"troubleshoot", "The user is unavailable or already on a call"}});
      }
      res.status = 204;
    });
    server.Get(R"(/v1/users/(\d+)/availability)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 if (!admit(req, res)) return;
                 auto user_id = path_id(req);
                 if (!model.known_user(user_id)) return reply(res, 404, {{"error", "Not found"}});
                 reply(res, 200, {{"availability", model.availability(user_id)}});
               });
    server.Get(R"(/v1/calls/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto found = model.call(path_id(req));
      if (!found) return reply(res, 404, {{"error", "Not found"}});
      reply(res, 200, {{"call", std::move(*found)}});
    });
    server.Post(R"(/v1/calls/(\d+)/comments)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  if (!admit(req, res)) return;
                  auto body = parse_lenient(req.body);
                  if (body.is_discarded() || !body.contains("content") ||
                      !body["content"].is_string() || body["content"].get<std::string>().empty()) {
                    return reply(res, 400, {{"error", "content is required"}});
                  }
                  if (!model.comment(path_id(req), body["content"].get<std::string>())) {
                    return reply(res, 404, {{"error", "Not found"}});
                  }
                  res.status = 201;
                });
    server.Get("/v1/calls", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto paging = paging_of(req);
      std::size_t total = 0;
      auto page = model.calls_between(int_param(req, "from", 0), int_param(req, "to", INT64_MAX),
                                      req.get_param_value("order") == "desc",
                                      static_cast<std::size_t>(paging.first()),
                                      static_cast<std::size_t>(paging.per_page), total);
      reply(res, 200,
            list_json("calls", paging, json(std::move(page)), static_cast<std::int64_t>(total)));
    });
    server.Get("/v1/users", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      reply(res, 200, id_page("users", req, model.user_ids(), [this](std::int64_t id) {
              return sim_user_json(id, model.availability(id));
            }));
    });
    server.Get(R"(/v1/users/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto user_id = path_id(req);
      if (!model.known_user(user_id)) return reply(res, 404, {{"error", "Not found"}});
      auto user = sim_user_json(user_id, model.availability(user_id));
      user["numbers"] = json::array();
      for (auto n : model.number_ids()) user["numbers"].push_back(sim_number_json(n));
      reply(res, 200, {{"user", std::move(user)}});
    });
    server.Get("/v1/numbers", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      reply(res, 200, id_page("numbers", req, model.number_ids(), sim_number_json));
    });
    // Not Aircall's: what the simulator saw, for tests and benchmarks.
    server.Get("/sim/stats", [this](const httplib::Request&, httplib::Response& res) {
      auto stats = model.stats();
      reply(res, 200,
            {{"callsStarted", stats.calls_started},
             {"callsRefused", stats.calls_refused},
             {"rateLimited", stats.rate_limited},
             {"serverErrors", stats.server_errors},
             {"deliveries", stats.deliveries},
             {"redeliveries", stats.redeliveries},
             {"overlappingCalls", stats.overlapping_calls},
             {"webhookSubscriptions", stats.webhook_subscriptions},
             {"callsLive", model.calls_live()}});
    });
    // Not Aircall's: lets a test or a demo open and close a user, as the Workspace would.
    server.Post(R"(/sim/users/(\d+)/availability)", [this](const httplib::Request& req,
                                                           httplib::Response& res) {
      auto body = parse_lenient(req.body);
      if (body.is_discarded() || !body.contains("available") || !body["available"].is_boolean()) {
        return reply(res, 400, {{"error", "available (true or false) is required"}});
      }
      model.set_available(path_id(req), body["available"].get<bool>());
      reply(res, 200, {{"available", body["available"]}});
    });
    // Not Aircall's: an agent tagging a call in Aircall's app ({tags: [names]}, as they now
    // stand), for a test or a demo.
    server.Post(R"(/sim/calls/(\d+)/tags)",
                [this](const httplib::Request& req, httplib::Response& res) {
                  auto body = parse_lenient(req.body);
                  if (body.is_discarded() || !body.contains("tags") || !body["tags"].is_array()) {
                    return reply(res, 400, {{"error", "tags (a list of names) is required"}});
                  }
                  std::vector<std::string> names;
                  for (const auto& tag : body["tags"]) {
                    if (!tag.is_string()) return reply(res, 400, {{"error", "each tag is a name"}});
                    names.push_back(tag.get<std::string>());
                  }
                  if (!model.set_tags(path_id(req), names))
                    return reply(res, 404, {{"error", "Not found"}});
                  reply(res, 200, {{"tags", body["tags"]}});
                });
    server.Post("/v1/webhooks", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto body = parse_lenient(req.body);
      if (body.is_discarded() || !body.contains("url") || !body["url"].is_string()) {
        return reply(res, 400, {{"error", "url is required"}});
      }
      auto url = body["url"].get<std::string>();
      auto token = model.subscribe(url);
      reply(res, 201,
            {{"webhook",
              {{"webhook_id", "sim-webhook"},
               {"url", std::move(url)},
               {"token", std::move(token)},
               {"events", body.value("events", json::array())},
               {"active", true}}}});
    });
  }
};

AircallSim::AircallSim(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Result<std::unique_ptr<AircallSim>> AircallSim::start(SimOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  auto& server = impl->server;
  server.set_tcp_nodelay(true);
  server.set_socket_options([](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.new_task_queue = [] { return new httplib::ThreadPool(32); };
  // Its clients keep connections open between requests; a stop waits for each to go idle.
  server.set_keep_alive_timeout(1);
  impl->routes();
  const auto& bind = impl->options.bind;
  if (impl->options.port == 0) {
    impl->port = server.bind_to_any_port(bind);
  } else if (server.bind_to_port(bind, impl->options.port)) {
    impl->port = impl->options.port;
  }
  if (impl->port <= 0) {
    return Error{ErrorCode::unavailable,
                 "aircall-sim cannot listen on " + bind + ":" + std::to_string(impl->options.port)};
  }
  impl->listener.start(server);
  impl->model.start();
  return std::unique_ptr<AircallSim>{new AircallSim{std::move(impl)}};
}

AircallSim::~AircallSim() {
  stop();
}

void AircallSim::stop() {
  if (!impl_) return;
  impl_->model.stop();
  impl_->listener.stop();
}

int AircallSim::port() const {
  return impl_->port;
}

std::string AircallSim::base_url() const {
  return "http://" + impl_->options.bind + ":" + std::to_string(impl_->port);
}

void AircallSim::set_webhook_target(std::string url, std::string token) {
  impl_->model.set_webhook_target(std::move(url), std::move(token));
}

void AircallSim::set_user_available(std::int64_t user_id, bool available) {
  impl_->model.set_available(user_id, available);
}

SimStats AircallSim::stats() const {
  return impl_->model.stats();
}

}  // namespace dialer::http
