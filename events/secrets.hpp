#pragma once

// Secrets in the log. The settings that hold a secret are named here, once: the ones the
// dialer only compares (the REST API keys, Aircall's webhook token) are logged as a salted
// SHA-256 digest, never as themselves; the ones it must send (Aircall's API id and token)
// are never logged at all, and come from dialerd's environment. An event written before
// this rule is brought under it as it is read (see upcasters.cpp).

#include <array>
#include <string>
#include <string_view>

namespace dialer::events {

// Settings whose values are only compared with what a caller presents.
inline constexpr std::array<std::string_view, 2> kComparedSecretSettings{"aircall.webhookToken",
                                                                         "security.apiKeys"};
// Settings whose values the dialer would have to send: never stored.
inline constexpr std::array<std::string_view, 2> kSentSecretSettings{"aircall.apiKey",
                                                                     "aircall.apiSecret"};

bool is_compared_secret(std::string_view key);
bool is_sent_secret(std::string_view key);

// "sha256$<salt, hex>$<SHA-256 of salt and secret, hex>".
std::string secret_digest(std::string_view secret, std::string_view salt);
bool is_secret_digest(std::string_view text);
// Whether `presented` is the secret `stored` is the digest of, in a time that does not depend
// on how much of it is right.
bool digest_matches(std::string_view stored, std::string_view presented);
// 16 random bytes, for the next digest.
std::string new_salt();

// An Aircall webhook body as the log keeps it: without its `token` (which would let anyone
// who reads the log forge deliveries). A body that is not a JSON object is kept as it is:
// only bodies that parsed are ever stored.
inline constexpr std::string_view kWebhookTokenKey = "token";
std::string without_webhook_token(std::string_view body);

}  // namespace dialer::events
