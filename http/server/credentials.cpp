#include "http/server/credentials.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>

#include "events/secrets.hpp"

namespace dialer::http {
namespace {

template <class Digest>
std::vector<Digest> digests(const std::vector<std::string>& secrets,
                            Digest (*digest)(std::string_view)) {
  std::vector<Digest> out;
  for (const auto& secret : secrets) {
    if (!secret.empty()) out.push_back(digest(secret));
  }
  return out;
}

}  // namespace

Credentials::Credentials(std::vector<std::string> env_api_keys, std::string env_webhook_token)
    : env_api_keys_(digests(env_api_keys, &Credentials::digest)),
      env_tokens_(digests(std::vector{std::move(env_webhook_token)}, &Credentials::digest)) {}

void Credentials::set_configured(const std::vector<std::string>& api_key_digests,
                                 const std::string& webhook_token_digest) {
  auto kept = [](std::vector<std::string> stored) {
    std::erase_if(stored, [](const auto& each) { return !events::is_secret_digest(each); });
    return stored;
  };
  auto keys = kept(api_key_digests);
  auto tokens = kept({webhook_token_digest});
  Lock lock{mutex_};
  configured_api_keys_ = std::move(keys);
  configured_tokens_ = std::move(tokens);
}

void Credentials::accept_simulator_token(const std::string& token) {
  if (token.empty()) return;
  auto accepted = digest(token);
  Lock lock{mutex_};
  if (std::find(simulator_tokens_.begin(), simulator_tokens_.end(), accepted) ==
      simulator_tokens_.end())
    simulator_tokens_.push_back(accepted);
}

bool Credentials::api_keys_required() const {
  Lock lock{mutex_};
  return !env_api_keys_.empty() || !configured_api_keys_.empty();
}

bool Credentials::accepts_api_key(std::string_view presented) const {
  Lock lock{mutex_};
  // Both lists are always walked, so the answer's timing does not say which one matched.
  bool env = matches_any(env_api_keys_, presented);
  bool configured = matches_any(configured_api_keys_, presented);
  return env || configured;
}

bool Credentials::webhook_token_set() const {
  Lock lock{mutex_};
  return !env_tokens_.empty() || !configured_tokens_.empty();
}

bool Credentials::webhooks_accepted() const {
  Lock lock{mutex_};
  return !env_tokens_.empty() || !configured_tokens_.empty() || !simulator_tokens_.empty();
}

bool Credentials::accepts_webhook_token(std::string_view presented) const {
  Lock lock{mutex_};
  bool env = matches_any(env_tokens_, presented);
  bool configured = matches_any(configured_tokens_, presented);
  bool simulator = matches_any(simulator_tokens_, presented);
  return env || configured || simulator;
}

// Compared as digests: equal lengths, so CRYPTO_memcmp's constant time covers secrets of
// any length.
Credentials::Digest Credentials::digest(std::string_view text) {
  Digest out{};
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), out.data(), &length, EVP_sha256(), nullptr);
  return out;
}

bool Credentials::matches_any(const std::vector<std::string>& stored, std::string_view presented) {
  bool found = false;
  for (const auto& digest : stored) found |= events::digest_matches(digest, presented);
  return found;
}

bool Credentials::matches_any(const std::vector<Digest>& secrets, std::string_view presented) {
  auto candidate = digest(presented);
  bool found = false;
  for (const auto& secret : secrets) {
    found |= CRYPTO_memcmp(secret.data(), candidate.data(), candidate.size()) == 0;
  }
  return found;
}

}  // namespace dialer::http
