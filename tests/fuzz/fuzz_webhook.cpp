// Fuzzes the webhook intake: a delivery's body parsed, what the actors would be told, and
// the key a redelivery is recognised by.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/aircall/webhook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body{reinterpret_cast<const char*>(data), size};
  auto key = dialer::http::webhook_idempotency_key(body);
  if (key.empty()) __builtin_trap();
  auto delivery = dialer::http::parse_webhook(body);
  if (!delivery) return 0;
  (void)dialer::http::telephony_event_of(*delivery);
  if (delivery->resource == "call" && delivery->data.is_object())
    (void)dialer::http::call_ended_of(delivery->data);
  return 0;
}
