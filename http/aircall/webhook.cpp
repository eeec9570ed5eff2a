#include "http/aircall/webhook.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

#include "actors/rules/phone.hpp"
#include "events/binary.hpp"
#include "events/secrets.hpp"
#include "http/aircall/json.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;
using Kind = actors::TelephonyEvent::Kind;

// "user.opened.v2" → "user.opened": the current form carries the same meaning.
std::string_view without_version(std::string_view event) {
  if (event.ends_with(".v2")) event.remove_suffix(3);
  return event;
}

events::CallOutcome outcome_of(const json& call) {
  if (seconds_as_ms(call, "answered_at")) return events::CallOutcome::connected;
  auto reason =
      text_or_empty(call, "missed_call_reason") + " " + text_or_empty(call, "hangup_cause");
  if (reason.find("busy") != std::string::npos) return events::CallOutcome::busy;
  return events::CallOutcome::no_answer;
}

}  // namespace

events::CallEnded call_ended_of(const json& call) {
  events::CallEnded ended;
  ended.aircall_call_id = integer_or(call, "id");
  ended.started_at_ms = seconds_as_ms(call, "started_at").value_or(0);
  ended.answered_at_ms = seconds_as_ms(call, "answered_at");
  ended.ended_at_ms = seconds_as_ms(call, "ended_at").value_or(ended.started_at_ms);
  ended.duration_seconds = integer_or(call, "duration");
  ended.outcome = outcome_of(call);
  ended.missed_call_reason = text_or_empty(call, "missed_call_reason");
  ended.hangup_cause = text_or_empty(call, "hangup_cause");
  ended.recording_url = text_or_empty(call, "recording");
  if (auto tags = call.find("tags"); tags != call.end() && tags->is_array()) {
    for (const auto& tag : *tags) {
      if (tag.is_object()) ended.tags.push_back(text_or_empty(tag, "name"));
    }
  }
  return ended;
}

namespace {

std::optional<actors::TelephonyEvent> call_event(std::string_view event, const json& call) {
  actors::TelephonyEvent out;
  out.source_event = std::string{event};
  out.aircall_call_id = integer_or(call, "id");
  out.aircall_user_id = user_id_of(call);
  out.digits = rules::digits_only(text_or_empty(call, "raw_digits"));
  out.outbound = text_or_empty(call, "direction") == "outbound";
  if (event == "call.created") {
    out.kind = Kind::created;
    out.at_ms = seconds_as_ms(call, "started_at").value_or(0);
  } else if (event == "call.answered") {
    out.kind = Kind::answered;
    out.at_ms = seconds_as_ms(call, "answered_at").value_or(0);
  } else if (event == "call.hungup") {
    out.kind = Kind::hungup;
    out.at_ms = seconds_as_ms(call, "ended_at").value_or(0);
  } else if (event == "call.ended") {
    out.kind = Kind::ended;
    out.ended = call_ended_of(call);
    out.at_ms = out.ended->ended_at_ms;
  } else {
    return std::nullopt;
  }
  if (out.aircall_call_id == 0) return std::nullopt;
  return out;
}

std::optional<actors::TelephonyEvent> user_event(std::string_view event, const json& user) {
  actors::TelephonyEvent out;
  out.kind = Kind::user_status;
  out.source_event = std::string{event};
  out.aircall_user_id = integer_or(user, "id");
  if (event == "user.connected") {
    out.connected = true;
  } else if (event == "user.disconnected") {
    out.connected = false;
  } else if (event == "user.opened") {
    out.opened = true;
  } else if (event == "user.closed") {
    out.opened = false;
  } else if (event == "user.wut_start") {
    out.wrapping_up = true;
  } else if (event == "user.wut_end") {
    out.wrapping_up = false;
  } else {
    return std::nullopt;
  }
  if (out.aircall_user_id == 0) return std::nullopt;
  return out;
}

Error invalid(std::string message, std::string field) {
  return Error{ErrorCode::invalid_argument, std::move(message), std::move(field)};
}

}  // namespace

Result<WebhookDelivery> parse_webhook(std::string_view body) {
  // One pass: the document, and the body without its token, cut from the bytes as they came.
  auto document = parse_bounded_json_without(body, events::kWebhookTokenKey);
  if (!document) {
    return document.error().field == "body" ? invalid("the body is not valid JSON", "body")
                                            : document.error();
  }
  auto& parsed = document->document;
  if (!parsed.is_object()) return invalid("the body must be a JSON object", "body");
  WebhookDelivery delivery;
  delivery.event = text_or_empty(parsed, "event");
  if (delivery.event.empty()) return invalid("event is required", "event");
  delivery.resource = text_or_empty(parsed, "resource");
  delivery.sent_at_seconds = integer_or(parsed, "timestamp");
  delivery.token = text_or_empty(parsed, "token");
  if (auto data = parsed.find("data"); data != parsed.end()) delivery.data = std::move(*data);
  delivery.kept_body = std::move(document->text);
  return delivery;
}

std::optional<actors::TelephonyEvent> telephony_event_of(const WebhookDelivery& delivery) {
  if (!delivery.data.is_object()) return std::nullopt;
  auto event = without_version(delivery.event);
  if (event.starts_with("call.")) return call_event(event, delivery.data);
  if (event.starts_with("user.")) return user_event(event, delivery.data);
  return std::nullopt;
}

std::optional<CallNotes> call_notes_of(const WebhookDelivery& delivery) {
  auto event = without_version(delivery.event);
  if (event != "call.tagged" && event != "call.untagged" && event != "call.commented") {
    return std::nullopt;
  }
  const auto& call = delivery.data;
  if (!call.is_object()) return std::nullopt;
  CallNotes notes;
  notes.aircall_call_id = integer_or(call, "id");
  if (notes.aircall_call_id == 0) return std::nullopt;
  if (auto tags = call.find("tags"); tags != call.end() && tags->is_array()) {
    std::vector<std::pair<std::int64_t, std::string>> ordered;
    for (const auto& tag : *tags) {
      if (!tag.is_object()) continue;
      auto name = text_or_empty(tag, "name");
      if (!name.empty()) ordered.emplace_back(integer_or(tag, "tagged_at"), std::move(name));
    }
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [at, name] : ordered) notes.tags.push_back(std::move(name));
  }
  if (auto comments = call.find("comments"); comments != call.end() && comments->is_array()) {
    for (const auto& comment : *comments) {
      if (!comment.is_object()) continue;
      CallNotes::Comment one{integer_or(comment, "id"), text_or_empty(comment, "content")};
      if (one.id != 0 && !one.content.empty()) notes.comments.push_back(std::move(one));
    }
  }
  return notes;
}

std::optional<domain::agent::AircallStatus> aircall_status_of(std::string_view availability) {
  using Status = domain::agent::AircallStatus;
  const std::string source{"availability." + std::string{availability}};
  if (availability == "available" || availability == "in_call") {
    return Status{true, true, false, source};
  }
  if (availability == "after_call_work") return Status{true, true, true, source};
  if (availability == "do_not_disturb") return Status{true, false, std::nullopt, source};
  if (availability == "offline") return Status{false, std::nullopt, std::nullopt, source};
  return std::nullopt;
}

bool can_take_calls(std::string_view availability) {
  return availability != "offline" && availability != "do_not_disturb";
}

const std::vector<std::string>& subscribed_webhook_events() {
  static const std::vector<std::string> events{
      "call.created",  "call.answered",  "call.hungup",    "call.ended",        "call.tagged",
      "call.untagged", "call.commented", "user.connected", "user.disconnected", "user.opened",
      "user.closed",   "user.wut_start", "user.wut_end"};
  return events;
}

std::string webhook_idempotency_key(std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  EVP_Digest(body.data(), body.size(), digest.data(), &length, EVP_sha256(), nullptr);
  return "webhook:" +
         events::to_hex(std::string_view{reinterpret_cast<const char*>(digest.data()), length});
}

}  // namespace dialer::http
