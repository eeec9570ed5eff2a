#include "actors/domain/config.hpp"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <set>

#include "events/names.hpp"
#include "events/secrets.hpp"

namespace dialer::domain {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxDispositions = 50;

// One builder a kind of setting, so that the table below reads as a table.
SettingSpec setting(std::string key, std::string name, std::string description,
                    std::string category, ValueType type, nlohmann::json default_value) {
  SettingSpec spec;
  spec.key = std::move(key);
  spec.name = std::move(name);
  spec.description = std::move(description);
  spec.category = std::move(category);
  spec.type = type;
  spec.default_value = std::move(default_value);
  return spec;
}
SettingSpec ranged(SettingSpec spec, std::optional<std::int64_t> min,
                   std::optional<std::int64_t> max) {
  spec.min = min;
  spec.max = max;
  return spec;
}
SettingSpec secret(SettingSpec spec) {
  spec.secret = true;
  return spec;
}
// A secret the dialer sends: it stays in dialerd's environment, out of the log.
SettingSpec from_environment(SettingSpec spec) {
  spec.secret = true;
  spec.editable = false;
  return spec;
}
SettingSpec time_setting(std::string key, std::string name, std::string description,
                         std::string default_value) {
  auto spec = setting(std::move(key), std::move(name), std::move(description), "scheduling",
                      ValueType::time_of_day, std::move(default_value));
  spec.pattern = "^([01][0-9]|2[0-3]):[0-5][0-9]$";
  return spec;
}

json default_dispositions() {
  auto one = [](const char* code, const char* label, const char* action) {
    return json{{"code", code}, {"label", label}, {"action", action}};
  };
  return json::array(
      {one("interested", "Interested", "complete"),
       one("not-interested", "Not interested", "complete"),
       one("callback", "Call back", "callback"), one("voicemail", "Voicemail", "retry"),
       one("no-answer", "No answer", "retry"), one("wrong-number", "Wrong number", "wrong-number"),
       one("do-not-call", "Do not call", "do-not-call")});
}

std::vector<SettingSpec> make_specs() {
  using T = ValueType;
  auto retry_on = setting("dialer.retryOn", "Retry on", "Call outcomes worth another attempt",
                          "dialer", T::outcome_list, json::array({"no-answer", "busy", "error"}));
  retry_on.possible_values = {"no-answer", "busy", "voicemail", "error"};
  return {
      setting("system.name", "System name", "Name shown in the dashboard", "general", T::string,
              "PowerDialer"),
      ranged(setting("dialer.callRateLimit", "Call rate limit",
                     "Calls per minute per agent, at most", "dialer", T::integer, 6),
             1, 20),
      ranged(
          setting("dialer.retryDelay", "Retry delay",
                  "Minutes before the first retry; doubles each retry", "dialer", T::integer, 60),
          5, 1440),
      ranged(setting("dialer.maxRetries", "Maximum retries", "Retries after the first attempt",
                     "dialer", T::integer, 3),
             0, 10),
      ranged(setting("dialer.wrapUpSeconds", "Wrap-up time",
                     "Seconds an agent gets after each call", "dialer", T::integer, 30),
             0, 3600),
      retry_on,
      setting("dialer.dispositions", "Dispositions",
              "What an agent may decide of a call: {code, label, action}, action one of "
              "complete, retry, callback, do-not-call, wrong-number",
              "dialer", T::disposition_list, default_dispositions()),
      setting("dialer.wrapUpEndsOnDisposition", "Disposition ends wrap-up",
              "A disposition ends the agent's wrap-up at once", "dialer", T::boolean, true),
      setting("dialer.requireDisposition", "Require a disposition",
              "The agent stays in wrap-up until the call has a disposition", "dialer", T::boolean,
              false),
      ranged(setting("dialer.callbackGraceMinutes", "Callback grace",
                     "Minutes a callback pinned to an offline agent waits for them before anyone "
                     "may take it",
                     "dialer", T::integer, 15),
             0, 1440),
      ranged(setting("compliance.maxAttemptsPerNumber", "Attempts per number",
                     "At most this many calls to one number within the attempt window, across "
                     "every item and client that shares it; null: no cap",
                     "compliance", T::integer, nullptr),
             1, 100),
      ranged(setting("compliance.attemptWindowDays", "Attempt window",
                     "Days over which attempts per number are counted (France: 4 in 30 days)",
                     "compliance", T::integer, 30),
             1, 365),
      from_environment(setting("aircall.apiKey", "Aircall API ID",
                               "Company API id for Basic auth: from dialerd's environment "
                               "(AIRCALL_API_KEY), never stored",
                               "aircall", T::string, "")),
      from_environment(setting("aircall.apiSecret", "Aircall API token",
                               "Company API token for Basic auth: from dialerd's environment "
                               "(AIRCALL_API_SECRET), never stored",
                               "aircall", T::string, "")),
      secret(setting("aircall.webhookToken", "Webhook token",
                     "Token Aircall puts in every webhook body", "aircall", T::string, "")),
      ranged(setting("aircall.defaultNumberId", "Default number", "Aircall number to call from",
                     "aircall", T::integer, nullptr),
             1, std::nullopt),
      setting("aircall.tagDispositions", "Tag dispositions",
              "Aircall tag names that give a call a disposition: {\"Sale\": \"interested\"}; a tag "
              "named as a disposition's code or label gives it anyway",
              "aircall", T::string_map, json::object()),
      setting("aircall.pushNotes", "Push notes",
              "Post an agent's notes to the call in Aircall as a comment", "aircall", T::boolean,
              false),
      ranged(setting("aircall.requestsPerMinute", "API budget",
                     "Aircall API requests per minute for the whole company (Aircall: 120; older "
                     "accounts 60)",
                     "aircall", T::integer, 60),
             1, 1000),
      time_setting("scheduling.businessHoursStart", "Business hours start", "Operator's local time",
                   "09:00"),
      time_setting("scheduling.businessHoursEnd", "Business hours end", "Operator's local time",
                   "17:00"),
      ranged(
          setting("scheduling.businessDays", "Business days", "ISO weekdays: 1 Monday ... 7 Sunday",
                  "scheduling", T::integer_list, json::array({1, 2, 3, 4, 5})),
          1, 7),
      setting("scheduling.timeZone", "Time zone", "IANA zone of the business hours and holidays",
              "scheduling", T::time_zone, "UTC"),
      setting("scheduling.holidays", "Holidays", "Dates (YYYY-MM-DD) without calls", "scheduling",
              T::date_list, json::array()),
      time_setting("scheduling.calleeWindowStart", "Callee window start",
                   "Earliest local time to ring a client", "08:00"),
      time_setting("scheduling.calleeWindowEnd", "Callee window end",
                   "Latest local time to ring a client", "21:00"),
      setting("notifications.emailEnabled", "E-mail notifications", "Send e-mail notifications",
              "notifications", T::boolean, false),
      secret(setting("security.apiKeys", "API keys", "Bearer keys accepted by the REST API",
                     "security", T::string_list, json::array())),
  };
}

Error invalid(const SettingSpec& spec, const std::string& why) {
  return Error{ErrorCode::invalid_argument, spec.key + " " + why, spec.key};
}

// YYYY-MM-DD, and a day that exists.
bool valid_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  auto number = [&](std::size_t from, std::size_t count) {
    return std::stoi(text.substr(from, count));
  };
  date::year_month_day day{date::year{number(0, 4)},
                           date::month{static_cast<unsigned>(number(5, 2))},
                           date::day{static_cast<unsigned>(number(8, 2))}};
  return day.ok();
}

bool known_zone(const std::string& name) {
  try {
    date::locate_zone(name);
    return true;
  } catch (const std::exception&) {
    return false;
  }
}

Result<json> check_integer(const SettingSpec& spec, const json& value) {
  if (!value.is_number_integer()) return invalid(spec, "must be a whole number");
  auto number = value.get<std::int64_t>();
  if ((spec.min && number < *spec.min) || (spec.max && number > *spec.max)) {
    return invalid(spec, "must be between " + std::to_string(spec.min.value_or(INT64_MIN)) +
                             " and " + std::to_string(spec.max.value_or(INT64_MAX)));
  }
  return json(number);
}

bool valid_code(const std::string& code) {
  if (code.empty() || code.size() > 40) return false;
  auto word = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!word(code.front())) return false;
  return std::all_of(code.begin(), code.end(), [&](char c) { return word(c) || c == '-'; });
}

std::string folded(std::string_view text) {
  std::string out{text};
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A list of {code, label, action}: codes unique, lower-case words; labels short text;
// actions known. The error names the entry's field.
Result<json> check_dispositions(const SettingSpec& spec, const json& value) {
  if (!value.is_array() || value.empty()) {
    return invalid(spec, "must be a non-empty list of {code, label, action}");
  }
  if (value.size() > kMaxDispositions) {
    return invalid(spec, "may hold at most " + std::to_string(kMaxDispositions) + " entries");
  }
  std::set<std::string> codes;
  json out = json::array();
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto& entry = value[i];
    auto field = spec.key + "[" + std::to_string(i) + "]";
    auto refuse = [&](const std::string& name, const std::string& why) {
      return Error{ErrorCode::invalid_argument, field + "." + name + " " + why, field + "." + name};
    };
    if (!entry.is_object()) {
      return Error{ErrorCode::invalid_argument, field + " must be an object", field};
    }
    for (const auto& [name, _] : entry.items()) {
      if (name != "code" && name != "label" && name != "action") {
        return refuse(name, "is not a field of a disposition (code, label, action)");
      }
    }
    auto code = entry.find("code");
    if (code == entry.end() || !code->is_string() || !valid_code(code->get<std::string>())) {
      return refuse("code", "must be 1 to 40 lower-case letters, digits and dashes");
    }
    if (!codes.insert(code->get<std::string>()).second) {
      return refuse("code", "repeats \"" + code->get<std::string>() + "\": codes must be unique");
    }
    auto label = entry.find("label");
    if (label == entry.end() || !label->is_string() || label->get<std::string>().empty() ||
        label->get<std::string>().size() > 80) {
      return refuse("label", "must be text of 1 to 80 characters");
    }
    auto action = entry.find("action");
    events::DispositionAction parsed;
    if (action == entry.end() || !action->is_string() ||
        !events::from_string(action->get<std::string>(), parsed)) {
      return refuse("action",
                    "must be one of complete, retry, callback, do-not-call, wrong-number");
    }
    out.push_back(json{{"code", *code}, {"label", *label}, {"action", *action}});
  }
  return out;
}

}  // namespace

const std::vector<SettingSpec>& setting_specs() {
  static const auto specs = make_specs();
  return specs;
}

const SettingSpec* find_setting(std::string_view key) {
  const auto& specs = setting_specs();
  auto found =
      std::find_if(specs.begin(), specs.end(), [&](const auto& s) { return s.key == key; });
  return found == specs.end() ? nullptr : &*found;
}

Result<json> validate_setting(const SettingSpec& spec, const json& value) {
  if (events::is_sent_secret(spec.key)) {
    return invalid(spec,
                   "is taken from dialerd's environment (AIRCALL_API_KEY and AIRCALL_API_SECRET), "
                   "never stored in the log");
  }
  if (!spec.editable) return invalid(spec, "cannot be changed");
  switch (spec.type) {
    case ValueType::string:
      if (!value.is_string()) return invalid(spec, "must be text");
      return value;
    case ValueType::boolean:
      if (!value.is_boolean()) return invalid(spec, "must be true or false");
      return value;
    case ValueType::integer:
      if (value.is_null() && spec.default_value.is_null()) return value;  // unset again
      return check_integer(spec, value);
    case ValueType::time_of_day:
      if (!value.is_string() || !parse_time_of_day(value.get<std::string>())) {
        return invalid(spec, "must be a time as HH:MM");
      }
      return value;
    case ValueType::time_zone:
      if (!value.is_string() || !known_zone(value.get<std::string>())) {
        return invalid(spec, "must be an IANA time zone such as Europe/Paris");
      }
      return value;
    case ValueType::integer_list: {
      if (!value.is_array()) return invalid(spec, "must be a list of numbers");
      std::set<std::int64_t> unique;
      for (const auto& item : value) {
        auto checked = check_integer(spec, item);
        if (!checked) return checked.error();
        unique.insert(item.get<std::int64_t>());
      }
      return json(unique);
    }
    case ValueType::date_list: {
      if (!value.is_array()) return invalid(spec, "must be a list of dates");
      std::set<std::string> unique;
      for (const auto& item : value) {
        if (!item.is_string() || !valid_date(item.get<std::string>())) {
          return invalid(spec, "must hold dates as YYYY-MM-DD");
        }
        unique.insert(item.get<std::string>());
      }
      return json(unique);
    }
    case ValueType::outcome_list:
    case ValueType::string_list: {
      if (!value.is_array()) return invalid(spec, "must be a list of text");
      std::set<std::string> unique;
      for (const auto& item : value) {
        if (!item.is_string()) return invalid(spec, "must be a list of text");
        const auto& text = item.get_ref<const std::string&>();
        if (!spec.possible_values.empty() &&
            std::find(spec.possible_values.begin(), spec.possible_values.end(), text) ==
                spec.possible_values.end()) {
          return invalid(spec, "does not allow \"" + text + "\"");
        }
        unique.insert(text);
      }
      return json(unique);
    }
    case ValueType::disposition_list:
      return check_dispositions(spec, value);
    case ValueType::string_map: {
      if (!value.is_object()) return invalid(spec, "must be an object of text: text");
      if (value.size() > kMaxDispositions * 4) return invalid(spec, "holds too many entries");
      for (const auto& [name, code] : value.items()) {
        if (name.empty() || name.size() > 80 || !code.is_string() ||
            !valid_code(code.get<std::string>())) {
          return Error{ErrorCode::invalid_argument,
                       spec.key + "." + name.substr(0, 80) +
                           " must map a tag name (1 to 80 characters) to a disposition code",
                       spec.key + "." + name.substr(0, 80)};
        }
      }
      return value;
    }
  }
  return invalid(spec, "has an unknown type");
}

const json& ConfigState::value(std::string_view key) const {
  if (auto set = values.find(std::string{key}); set != values.end()) return set->second;
  static const json missing;
  const auto* spec = find_setting(key);
  return spec ? spec->default_value : missing;
}

json digest_secrets(const json& value, std::string_view salt) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    return text.empty() ? value : json(events::secret_digest(text, salt));
  }
  if (!value.is_array()) return value;
  json digests = json::array();
  for (const auto& each : value) digests.push_back(digest_secrets(each, salt));
  return digests;
}

Result<std::vector<events::Event>> decide(const ConfigState& state, const ChangeSettings& command) {
  if (command.settings.empty()) {
    return Error{ErrorCode::invalid_argument, "no settings to change", "settings"};
  }
  events::ConfigChanged changed;
  ConfigState after = state;
  for (const auto& [key, value] : command.settings) {
    const auto* spec = find_setting(key);
    if (!spec) return Error{ErrorCode::invalid_argument, "unknown setting " + key, key};
    auto checked = validate_setting(*spec, value);
    if (!checked) return checked.error();
    // A secret that is only compared is kept as its digest, so the log never holds it.
    if (events::is_compared_secret(key)) *checked = digest_secrets(*checked, command.salt);
    if (state.value(key) == *checked) continue;
    changed.settings[key] = checked->dump();
    after.values[key] = *checked;
  }
  // Rules between settings hold for the result as a whole.
  for (auto [start_key, end_key] :
       {std::pair{"scheduling.businessHoursStart", "scheduling.businessHoursEnd"},
        std::pair{"scheduling.calleeWindowStart", "scheduling.calleeWindowEnd"}}) {
    auto start = parse_time_of_day(after.value(start_key).get<std::string>());
    auto end = parse_time_of_day(after.value(end_key).get<std::string>());
    if (*start >= *end) {
      return Error{ErrorCode::invalid_argument,
                   std::string{start_key} + " must be before " + end_key, start_key};
    }
  }
  if (changed.settings.empty()) return std::vector<events::Event>{};
  return std::vector<events::Event>{std::move(changed)};
}

ConfigState evolve(ConfigState state, const events::ConfigChanged& event) {
  for (const auto& [key, text] : event.settings) {
    state.values[key] = json::parse(text, nullptr, /*allow_exceptions=*/false);
  }
  return state;
}

ConfigState evolve(ConfigState state, const events::Event& event, std::int64_t) {
  if (const auto* changed = std::get_if<events::ConfigChanged>(&event)) {
    return evolve(std::move(state), *changed);
  }
  return state;
}

std::optional<int> parse_time_of_day(std::string_view text) {
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  auto digit = [&](std::size_t i) { return text[i] >= '0' && text[i] <= '9' ? text[i] - '0' : -1; };
  int h1 = digit(0), h2 = digit(1), m1 = digit(3), m2 = digit(4);
  if (h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0) return std::nullopt;
  int hours = h1 * 10 + h2;
  int minutes = m1 * 10 + m2;
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

DialerSettings dialer_settings(const ConfigState& state) {
  DialerSettings s;
  s.call_rate_limit_per_minute = state.value("dialer.callRateLimit").get<int>();
  s.retry_delay_ms = state.value("dialer.retryDelay").get<std::int64_t>() * 60'000;
  s.max_retries = state.value("dialer.maxRetries").get<int>();
  s.requests_per_minute = state.value("aircall.requestsPerMinute").get<int>();
  s.wrap_up_ms = state.value("dialer.wrapUpSeconds").get<std::int64_t>() * 1000;
  for (const auto& name : state.value("dialer.retryOn")) {
    events::CallOutcome outcome;
    if (events::from_string(name.get<std::string>(), outcome)) s.retry_on.push_back(outcome);
  }
  if (const auto& number = state.value("aircall.defaultNumberId"); number.is_number_integer()) {
    s.default_number_id = number.get<std::int64_t>();
  }
  s.time_zone = state.value("scheduling.timeZone").get<std::string>();
  s.business_start_minute =
      *parse_time_of_day(state.value("scheduling.businessHoursStart").get<std::string>());
  s.business_end_minute =
      *parse_time_of_day(state.value("scheduling.businessHoursEnd").get<std::string>());
  s.business_days = state.value("scheduling.businessDays").get<std::vector<int>>();
  s.holidays = state.value("scheduling.holidays").get<std::vector<std::string>>();
  s.callee_start_minute =
      *parse_time_of_day(state.value("scheduling.calleeWindowStart").get<std::string>());
  s.callee_end_minute =
      *parse_time_of_day(state.value("scheduling.calleeWindowEnd").get<std::string>());
  for (const auto& entry : state.value("dialer.dispositions")) {
    Disposition d{entry.value("code", ""), entry.value("label", ""),
                  events::DispositionAction::complete};
    events::from_string(entry.value("action", ""), d.action);
    s.dispositions.push_back(std::move(d));
  }
  s.wrap_up_ends_on_disposition = state.value("dialer.wrapUpEndsOnDisposition").get<bool>();
  s.require_disposition = state.value("dialer.requireDisposition").get<bool>();
  s.callback_grace_ms = state.value("dialer.callbackGraceMinutes").get<std::int64_t>() * 60'000;
  if (const auto& cap = state.value("compliance.maxAttemptsPerNumber"); cap.is_number_integer()) {
    s.max_attempts_per_number = cap.get<int>();
  }
  s.attempt_window_ms =
      state.value("compliance.attemptWindowDays").get<std::int64_t>() * 24 * 60 * 60'000;
  for (const auto& [name, code] : state.value("aircall.tagDispositions").items()) {
    if (code.is_string()) s.tag_dispositions[folded(name)] = code.get<std::string>();
  }
  s.push_notes = state.value("aircall.pushNotes").get<bool>();
  return s;
}

const Disposition* DialerSettings::find_disposition(std::string_view code_or_label) const {
  auto wanted = folded(code_or_label);
  for (const auto& d : dispositions) {
    if (d.code == code_or_label) return &d;
  }
  for (const auto& d : dispositions) {
    if (folded(d.code) == wanted || folded(d.label) == wanted) return &d;
  }
  return nullptr;
}

const Disposition* DialerSettings::disposition_of_tags(const std::vector<std::string>& tags) const {
  for (auto tag = tags.rbegin(); tag != tags.rend(); ++tag) {
    if (auto mapped = tag_dispositions.find(folded(*tag)); mapped != tag_dispositions.end()) {
      if (const auto* found = find_disposition(mapped->second)) return found;
    }
    if (const auto* found = find_disposition(*tag)) return found;
  }
  return nullptr;
}

}  // namespace dialer::domain
