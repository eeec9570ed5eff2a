#include "events/secrets.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cstdint>

#include "events/binary.hpp"
#include "events/bounded_json.hpp"

namespace dialer::events {
namespace {

constexpr std::string_view kScheme = "sha256$";

std::array<unsigned char, 32> sha256(std::string_view salt, std::string_view secret) {
  std::array<unsigned char, 32> out{};
  auto* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
  EVP_DigestUpdate(context, salt.data(), salt.size());
  EVP_DigestUpdate(context, secret.data(), secret.size());
  EVP_DigestFinal_ex(context, out.data(), nullptr);
  EVP_MD_CTX_free(context);
  return out;
}

// The salt and the digest a stored text holds; false when it is not one.
bool parse(std::string_view stored, std::string& salt, std::string& digest) {
  if (!stored.starts_with(kScheme)) return false;
  stored.remove_prefix(kScheme.size());
  auto dollar = stored.find('$');
  if (dollar == std::string_view::npos) return false;
  auto salt_bytes = from_hex(stored.substr(0, dollar));
  auto digest_bytes = from_hex(stored.substr(dollar + 1));
  if (!salt_bytes || !digest_bytes || digest_bytes->size() != 32) return false;
  salt = std::move(*salt_bytes);
  digest = std::move(*digest_bytes);
  return true;
}

}  // namespace

bool is_compared_secret(std::string_view key) {
  return std::find(kComparedSecretSettings.begin(), kComparedSecretSettings.end(), key) !=
         kComparedSecretSettings.end();
}

bool is_sent_secret(std::string_view key) {
  return std::find(kSentSecretSettings.begin(), kSentSecretSettings.end(), key) !=
         kSentSecretSettings.end();
}

std::string secret_digest(std::string_view secret, std::string_view salt) {
  auto digest = sha256(salt, secret);
  return std::string{kScheme} + to_hex(salt) + "$" +
         to_hex({reinterpret_cast<const char*>(digest.data()), digest.size()});
}

bool is_secret_digest(std::string_view text) {
  std::string salt, digest;
  return parse(text, salt, digest);
}

bool digest_matches(std::string_view stored, std::string_view presented) {
  std::string salt, digest;
  if (!parse(stored, salt, digest)) return false;
  auto candidate = sha256(salt, presented);
  return CRYPTO_memcmp(candidate.data(), digest.data(), candidate.size()) == 0;
}

std::string new_salt() {
  std::string salt(16, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(salt.data()), static_cast<int>(salt.size()));
  return salt;
}

std::string without_webhook_token(std::string_view body) {
  // Bodies stored before tokens were cut were taken nested at most twice the usual bound.
  auto parsed = parse_bounded_json_without(body, kWebhookTokenKey, "body", 2 * kMaxJsonDepth);
  return parsed ? std::move(parsed->text) : std::string{body};
}

}  // namespace dialer::events
