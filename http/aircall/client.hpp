#pragma once

// The telephony port over Aircall's public API: Basic auth; start a call (204 without an
// id: the call is learnt from call.created, or from the call list when that does not
// come); a user's availability; users and numbers; the webhook subscription. It keeps to the
// company's rate limit, lowering its budget at once by what Aircall's headers and 429s say, and
// retries 5xx and timeouts with backoff and jitter — except a call start whose outcome is unknown,
// which is reported as such so that the call list is asked before anything else.

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <nlohmann/json_fwd.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "actors/telephony.hpp"
#include "events/mutex.hpp"

namespace httplib {
class Client;
}

namespace dialer::http {

struct AircallClientOptions {
  std::string base_url = "https://api.aircall.io";
  std::string api_id;
  std::string api_token;
  std::chrono::milliseconds timeout{std::chrono::seconds(5)};
  int max_attempts = 4;     // per request, 429s and (for safe requests) 5xx and timeouts
  std::size_t workers = 4;  // requests in flight at once
  std::uint64_t seed = 1;   // for the jitter
  // Hears every answer (status 0: none came) and the budget it says is left, for metrics.
  std::function<void(int status, std::optional<int> remaining)> on_answer;
};

struct AircallNumber {
  std::int64_t id = 0;
  std::string name;
  std::string digits;  // as Aircall shows them: "+44 20 7946 0007"
  std::string country;
  std::string time_zone;
};

struct AircallUser {
  std::int64_t id = 0;
  std::string name;
  std::string email;
  bool available = false;
  std::string availability_status;
  std::vector<AircallNumber> numbers;  // filled by user(id) only, as Aircall's list omits them
};

class AircallClient final : public actors::TelephonyPort {
 public:
  explicit AircallClient(AircallClientOptions options);
  ~AircallClient() override;
  AircallClient(const AircallClient&) = delete;
  AircallClient& operator=(const AircallClient&) = delete;

  void start_call(const actors::StartCall& call,
                  std::function<void(actors::StartResult)> done) override;
  void find_call(const actors::CallQuery& query,
                 std::function<void(Result<std::optional<actors::FoundCall>>)> done) override;
  void comment(std::int64_t aircall_call_id, std::string text, bool mock_mode) override;

  // Blocking: for the edge and for set-up, not for actors.
  Result<std::string> availability(std::int64_t aircall_user_id);
  Result<AircallUser> user(std::int64_t aircall_user_id);
  Result<std::vector<AircallUser>> users();
  Result<std::vector<AircallNumber>> numbers();
  // Subscribes `url` to `events`; answers the token Aircall will put in each delivery.
  Result<std::string> subscribe_webhooks(const std::string& url,
                                         const std::vector<std::string>& events);
  Status ping();

  struct Answer {
    int status = 0;  // 0: no answer (timeout, connection refused)
    std::string body;
  };

 private:
  using Job = std::function<void(httplib::Client&)>;
  void submit(Job job);
  void run_worker();
  // One request with the rate limit honoured; `safe` requests are retried on 5xx and when
  // no answer came, any request on 429.
  Answer send(httplib::Client& client, const std::string& method, const std::string& path,
              const std::string& body, bool safe);
  void find_known_call(std::int64_t aircall_call_id,
                       std::function<void(Result<std::optional<actors::FoundCall>>)> done);
  void wait_for_budget();
  void note_limits(int status, const std::string& remaining, const std::string& reset);
  std::chrono::milliseconds backoff(int attempt);
  Answer blocking(const std::string& method, const std::string& path, const std::string& body,
                  bool safe);
  // Every page of one of Aircall's lists, `resource` being its key ("users", "numbers").
  Result<std::vector<nlohmann::json>> list(const std::string& resource);

  AircallClientOptions options_;
  Mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::chrono::system_clock::time_point blocked_until_ GUARDED_BY(mutex_){};
  std::mt19937_64 random_ GUARDED_BY(mutex_);
  std::vector<std::thread> workers_;
};

}  // namespace dialer::http
