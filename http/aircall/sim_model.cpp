#include "http/aircall/sim_model.hpp"

#include <httplib.h>

#include <algorithm>

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

}  // namespace

json sim_number_json(std::int64_t number_id) {
  return {{"id", number_id},
          {"direct_link", "https://api.aircall.io/v1/numbers/" + std::to_string(number_id)},
          {"name", "Line " + std::to_string(number_id)},
          {"digits", number_digits(number_id)},
          {"country", "GB"},
          {"time_zone", "Europe/London"},
          {"open", true},
          {"is_ivr", false}};
}

json sim_user_json(std::int64_t user_id, const std::string& availability) {
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

json SimModel::call_json(const Call& call) {
  auto or_null = [](const std::optional<std::int64_t>& value) {
    return value ? json(*value) : json(nullptr);
  };
  std::int64_t duration = call.ended_at ? *call.ended_at - call.started_at : 0;
  json tags = json::array();
  for (const auto& [at, name] : call.tags) {
    tags.push_back(
        {{"id", std::hash<std::string>{}(name) % 1'000'000}, {"name", name}, {"tagged_at", at}});
  }
  json comments = json::array();
  for (const auto& [id, content, at] : call.comments) {
    comments.push_back({{"id", id}, {"content", content}, {"posted_at", at}});
  }
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
          {"number", sim_number_json(call.number_id)},
          {"archived", false},
          {"teams", json::array()},
          {"comments", comments},
          {"tags", tags}};
}

SimModel::SimModel(SimOptions options) : options_(std::move(options)), random_(options_.seed) {
  next_call_id_ = 900'000'000 + static_cast<std::int64_t>(options_.seed % 1000) * 1'000'000;
}

SimModel::~SimModel() {
  stop();
}

void SimModel::start() {
  worker_ = std::thread{[this] { run_worker(); }};
}

void SimModel::stop() {
  if (!worker_.joinable()) return;
  {
    Lock lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

double SimModel::roll() {
  return std::uniform_real_distribution<double>{0, 1}(random_);
}

// --- webhooks (with the mutex held) ---

void SimModel::unpark() {
  for (auto& job : parked_) jobs_.push(std::move(job));
  parked_.clear();
  wake_.notify_all();
}

void SimModel::deliver_later(std::string body, milliseconds delay) {
  auto extra = options_.max_delay_ms > 0 ? milliseconds{std::uniform_int_distribution<std::int64_t>{
                                               0, options_.max_delay_ms}(random_)}
                                         : milliseconds{0};
  if (options_.reorder_rate > 0 && roll() < options_.reorder_rate) extra += milliseconds{250};
  auto due = SteadyClock::now() + delay + extra;
  if (options_.duplicate_rate > 0 && roll() < options_.duplicate_rate) {
    jobs_.push(Job{due + milliseconds{5}, order_++, {}, body, 0});
  }
  jobs_.push(Job{due, order_++, {}, std::move(body), 0});
  wake_.notify_all();
}

void SimModel::announce_call(const char* event, const Call& call, milliseconds delay) {
  json body{{"resource", "call"},
            {"event", event},
            {"timestamp", unix_seconds()},
            {"token", options_.webhook_token},
            {"data", call_json(call)}};
  deliver_later(body.dump(), delay);
}

bool SimModel::comment(std::int64_t call_id, const std::string& content) {
  Lock lock{mutex_};
  auto found = calls_.find(call_id);
  if (found == calls_.end()) return false;
  found->second.comments.emplace_back(next_note_id_++, content, unix_seconds());
  announce_call("call.commented", found->second);
  return true;
}

bool SimModel::set_tags(std::int64_t call_id, const std::vector<std::string>& names) {
  Lock lock{mutex_};
  auto found = calls_.find(call_id);
  if (found == calls_.end()) return false;
  auto& call = found->second;
  bool removed = names.size() < call.tags.size();
  decltype(call.tags) tags;
  auto now = unix_seconds();
  for (const auto& name : names) {
    auto kept = std::find_if(call.tags.begin(), call.tags.end(),
                             [&](const auto& tag) { return tag.second == name; });
    tags.emplace_back(kept == call.tags.end() ? now : kept->first, name);
  }
  call.tags = std::move(tags);
  announce_call(removed ? "call.untagged" : "call.tagged", call);
  return true;
}

void SimModel::announce_user(const char* event, std::int64_t user_id) {
  bool opened = std::string{event} == "user.opened";
  json body{{"resource", "user"},
            {"event", event},
            {"timestamp", unix_seconds()},
            {"token", options_.webhook_token},
            {"data",
             {{"id", user_id},
              {"name", "Agent " + std::to_string(user_id)},
              {"available", opened},
              {"availability_status", opened ? "available" : "unavailable"}}}};
  deliver_later(body.dump(), milliseconds{0});
}

void SimModel::schedule_step(milliseconds delay, std::function<void()> step) {
  jobs_.push(Job{SteadyClock::now() + delay, order_++, std::move(step), {}, 0});
  wake_.notify_all();
}

void SimModel::run_worker() {
  std::unique_ptr<httplib::Client> client;
  std::string client_target;
  Lock lock{mutex_};
  while (!stopping_) {
    if (jobs_.empty()) {
      wake_.wait(lock.native());
      continue;
    }
    if (!jobs_.top().step && options_.webhook_url.empty()) {
      // Nowhere to send it yet: kept until a target is set.
      parked_.push_back(jobs_.top());
      jobs_.pop();
      continue;
    }
    auto due = jobs_.top().due;
    if (due > SteadyClock::now()) {
      wake_.wait_until(lock.native(), due);
      continue;
    }
    auto job = jobs_.top();
    jobs_.pop();
    if (job.step) {
      job.step();  // runs with the mutex held
      continue;
    }
    auto url = options_.webhook_url;
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
    if (job.attempt > 0) ++stats_.redeliveries;
    if (acknowledged) {
      ++stats_.deliveries;
    } else if (job.attempt < 50) {
      // Not acknowledged: sent again later, as Aircall retries a failed delivery.
      auto backoff = milliseconds{std::min<std::int64_t>(100LL << std::min(job.attempt, 6), 5'000)};
      jobs_.push(
          Job{SteadyClock::now() + backoff, order_++, {}, std::move(job.body), job.attempt + 1});
    }
  }
}

// --- the API's answers ---

SimModel::Budget SimModel::admit() {
  Lock lock{mutex_};
  auto now = unix_seconds();
  if (now >= window_start_ + options_.window_seconds) {
    window_start_ = now;
    window_used_ = 0;
  }
  Budget budget;
  budget.limit = options_.requests_per_minute;
  budget.reset_at_seconds = window_start_ + options_.window_seconds;
  if (window_used_ >= options_.requests_per_minute) {
    ++stats_.rate_limited;
    budget.admission = Admission::rate_limited;
    return budget;
  }
  ++window_used_;
  budget.remaining = options_.requests_per_minute - window_used_;
  if (options_.server_error_rate > 0 && roll() < options_.server_error_rate) {
    ++stats_.server_errors;
    budget.admission = Admission::server_error;
  }
  return budget;
}

bool SimModel::known_user(std::int64_t user_id) const {
  if (user_id >= 1 && user_id <= options_.users) return true;
  if (!options_.open_directory || user_id < 1) return false;
  Lock lock{mutex_};
  used_users_.insert(user_id);
  return true;
}

namespace {
std::vector<std::int64_t> directory(std::int64_t fixed, const std::set<std::int64_t>& used) {
  std::vector<std::int64_t> ids;
  for (std::int64_t id = 1; id <= fixed; ++id) ids.push_back(id);
  for (auto id : used) {
    if (id > fixed) ids.push_back(id);
  }
  return ids;
}
}  // namespace

std::vector<std::int64_t> SimModel::user_ids() const {
  Lock lock{mutex_};
  return directory(options_.users, used_users_);
}

std::vector<std::int64_t> SimModel::number_ids() const {
  Lock lock{mutex_};
  return directory(options_.numbers, used_numbers_);
}

std::string SimModel::availability(std::int64_t user_id) const {
  Lock lock{mutex_};
  if (unavailable_users_.contains(user_id)) return "offline";
  return users_on_call_.contains(user_id) ? "in_call" : "available";
}

bool SimModel::start_call(std::int64_t user_id, std::int64_t number_id, const std::string& to) {
  Lock lock{mutex_};
  if (unavailable_users_.contains(user_id) || users_on_call_.contains(user_id)) {
    ++stats_.calls_refused;
    return false;
  }
  if (options_.open_directory && number_id > 0) used_numbers_.insert(number_id);
  Call call{++next_call_id_, user_id, number_id, to, unix_seconds(), {}, {}, {}, "initial", {}, {}};
  auto id = call.id;
  if (numbers_on_call_[to] > 0) ++stats_.overlapping_calls;
  users_on_call_.insert(user_id);
  ++numbers_on_call_[to];
  ++stats_.calls_started;
  auto draw = roll();
  bool busy = draw >= options_.answer_rate + options_.voicemail_rate &&
              draw < options_.answer_rate + options_.voicemail_rate + options_.busy_rate;
  bool answered = draw < options_.answer_rate + options_.voicemail_rate;
  bool machine = answered && draw >= options_.answer_rate;
  calls_[id] = call;
  announce_call("call.created", call);
  auto ring = milliseconds{busy ? 0 : options_.ring_ms};
  auto talk =
      milliseconds{machine ? std::min<std::int64_t>(options_.talk_ms, 5'000) : options_.talk_ms};
  if (answered) {
    schedule_step(ring, [this, id]() REQUIRES(mutex_) {
      auto& c = calls_[id];
      c.answered_at = unix_seconds();
      c.status = "answered";
      announce_call("call.answered", c);
    });
  }
  auto hang_up_after = answered ? ring + talk : ring;
  schedule_step(hang_up_after, [this, id, busy, answered]() REQUIRES(mutex_) {
    auto& c = calls_[id];
    c.ended_at = unix_seconds();
    c.status = "done";
    c.hangup_cause = busy ? "busy" : (answered ? "normal_clearing" : "no_answer");
    users_on_call_.erase(c.user_id);
    if (--numbers_on_call_[c.to] <= 0) numbers_on_call_.erase(c.to);
    announce_call("call.hungup", c);
    announce_call("call.ended", c, milliseconds{options_.ended_after_ms});
  });
  return true;
}

std::optional<json> SimModel::call(std::int64_t call_id) const {
  Lock lock{mutex_};
  auto found = calls_.find(call_id);
  if (found == calls_.end()) return std::nullopt;
  return call_json(found->second);
}

std::vector<json> SimModel::calls_between(std::int64_t from, std::int64_t to, bool newest_first,
                                          std::size_t first, std::size_t count,
                                          std::size_t& total) const {
  Lock lock{mutex_};
  std::vector<const Call*> listed;
  for (const auto& [id, call] : calls_) {
    if (call.started_at >= from && call.started_at <= to) listed.push_back(&call);
  }
  if (newest_first) std::reverse(listed.begin(), listed.end());
  total = listed.size();
  std::vector<json> page;
  for (auto i = first; i < listed.size() && page.size() < count; ++i)
    page.push_back(call_json(*listed[i]));
  return page;
}

void SimModel::set_available(std::int64_t user_id, bool available) {
  Lock lock{mutex_};
  bool changed =
      available ? unavailable_users_.erase(user_id) > 0 : unavailable_users_.insert(user_id).second;
  if (changed) announce_user(available ? "user.opened" : "user.closed", user_id);
}

std::string SimModel::subscribe(std::string url) {
  Lock lock{mutex_};
  ++stats_.webhook_subscriptions;
  options_.webhook_url = std::move(url);
  unpark();
  return options_.webhook_token;
}

void SimModel::set_webhook_target(std::string url, std::string token) {
  Lock lock{mutex_};
  options_.webhook_url = std::move(url);
  options_.webhook_token = std::move(token);
  unpark();
}

SimStats SimModel::stats() const {
  Lock lock{mutex_};
  return stats_;
}

std::size_t SimModel::calls_live() const {
  Lock lock{mutex_};
  return users_on_call_.size();
}

}  // namespace dialer::http
