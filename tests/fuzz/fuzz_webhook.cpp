// Fuzzes the webhook intake: a delivery's body parsed, what the actors would be told, the
// key a redelivery is recognised by, and the body as the log keeps it: the document less its
// token, whichever way the token was written.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "events/bounded_json.hpp"
#include "http/aircall/webhook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body{reinterpret_cast<const char*>(data), size};
  auto key = dialer::http::webhook_idempotency_key(body);
  if (key.empty()) __builtin_trap();
  auto delivery = dialer::http::parse_webhook(body);
  if (!delivery) return 0;
  auto kept = dialer::parse_bounded_json(delivery->kept_body, "body", 2 * dialer::kMaxJsonDepth);
  if (!kept) __builtin_trap();
  auto whole = dialer::parse_bounded_json(body);
  if (!whole) __builtin_trap();
  if (whole->is_object()) whole->erase("token");
  if (*kept != *whole) __builtin_trap();
  (void)dialer::http::telephony_event_of(*delivery);
  if (delivery->resource == "call" && delivery->data.is_object())
    (void)dialer::http::call_ended_of(delivery->data);
  return 0;
}
