#pragma once

// The secrets the edge checks: REST API keys (Authorization: Bearer) and Aircall's webhook
// token. Each comes from the environment and from config; either source is accepted.
// Comparisons take the same time whatever the presented value shares with a secret.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "events/mutex.hpp"
#include "http/aircall/webhook_inbox.hpp"

namespace dialer::http {

class Credentials : public WebhookTokens {
 public:
  Credentials(std::vector<std::string> env_api_keys, std::string env_webhook_token);

  // The secrets config holds now (after start and after every config change): their salted
  // digests, as the log keeps them (events/secrets.hpp).
  void set_configured(const std::vector<std::string>& api_key_digests,
                      const std::string& webhook_token_digest);

  // The token of the simulator inside dialerd (mock mode): accepted for as long as it runs.
  void accept_simulator_token(const std::string& token);

  bool api_keys_required() const;
  // Whether dialerd was given these in its environment or options (config may add more).
  bool environment_api_keys() const { return !env_api_keys_.empty(); }
  bool environment_webhook_token() const { return !env_tokens_.empty(); }
  bool accepts_api_key(std::string_view presented) const;
  // Whether the Aircall account's webhook token is known (the simulator's does not count).
  bool webhook_token_set() const;
  // Whether any webhook token, the account's or the simulator's, is accepted.
  bool webhooks_accepted() const override;
  bool accepts_webhook_token(std::string_view presented) const override;

 private:
  using Digest = std::array<std::uint8_t, 32>;
  static Digest digest(std::string_view text);
  static bool matches_any(const std::vector<Digest>& secrets, std::string_view presented);
  static bool matches_any(const std::vector<std::string>& stored, std::string_view presented);

  std::vector<Digest> env_api_keys_;
  std::vector<Digest> env_tokens_;
  mutable Mutex mutex_;
  std::vector<std::string> configured_api_keys_ GUARDED_BY(mutex_);
  std::vector<std::string> configured_tokens_ GUARDED_BY(mutex_);
  std::vector<Digest> simulator_tokens_ GUARDED_BY(mutex_);
};

}  // namespace dialer::http
