#include "http/mapping/requests.hpp"

#include <algorithm>
#include <array>

#include "actors/rules/calling_window.hpp"
#include "actors/rules/phone.hpp"
#include "http/mapping/exchange.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

Error invalid(std::string message, std::string field) {
  return Error{ErrorCode::invalid_argument, std::move(message), std::move(field)};
}

// The defaults `options` gives every item of one request.
struct Defaults {
  std::optional<std::int32_t> priority;
  std::string assigned_to;
  std::optional<std::int64_t> scheduled_for_ms;
  std::string notes;
};

Result<Defaults> defaults_of(const json& body) {
  Defaults defaults;
  auto options = body.value("options", json::object());
  if (!options.is_object()) return invalid("options must be an object", "options");
  auto priority = priority_field(options);
  if (!priority) return priority.error();
  defaults.priority = *priority;
  auto assigned = text_field(options, "assignedTo", kMaxIdLength);
  if (!assigned) return assigned.error();
  auto user = text_field(body, "userId", kMaxIdLength);
  if (!user) return user.error();
  defaults.assigned_to = assigned->value_or(user->value_or(""));
  auto scheduled = time_field(options, "scheduledFor");
  if (!scheduled) return scheduled.error();
  defaults.scheduled_for_ms = *scheduled;
  auto notes = text_field(options, "notes", kMaxNotesLength);
  if (!notes) return notes.error();
  defaults.notes = notes->value_or("");
  return defaults;
}

// One client of the request as the item to add, or why it cannot be.
Result<events::QueueItemAdded> item_of(const json& client, const Defaults& defaults) {
  if (client.is_string()) return item_of(json{{"phoneNumber", client}}, defaults);
  if (!client.is_object())
    return invalid("each client must be an object or a phone number", "clients");
  events::QueueItemAdded item;
  auto phone = text_field(client, "phoneNumber");
  if (!phone) return phone.error();
  if (!*phone || (*phone)->empty()) return invalid("phoneNumber is required", "phoneNumber");
  auto normalized = rules::normalize_phone(**phone);
  if (!normalized) return invalid(normalized.error().message, "phoneNumber");
  item.phone_number = *normalized;
  auto client_id = text_field(client, "clientId", kMaxIdLength);
  if (!client_id) return client_id.error();
  item.client_id = client_id->value_or(item.phone_number);
  auto name = text_field(client, "name", kMaxNameLength);
  if (!name) return name.error();
  item.name = name->value_or("");
  auto priority = priority_field(client);
  if (!priority) return priority.error();
  item.priority = priority->value_or(defaults.priority.value_or(10));
  auto scheduled = time_field(client, "scheduledFor");
  if (!scheduled) return scheduled.error();
  item.scheduled_for_ms = scheduled->has_value() ? *scheduled : defaults.scheduled_for_ms;
  auto notes = text_field(client, "notes", kMaxNotesLength);
  if (!notes) return notes.error();
  item.notes = notes->value_or(defaults.notes);
  auto zone = text_field(client, "timeZone", kMaxIdLength);
  if (!zone) return zone.error();
  if (*zone && !(*zone)->empty()) {
    if (auto found = rules::find_zone(**zone); !found)
      return invalid(found.error().message, "timeZone");
    item.time_zone = **zone;
  }
  if (auto metadata = client.find("metadata"); metadata != client.end() && !metadata->is_null()) {
    if (!metadata->is_object()) return invalid("metadata must be an object", "metadata");
    item.metadata_json = metadata->dump();
    if (item.metadata_json.size() > kMaxMetadataBytes) {
      return invalid("metadata is at most " + std::to_string(kMaxMetadataBytes) + " bytes of JSON",
                     "metadata");
    }
  }
  item.assigned_to = defaults.assigned_to;
  return item;
}

}  // namespace

Result<events::QueueItemAdded> read_queue_client(const json& client) {
  return item_of(client, Defaults{});
}

Result<QueueAdd> read_queue_add(const json& body) {
  QueueAdd add;
  add.list_name = body.contains("clients") ? "clients" : "phoneNumbers";
  auto found = body.find(add.list_name);
  if (found == body.end() || !found->is_array() || found->empty()) {
    return invalid("clients or phoneNumbers must be a non-empty list", "clients");
  }
  if (found->size() > kMaxItemsPerRequest) {
    return invalid("at most " + std::to_string(kMaxItemsPerRequest) + " clients per request",
                   add.list_name);
  }
  auto defaults = defaults_of(body);
  if (!defaults) return defaults.error();
  add.clients.reserve(found->size());
  for (const auto& client : *found) add.clients.push_back(item_of(client, *defaults));
  return add;
}

Result<domain::queue_item::Update> read_queue_update(const json& body) {
  // A field that cannot change is refused, not ignored: the caller would believe it changed.
  static constexpr std::array<std::string_view, 5> kChangeable{"assignedTo", "priority",
                                                               "scheduledFor", "notes", "status"};
  for (const auto& [name, value] : body.items()) {
    if (std::find(kChangeable.begin(), kChangeable.end(), name) == kChangeable.end()) {
      return invalid(name.substr(0, 64) +
                         " cannot be changed; an item's assignedTo, priority, scheduledFor, notes "
                         "and status can (a new number is a new item)",
                     name.substr(0, 64));
    }
  }
  domain::queue_item::Update update;
  auto assigned = text_field(body, "assignedTo", kMaxIdLength);
  if (!assigned) return assigned.error();
  // null unpins; absent leaves the pin as it is.
  if (body.contains("assignedTo")) update.assigned_to = assigned->value_or("");
  auto priority = priority_field(body);
  if (!priority) return priority.error();
  update.priority = *priority;
  auto scheduled = time_field(body, "scheduledFor");
  if (!scheduled) return scheduled.error();
  update.scheduled_for_ms = *scheduled;
  update.unschedule = body.contains("scheduledFor") && body["scheduledFor"].is_null();
  auto notes = text_field(body, "notes", kMaxNotesLength);
  if (!notes) return notes.error();
  update.notes = *notes;
  auto status = text_field(body, "status");
  if (!status) return status.error();
  if (*status) {
    events::ManualStatus manual{};
    if (!from_string(**status, manual)) {
      return invalid("status must be one of pending, skipped, completed, failed", "status");
    }
    update.status = manual;
  }
  return update;
}

Result<ConfigChange> read_config_change(const json& body) {
  ConfigChange read;
  read.many = body.contains("settings");
  if (read.many) {
    const auto& settings = body["settings"];
    if (!settings.is_object() || settings.empty()) {
      return invalid("settings must be an object of key: value", "settings");
    }
    for (const auto& [key, value] : settings.items()) read.change.settings[key] = value;
    return read;
  }
  auto key = text_field(body, "key");
  if (!key) return key.error();
  if (!*key || (*key)->empty()) return invalid("key is required", "key");
  if (!body.contains("value")) return invalid("value is required", "value");
  read.change.settings[**key] = body["value"];
  return read;
}

namespace {

Result<std::int64_t> required_id(const json& body, const char* name) {
  auto id = integer_field(body, name);
  if (!id) return id.error();
  if (!*id || **id <= 0) return invalid(std::string{name} + " is required", name);
  return **id;
}

}  // namespace

Result<domain::agent::Start> read_start(const json& body, bool mock_by_default) {
  auto aircall_user_id = required_id(body, "aircallUserId");
  if (!aircall_user_id) return aircall_user_id.error();
  auto number_id = required_id(body, "numberId");
  if (!number_id) return number_id.error();
  auto mock = body.value("useMockMode", json(mock_by_default));
  if (!mock.is_boolean()) return invalid("useMockMode must be true or false", "useMockMode");
  return domain::agent::Start{*aircall_user_id, *number_id, mock.get<bool>()};
}

Result<std::string> read_pause_reason(const json& body) {
  auto reason = text_field(body, "reason", kMaxNameLength);
  if (!reason) return reason.error();
  return reason->value_or("busy");
}

Result<domain::DispositionRequest> read_disposition(const json& body) {
  static constexpr std::array<std::string_view, 4> kFields{"disposition", "notes", "callbackAt",
                                                           "callbackScope"};
  for (const auto& [name, value] : body.items()) {
    if (std::find(kFields.begin(), kFields.end(), name) == kFields.end()) {
      return invalid(name.substr(0, 64) +
                         " is not a field of a disposition (disposition, notes, callbackAt, "
                         "callbackScope)",
                     name.substr(0, 64));
    }
  }
  domain::DispositionRequest request;
  auto code = text_field(body, "disposition", kMaxNameLength);
  if (!code) return code.error();
  if (!*code || (*code)->empty()) return invalid("disposition is required", "disposition");
  request.disposition = **code;
  auto notes = text_field(body, "notes", kMaxNotesLength);
  if (!notes) return notes.error();
  request.notes = notes->value_or("");
  auto callback_at = time_field(body, "callbackAt");
  if (!callback_at) return callback_at.error();
  request.callback_at_ms = *callback_at;
  auto scope = text_field(body, "callbackScope");
  if (!scope) return scope.error();
  if (*scope && **scope == "anyone") {
    request.callback_scope = domain::CallbackScope::anyone;
  } else if (*scope && **scope != "agent") {
    return invalid("callbackScope must be agent or anyone", "callbackScope");
  }
  return request;
}

Result<domain::do_not_call::Command> read_do_not_call(const std::optional<std::string>& from_path,
                                                      const json& body, bool add) {
  std::optional<std::string> phone = from_path;
  if (!phone) {
    auto field = text_field(body, "phoneNumber");
    if (!field) return field.error();
    phone = *field;
  }
  if (!phone || phone->empty()) return invalid("phoneNumber is required", "phoneNumber");
  auto normalized = rules::normalize_phone(*phone);
  if (!normalized) return invalid(normalized.error().message, "phoneNumber");
  if (!add) return domain::do_not_call::Command{domain::do_not_call::Remove{*normalized}};
  auto reason = text_field(body, "reason", kMaxNameLength);
  if (!reason) return reason.error();
  return domain::do_not_call::Command{domain::do_not_call::Add{*normalized, reason->value_or("")}};
}

}  // namespace dialer::http
