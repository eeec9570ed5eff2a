#include "http/aircall_sim.hpp"

#include <httplib.h>
#include <sys/socket.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <queue>
#include <random>
#include <set>
#include <thread>

#include "actors/rules/phone.hpp"
#include "http/listen_thread.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Aircall shows numbers spaced ("+43 720 880079"); the dialer compares digits only.
std::string displayed(const std::string& e164) {
  if (e164.size() < 4) return e164;
  return e164.substr(0, 3) + " " + e164.substr(3);
}

// Numbers in a range set aside for drama (020 7946 0xxx), so that none rings anybody.
std::string number_digits(std::int64_t number_id) {
  auto suffix = std::to_string(number_id % 1000);
  return "+44 20 7946 0" + std::string(3 - suffix.size(), '0') + suffix;
}

json number_json(std::int64_t number_id) {
  return {{"id", number_id},
          {"direct_link", "https://api.aircall.io/v1/numbers/" + std::to_string(number_id)},
          {"name", "Line " + std::to_string(number_id)},
          {"digits", number_digits(number_id)},
          {"country", "GB"},
          {"time_zone", "Europe/London"},
          {"open", true},
          {"is_ivr", false}};
}

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

json user_json(std::int64_t user_id, const std::string& availability) {
  auto id = std::to_string(user_id);
  return {{"id", user_id},
          {"direct_link", "https://api.aircall.io/v1/users/" + id},
          {"name", "Agent " + id},
          {"email", "agent" + id + "@example.com"},
          {"available", availability == "available"},
          {"availability_status", availability == "offline" ? "unavailable" : "available"},
          {"time_zone", "Europe/London"},
          {"language", "en-GB"}};
}

struct SimCall {
  std::int64_t id = 0;
  std::int64_t user_id = 0;
  std::int64_t number_id = 0;
  std::string to;  // E.164
  std::int64_t started_at = 0;
  std::optional<std::int64_t> answered_at;
  std::optional<std::int64_t> ended_at;
  std::string hangup_cause;
  std::string status = "initial";  // initial, answered, done
};

json call_json(const SimCall& call) {
  auto or_null = [](const std::optional<std::int64_t>& value) {
    return value ? json(*value) : json(nullptr);
  };
  std::int64_t duration = call.ended_at ? *call.ended_at - call.started_at : 0;
  return {{"id", call.id},
          {"direct_link", "https://api.aircall.io/v1/calls/" + std::to_string(call.id)},
          {"direction", "outbound"},
          {"status", call.status},
          {"missed_call_reason", nullptr},
          {"started_at", call.started_at},
          {"answered_at", or_null(call.answered_at)},
          {"ended_at", or_null(call.ended_at)},
          {"duration", duration},
          {"hangup_cause", call.hangup_cause.empty() ? json(nullptr) : json(call.hangup_cause)},
          {"voicemail", nullptr},
          {"recording", nullptr},
          {"raw_digits", displayed(call.to)},
          {"user",
           {{"id", call.user_id},
            {"direct_link", "https://api.aircall.io/v1/users/" + std::to_string(call.user_id)},
            {"name", "Agent " + std::to_string(call.user_id)},
            {"available", !call.ended_at},
            {"availability_status", "available"}}},
          {"number", number_json(call.number_id)},
          {"archived", false},
          {"teams", json::array()},
          {"comments", json::array()},
          {"tags", json::array()}};
}

}  // namespace

struct AircallSim::Impl {
  SimOptions options;
  httplib::Server server;
  ListenThread listener;
  int port = 0;

  mutable std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  std::mt19937_64 random;
  std::map<std::int64_t, SimCall> calls;
  std::set<std::int64_t> unavailable_users;
  std::set<std::int64_t> users_on_call;
  std::map<std::string, int> numbers_on_call;
  std::int64_t next_call_id = 0;
  std::int64_t window_start = 0;  // UNIX seconds, the rate limit's current minute
  int window_used = 0;
  SimStats stats;

  // Deliveries and call steps, by due time.
  struct Job {
    SteadyClock::time_point due;
    std::uint64_t order = 0;
    std::function<void()> step;  // a call's next step; empty for a delivery
    std::string body;            // a delivery
    int attempt = 0;
    bool operator>(const Job& other) const {
      return std::tie(due, order) > std::tie(other.due, other.order);
    }
  };
  std::priority_queue<Job, std::vector<Job>, std::greater<>> jobs;
  std::uint64_t order = 0;
  std::vector<Job> parked;  // deliveries made before any webhook target was set
  std::thread worker;

  void unpark() {
    for (auto& job : parked) jobs.push(std::move(job));
    parked.clear();
    wake.notify_all();
  }

  explicit Impl(SimOptions opts) : options(std::move(opts)), random(options.seed) {
    next_call_id = 900'000'000 + static_cast<std::int64_t>(options.seed % 1000) * 1'000'000;
  }

  double roll() { return std::uniform_real_distribution<double>{0, 1}(random); }

  // --- webhooks ---

  void deliver_later(std::string body, milliseconds delay) {
    // Called with the mutex held.
    auto extra = options.max_delay_ms > 0
                     ? milliseconds{std::uniform_int_distribution<std::int64_t>{
                           0, options.max_delay_ms}(random)}
                     : milliseconds{0};
    if (options.reorder_rate > 0 && roll() < options.reorder_rate) extra += milliseconds{250};
    auto due = SteadyClock::now() + delay + extra;
    if (options.duplicate_rate > 0 && roll() < options.duplicate_rate) {
      jobs.push(Job{due + milliseconds{5}, order++, {}, body, 0});
    }
    jobs.push(Job{due, order++, {}, std::move(body), 0});
    wake.notify_all();
  }

  void announce_call(const char* event, const SimCall& call, milliseconds delay = milliseconds{0}) {
    json body{{"resource", "call"},
              {"event", event},
              {"timestamp", unix_seconds()},
              {"token", options.webhook_token},
              {"data", call_json(call)}};
    deliver_later(body.dump(), delay);
  }

  void announce_user(const char* event, std::int64_t user_id) {
    json body{{"resource", "user"},
              {"event", event},
              {"timestamp", unix_seconds()},
              {"token", options.webhook_token},
              {"data",
               {{"id", user_id},
                {"name", "Agent " + std::to_string(user_id)},
                {"available", std::string{event} == "user.opened"},
                {"availability_status",
                 std::string{event} == "user.opened" ? "available" : "unavailable"}}}};
    deliver_later(body.dump(), milliseconds{0});
  }

  void schedule_step(milliseconds delay, std::function<void()> step) {
    jobs.push(Job{SteadyClock::now() + delay, order++, std::move(step), {}, 0});
    wake.notify_all();
  }

  void run_worker() {
    std::unique_ptr<httplib::Client> client;
    std::string client_target;
    std::unique_lock lock{mutex};
    while (!stopping) {
      if (jobs.empty()) {
        wake.wait(lock);
        continue;
      }
      if (!jobs.top().step && options.webhook_url.empty()) {
        // Nowhere to send it yet: kept until a target is set.
        parked.push_back(jobs.top());
        jobs.pop();
        continue;
      }
      auto due = jobs.top().due;
      if (due > SteadyClock::now()) {
        wake.wait_until(lock, due);
        continue;
      }
      auto job = jobs.top();
      jobs.pop();
      if (job.step) {
        job.step();  // runs with the mutex held
        continue;
      }
      auto url = options.webhook_url;
      lock.unlock();
      // "http://host:port/path": the client takes the origin, the request the path.
      auto path_at = url.find('/', url.find("//") + 2);
      auto origin = url.substr(0, path_at);
      auto path = path_at == std::string::npos ? std::string{"/"} : url.substr(path_at);
      if (!client || client_target != origin) {
        client = std::make_unique<httplib::Client>(origin);
        client->set_tcp_nodelay(true);
        client->set_keep_alive(true);
        client->set_connection_timeout(std::chrono::seconds(2));
        client->set_read_timeout(std::chrono::seconds(5));  // Aircall waits 5 s
        client_target = origin;
      }
      auto answer = client->Post(path, job.body, "application/json");
      bool acknowledged = answer && answer->status >= 200 && answer->status < 300;
      lock.lock();
      if (job.attempt > 0) ++stats.redeliveries;
      if (acknowledged) {
        ++stats.deliveries;
      } else if (job.attempt < 50) {
        // Not acknowledged: sent again later, as Aircall retries a failed delivery.
        auto backoff =
            milliseconds{std::min<std::int64_t>(100LL << std::min(job.attempt, 6), 5'000)};
        jobs.push(
            Job{SteadyClock::now() + backoff, order++, {}, std::move(job.body), job.attempt + 1});
      }
    }
  }

  // --- calls ---

  void start_call(std::int64_t user_id, std::int64_t number_id, const std::string& to) {
    SimCall call{++next_call_id, user_id, number_id, to, unix_seconds(), {}, {}, {}, "initial"};
    auto id = call.id;
    if (users_on_call.contains(user_id) || numbers_on_call[to] > 0) ++stats.overlapping_calls;
    users_on_call.insert(user_id);
    ++numbers_on_call[to];
    ++stats.calls_started;
    auto draw = roll();
    bool busy = draw >= options.answer_rate + options.voicemail_rate &&
                draw < options.answer_rate + options.voicemail_rate + options.busy_rate;
    bool answered = draw < options.answer_rate + options.voicemail_rate;
    bool machine = answered && draw >= options.answer_rate;
    calls[id] = call;
    announce_call("call.created", call);
    auto ring = milliseconds{busy ? 0 : options.ring_ms};
    auto talk =
        milliseconds{machine ? std::min<std::int64_t>(options.talk_ms, 5'000) : options.talk_ms};
    if (answered) {
      schedule_step(ring, [this, id] {
        auto& c = calls[id];
        c.answered_at = unix_seconds();
        c.status = "answered";
        announce_call("call.answered", c);
      });
    }
    auto hang_up_after = answered ? ring + talk : ring;
    schedule_step(hang_up_after, [this, id, busy, answered] {
      auto& c = calls[id];
      c.ended_at = unix_seconds();
      c.status = "done";
      c.hangup_cause = busy ? "busy" : (answered ? "normal_clearing" : "no_answer");
      users_on_call.erase(c.user_id);
      if (--numbers_on_call[c.to] <= 0) numbers_on_call.erase(c.to);
      announce_call("call.hungup", c);
      announce_call("call.ended", c, milliseconds{options.ended_after_ms});
    });
  }

  void set_available(std::int64_t user_id, bool available) {
    std::lock_guard lock{mutex};
    bool changed =
        available ? unavailable_users.erase(user_id) > 0 : unavailable_users.insert(user_id).second;
    if (changed) announce_user(available ? "user.opened" : "user.closed", user_id);
  }

  // --- the API ---

  bool known_user(std::int64_t user_id) const { return user_id >= 1 && user_id <= options.users; }

  // Called with the mutex held.
  std::string availability_of(std::int64_t user_id) const {
    if (unavailable_users.contains(user_id)) return "offline";
    return users_on_call.contains(user_id) ? "in_call" : "available";
  }

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
    std::lock_guard lock{mutex};
    auto now = unix_seconds();
    if (now >= window_start + options.window_seconds) {
      window_start = now;
      window_used = 0;
    }
    res.set_header("X-AircallApi-Limit", std::to_string(options.requests_per_minute));
    res.set_header("X-AircallApi-Reset", std::to_string(window_start + options.window_seconds));
    if (window_used >= options.requests_per_minute) {
      res.set_header("X-AircallApi-Remaining", "0");
      ++stats.rate_limited;
      reply(res, 429, {{"error", "Too many requests"}, {"troubleshoot", "Wait for the reset"}});
      return false;
    }
    ++window_used;
    res.set_header("X-AircallApi-Remaining",
                   std::to_string(options.requests_per_minute - window_used));
    if (options.server_error_rate > 0 && roll() < options.server_error_rate) {
      ++stats.server_errors;
      reply(res, 500, {{"error", "Internal server error"}});
      return false;
    }
    return true;
  }

  static void reply(httplib::Response& res, int status, const json& body) {
    res.status = status;
    res.set_content(body.dump(), "application/json");
  }

  void routes() {
    server.Get("/v1/ping", [this](const httplib::Request& req, httplib::Response& res) {
      if (admit(req, res)) reply(res, 200, {{"ping", "pong"}});
    });
    server.Post(R"(/v1/users/(\d+)/calls)", [this](const httplib::Request& req,
                                                   httplib::Response& res) {
      if (!admit(req, res)) return;
      auto user_id = path_id(req);
      if (!known_user(user_id)) return reply(res, 404, {{"error", "Not found"}});
      auto body = json::parse(req.body, nullptr, false);
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
      std::lock_guard lock{mutex};
      if (unavailable_users.contains(user_id) || users_on_call.contains(user_id)) {
        ++stats.calls_refused;
        return reply(res, 405,
                     {{"error", "User not available"},
                      {"troubleshoot", "The user is unavailable or already on a call"}});
      }
      start_call(user_id, number_id, *to);
      res.status = 204;
    });
    server.Get(R"(/v1/users/(\d+)/availability)",
               [this](const httplib::Request& req, httplib::Response& res) {
                 if (!admit(req, res)) return;
                 auto user_id = path_id(req);
                 if (!known_user(user_id)) return reply(res, 404, {{"error", "Not found"}});
                 std::lock_guard lock{mutex};
                 reply(res, 200, {{"availability", availability_of(user_id)}});
               });
    server.Get(R"(/v1/calls/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      std::lock_guard lock{mutex};
      auto found = calls.find(path_id(req));
      if (found == calls.end()) return reply(res, 404, {{"error", "Not found"}});
      reply(res, 200, {{"call", call_json(found->second)}});
    });
    server.Get("/v1/calls", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto from = int_param(req, "from", 0);
      auto to = int_param(req, "to", INT64_MAX);
      auto paging = paging_of(req);
      bool newest_first = req.get_param_value("order") == "desc";
      std::lock_guard lock{mutex};
      std::vector<const SimCall*> listed;
      for (const auto& [id, call] : calls) {
        if (call.started_at >= from && call.started_at <= to) listed.push_back(&call);
      }
      if (newest_first) std::reverse(listed.begin(), listed.end());
      auto total = static_cast<std::int64_t>(listed.size());
      json page = json::array();
      for (auto i = paging.first(); i < paging.end(total); ++i)
        page.push_back(call_json(*listed[i]));
      reply(res, 200, list_json("calls", paging, std::move(page), total));
    });
    server.Get("/v1/users", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto paging = paging_of(req);
      std::lock_guard lock{mutex};
      json page = json::array();
      for (auto i = paging.first(); i < paging.end(options.users); ++i) {
        page.push_back(user_json(i + 1, availability_of(i + 1)));
      }
      reply(res, 200, list_json("users", paging, std::move(page), options.users));
    });
    server.Get(R"(/v1/users/(\d+))", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto user_id = path_id(req);
      if (!known_user(user_id)) return reply(res, 404, {{"error", "Not found"}});
      std::lock_guard lock{mutex};
      auto user = user_json(user_id, availability_of(user_id));
      user["numbers"] = json::array();
      for (std::int64_t n = 1; n <= options.numbers; ++n) user["numbers"].push_back(number_json(n));
      reply(res, 200, {{"user", std::move(user)}});
    });
    server.Get("/v1/numbers", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto paging = paging_of(req);
      json page = json::array();
      for (auto i = paging.first(); i < paging.end(options.numbers); ++i) {
        page.push_back(number_json(i + 1));
      }
      reply(res, 200, list_json("numbers", paging, std::move(page), options.numbers));
    });
    // Not Aircall's: what the simulator saw, for tests and benchmarks.
    server.Get("/sim/stats", [this](const httplib::Request&, httplib::Response& res) {
      std::lock_guard lock{mutex};
      reply(res, 200,
            {{"callsStarted", stats.calls_started},
             {"callsRefused", stats.calls_refused},
             {"rateLimited", stats.rate_limited},
             {"serverErrors", stats.server_errors},
             {"deliveries", stats.deliveries},
             {"redeliveries", stats.redeliveries},
             {"overlappingCalls", stats.overlapping_calls},
             {"webhookSubscriptions", stats.webhook_subscriptions},
             {"callsLive", users_on_call.size()}});
    });
    // Not Aircall's: lets a test or a demo open and close a user, as the Workspace would.
    server.Post(R"(/sim/users/(\d+)/availability)", [this](const httplib::Request& req,
                                                           httplib::Response& res) {
      auto body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.contains("available") || !body["available"].is_boolean()) {
        return reply(res, 400, {{"error", "available (true or false) is required"}});
      }
      set_available(path_id(req), body["available"].get<bool>());
      reply(res, 200, {{"available", body["available"]}});
    });
    server.Post("/v1/webhooks", [this](const httplib::Request& req, httplib::Response& res) {
      if (!admit(req, res)) return;
      auto body = json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.contains("url") || !body["url"].is_string()) {
        return reply(res, 400, {{"error", "url is required"}});
      }
      std::lock_guard lock{mutex};
      ++stats.webhook_subscriptions;
      options.webhook_url = body["url"].get<std::string>();
      unpark();
      reply(res, 201,
            {{"webhook",
              {{"webhook_id", "sim-webhook"},
               {"url", options.webhook_url},
               {"token", options.webhook_token},
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
  impl->worker = std::thread{[i = impl.get()] { i->run_worker(); }};
  return std::unique_ptr<AircallSim>{new AircallSim{std::move(impl)}};
}

AircallSim::~AircallSim() {
  stop();
}

void AircallSim::stop() {
  if (!impl_ || !impl_->worker.joinable()) return;
  {
    std::lock_guard lock{impl_->mutex};
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  impl_->worker.join();
  impl_->listener.stop();
}

int AircallSim::port() const {
  return impl_->port;
}

std::string AircallSim::base_url() const {
  return "http://" + impl_->options.bind + ":" + std::to_string(impl_->port);
}

void AircallSim::set_webhook_target(std::string url, std::string token) {
  std::lock_guard lock{impl_->mutex};
  impl_->options.webhook_url = std::move(url);
  impl_->options.webhook_token = std::move(token);
  impl_->unpark();
}

void AircallSim::set_user_available(std::int64_t user_id, bool available) {
  impl_->set_available(user_id, available);
}

SimStats AircallSim::stats() const {
  std::lock_guard lock{impl_->mutex};
  return impl_->stats;
}

}  // namespace dialer::http
