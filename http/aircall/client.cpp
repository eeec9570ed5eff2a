#include "http/aircall/client.hpp"

#include <httplib.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "actors/rules/phone.hpp"
#include "http/aircall/json.hpp"
#include "http/aircall/webhook.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;
using SystemClock = std::chrono::system_clock;

std::unique_ptr<httplib::Client> make_client(const AircallClientOptions& options) {
  auto client = std::make_unique<httplib::Client>(options.base_url);
  client->set_tcp_nodelay(true);
  client->set_keep_alive(true);
  client->set_basic_auth(options.api_id, options.api_token);
  client->set_connection_timeout(options.timeout);
  client->set_read_timeout(options.timeout);
  client->set_write_timeout(options.timeout);
  return client;
}

// Aircall's Reset header is a UNIX time, in seconds in every sample seen; a value above
// 1e12 can only be milliseconds.
std::optional<SystemClock::time_point> reset_time(const std::string& text) {
  if (text.empty()) return std::nullopt;
  try {
    auto value = std::stoll(text);
    auto ms = value > 1'000'000'000'000LL ? value : value * 1000;
    return SystemClock::time_point{std::chrono::milliseconds{ms}};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::string message_of(const AircallClient::Answer& answer) {
  auto body = parse_lenient(answer.body);
  if (body.is_object()) {
    for (const auto* key : {"error", "message"}) {
      if (body.contains(key) && body[key].is_string()) return body[key].get<std::string>();
    }
  }
  return answer.status == 0 ? "no answer from Aircall" : "HTTP " + std::to_string(answer.status);
}

// What went wrong with a read of `what`: an unknown id, or Aircall not answering as asked.
Error error_of(const AircallClient::Answer& answer, const std::string& what) {
  return Error{answer.status == 404 ? ErrorCode::not_found : ErrorCode::unavailable,
               "Aircall's " + what + ": " + message_of(answer)};
}

bool has_next_page(const json& list) {
  auto meta = list.find("meta");
  if (meta == list.end() || !meta->is_object()) return false;
  auto next = meta->find("next_page_link");
  return next != meta->end() && !next->is_null();
}

AircallNumber number_of(const json& number) {
  return {integer_or(number, "id"), text_or_empty(number, "name"), text_or_empty(number, "digits"),
          text_or_empty(number, "country"), text_or_empty(number, "time_zone")};
}

AircallUser user_of(const json& user) {
  AircallUser found{integer_or(user, "id"),
                    text_or_empty(user, "name"),
                    text_or_empty(user, "email"),
                    false,
                    text_or_empty(user, "availability_status"),
                    {}};
  if (auto available = user.find("available"); available != user.end() && available->is_boolean())
    found.available = available->get<bool>();
  if (auto numbers = user.find("numbers"); numbers != user.end() && numbers->is_array()) {
    for (const auto& number : *numbers) {
      if (number.is_object()) found.numbers.push_back(number_of(number));
    }
  }
  return found;
}

// Each entry of a list Aircall gave, read by `read`.
template <class Read>
auto each_of(Result<std::vector<json>> listed, Read read)
    -> Result<std::vector<decltype(read(json{}))>> {
  if (!listed) return listed.error();
  std::vector<decltype(read(json{}))> out;
  out.reserve(listed->size());
  for (const auto& entry : *listed) out.push_back(read(entry));
  return out;
}

actors::FoundCall found_call_of(const json& call) {
  actors::FoundCall found;
  found.aircall_call_id = integer_or(call, "id");
  found.started_at_ms = seconds_as_ms(call, "started_at").value_or(0);
  found.answered_at_ms = seconds_as_ms(call, "answered_at");
  if (text_or_empty(call, "status") == "done") found.ended = call_ended_of(call);
  return found;
}

actors::StartResult start_result_of(const AircallClient::Answer& answer) {
  using S = actors::StartStatus;
  auto message = message_of(answer);
  switch (answer.status) {
    case 200:
    case 201:
    case 204:
      return {S::accepted, ""};
    case 405:
      return {S::user_unavailable, message};
    case 400:
      return {S::bad_number, message};
    case 401:
    case 403:
    case 404:
    case 422:
      return {S::refused, message};
    case 429:
      return {S::rate_limited, message};
    default:
      // No answer, or a 5xx: the call may or may not exist. Never started again blindly.
      return {S::unknown, message};
  }
}

}  // namespace

AircallClient::AircallClient(AircallClientOptions options)
    : options_(std::move(options)), random_(options_.seed) {
  for (std::size_t i = 0; i < std::max<std::size_t>(options_.workers, 1); ++i) {
    workers_.emplace_back([this] { run_worker(); });
  }
}

AircallClient::~AircallClient() {
  {
    Lock lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void AircallClient::submit(Job job) {
  {
    Lock lock{mutex_};
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void AircallClient::run_worker() {
  auto client = make_client(options_);
  Lock lock{mutex_};
  while (true) {
    wake_.wait(lock.native(), [this]() REQUIRES(mutex_) { return stopping_ || !jobs_.empty(); });
    if (stopping_) return;
    auto job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    job(*client);
    lock.lock();
  }
}

void AircallClient::wait_for_budget() {
  Lock lock{mutex_};
  while (!stopping_ && SystemClock::now() < blocked_until_) {
    wake_.wait_until(lock.native(), blocked_until_);
  }
}

void AircallClient::note_limits(int status, const std::string& remaining,
                                const std::string& reset) {
  auto until = reset_time(reset);
  Lock lock{mutex_};
  // Out of budget, by Aircall's word: nothing more until the window resets.
  if (status == 429 || remaining == "0") {
    blocked_until_ =
        std::max(blocked_until_, until.value_or(SystemClock::now() + std::chrono::seconds(1)));
  }
}

std::chrono::milliseconds AircallClient::backoff(int attempt) {
  Lock lock{mutex_};
  auto base = std::min<std::int64_t>(200LL << attempt, 5'000);
  return std::chrono::milliseconds{
      std::uniform_int_distribution<std::int64_t>{base / 2, base}(random_)};
}

AircallClient::Answer AircallClient::send(httplib::Client& client, const std::string& method,
                                          const std::string& path, const std::string& body,
                                          bool safe) {
  Answer answer;
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    wait_for_budget();
    httplib::Result result{nullptr, httplib::Error::Unknown};
    if (method == "GET") {
      result = client.Get(path);
    } else {
      result = client.Post(path, body, "application/json");
    }
    if (options_.on_answer) {
      std::optional<int> remaining;
      if (result && result->has_header("X-AircallApi-Remaining")) {
        int left = 0;
        auto text = result->get_header_value("X-AircallApi-Remaining");
        if (std::from_chars(text.data(), text.data() + text.size(), left).ec == std::errc{}) {
          remaining = left;
        }
      }
      options_.on_answer(result ? result->status : 0, remaining);
    }
    if (!result) {
      answer = Answer{0, {}};
      if (!safe) return answer;
    } else {
      answer = Answer{result->status, result->body};
      note_limits(result->status, result->get_header_value("X-AircallApi-Remaining"),
                  result->get_header_value("X-AircallApi-Reset"));
      // A 429 started nothing: waiting for the reset and asking again is safe for any request.
      if (result->status == 429) continue;
      if (result->status < 500 || !safe) return answer;
    }
    auto pause = backoff(attempt);
    Lock lock{mutex_};
    wake_.wait_for(lock.native(), pause, [this]() REQUIRES(mutex_) { return stopping_; });
    if (stopping_) return answer;
  }
  return answer;
}

AircallClient::Answer AircallClient::blocking(const std::string& method, const std::string& path,
                                              const std::string& body, bool safe) {
  auto client = make_client(options_);
  return send(*client, method, path, body, safe);
}

void AircallClient::start_call(const actors::StartCall& call,
                               std::function<void(actors::StartResult)> done) {
  auto path = "/v1/users/" + std::to_string(call.aircall_user_id) + "/calls";
  auto body = json{{"number_id", call.number_id}, {"to", call.to}}.dump();
  submit([this, path, body, done = std::move(done)](httplib::Client& client) {
    done(start_result_of(send(client, "POST", path, body, /*safe=*/false)));
  });
}

void AircallClient::comment(std::int64_t aircall_call_id, std::string text, bool) {
  auto path = "/v1/calls/" + std::to_string(aircall_call_id) + "/comments";
  auto body = json{{"content", std::move(text)}}.dump();
  submit([this, path, body](httplib::Client& client) {
    (void)send(client, "POST", path, body, /*safe=*/false);
  });
}

void AircallClient::find_call(const actors::CallQuery& query,
                              std::function<void(Result<std::optional<actors::FoundCall>>)> done) {
  if (query.aircall_call_id != 0) return find_known_call(query.aircall_call_id, std::move(done));
  submit([this, query, done = std::move(done)](httplib::Client& client) {
    auto digits = rules::digits_only(query.to);
    auto from = query.since_ms / 1000;
    for (int page = 1; page <= 20; ++page) {
      auto answer = send(client, "GET",
                         "/v1/calls?from=" + std::to_string(from) +
                             "&order=asc&per_page=50&page=" + std::to_string(page),
                         {}, /*safe=*/true);
      if (answer.status != 200) {
        return done(Error{ErrorCode::unavailable, "Aircall's call list: " + message_of(answer)});
      }
      auto body = parse_lenient(answer.body);
      if (!body.is_object() || !body.contains("calls") || !body["calls"].is_array()) {
        return done(Error{ErrorCode::corrupt_data, "Aircall's call list is not a list of calls"});
      }
      for (const auto& call : body["calls"]) {
        if (!call.is_object() || text_or_empty(call, "direction") != "outbound") continue;
        if (user_id_of(call) != query.aircall_user_id) continue;
        if (rules::digits_only(text_or_empty(call, "raw_digits")) != digits) continue;
        return done(std::optional{found_call_of(call)});
      }
      if (!has_next_page(body)) break;
    }
    done(std::optional<actors::FoundCall>{});
  });
}

void AircallClient::find_known_call(
    std::int64_t aircall_call_id,
    std::function<void(Result<std::optional<actors::FoundCall>>)> done) {
  submit([this, aircall_call_id, done = std::move(done)](httplib::Client& client) {
    auto answer =
        send(client, "GET", "/v1/calls/" + std::to_string(aircall_call_id), {}, /*safe=*/true);
    if (answer.status == 404) return done(std::optional<actors::FoundCall>{});
    if (answer.status != 200) return done(error_of(answer, "call"));
    auto body = parse_lenient(answer.body);
    if (!body.is_object() || !body.contains("call") || !body["call"].is_object()) {
      return done(Error{ErrorCode::corrupt_data, "Aircall's call answer has no call"});
    }
    done(std::optional{found_call_of(body["call"])});
  });
}

Result<std::string> AircallClient::availability(std::int64_t aircall_user_id) {
  auto answer = blocking("GET", "/v1/users/" + std::to_string(aircall_user_id) + "/availability",
                         {}, /*safe=*/true);
  if (answer.status != 200) return error_of(answer, "availability");
  auto body = parse_lenient(answer.body);
  auto availability = body.is_object() ? text_or_empty(body, "availability") : std::string{};
  if (availability.empty()) {
    return Error{ErrorCode::corrupt_data, "Aircall's availability answer has no availability"};
  }
  return availability;
}

Result<AircallUser> AircallClient::user(std::int64_t aircall_user_id) {
  auto answer = blocking("GET", "/v1/users/" + std::to_string(aircall_user_id), {}, /*safe=*/true);
  if (answer.status != 200) return error_of(answer, "user " + std::to_string(aircall_user_id));
  auto body = parse_lenient(answer.body);
  if (!body.is_object() || !body.contains("user") || !body["user"].is_object()) {
    return Error{ErrorCode::corrupt_data, "Aircall's user answer has no user"};
  }
  return user_of(body["user"]);
}

Result<std::vector<AircallUser>> AircallClient::users() {
  return each_of(list("users"), user_of);
}

Result<std::vector<AircallNumber>> AircallClient::numbers() {
  return each_of(list("numbers"), number_of);
}

Result<std::vector<json>> AircallClient::list(const std::string& resource) {
  // Aircall pages by 50 at most; a company's users and numbers fit in far fewer pages.
  constexpr int kMaxPages = 200;
  auto client = make_client(options_);
  std::vector<json> found;
  for (int page = 1; page <= kMaxPages; ++page) {
    auto answer =
        send(*client, "GET", "/v1/" + resource + "?per_page=50&page=" + std::to_string(page), {},
             /*safe=*/true);
    if (answer.status != 200) return error_of(answer, resource);
    auto body = parse_lenient(answer.body);
    if (!body.is_object() || !body.contains(resource) || !body[resource].is_array()) {
      return Error{ErrorCode::corrupt_data, "Aircall's " + resource + " answer is not a list"};
    }
    for (auto& item : body[resource]) {
      if (item.is_object()) found.push_back(std::move(item));
    }
    if (!has_next_page(body)) return found;
  }
  return Error{ErrorCode::too_large,
               "Aircall's " + resource + " run past " + std::to_string(kMaxPages) + " pages"};
}

Result<std::string> AircallClient::subscribe_webhooks(const std::string& url,
                                                      const std::vector<std::string>& events) {
  auto answer =
      blocking("POST", "/v1/webhooks",
               json{{"url", url}, {"custom_name", "PowerDialer"}, {"events", events}}.dump(),
               /*safe=*/false);
  auto body = parse_lenient(answer.body);
  if (answer.status != 201 && answer.status != 200) {
    return Error{ErrorCode::unavailable, "Aircall's webhooks: " + message_of(answer)};
  }
  auto webhook = body.value("webhook", json::object());
  if (!webhook.contains("token") || !webhook["token"].is_string()) {
    return Error{ErrorCode::corrupt_data, "Aircall's webhook answer has no token"};
  }
  return webhook["token"].get<std::string>();
}

Status AircallClient::ping() {
  auto answer = blocking("GET", "/v1/ping", {}, /*safe=*/true);
  if (answer.status == 200) return Done{};
  return Error{answer.status == 401 || answer.status == 403 ? ErrorCode::unauthenticated
                                                            : ErrorCode::unavailable,
               "Aircall: " + message_of(answer)};
}

}  // namespace dialer::http
