#pragma once

// SystemConfig: the operator's settings, a stream of validated changes. Each setting is
// described once (key, type, range, default, category); every change is checked against
// that description, and several changes are applied all together or not at all.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/codec.hpp"
#include "events/result.hpp"
#include "events/vocabulary.hpp"

namespace dialer::domain {

enum class ValueType {
  string,
  integer,
  boolean,
  time_of_day,
  time_zone,
  integer_list,
  date_list,
  outcome_list,
  string_list,
  disposition_list,
  string_map
};

std::string_view to_string(ValueType type);

struct SettingSpec {
  std::string key;
  std::string name;
  std::string description;
  std::string category;  // general, dialer, aircall, scheduling, notifications, security,
                         // compliance
  ValueType type = ValueType::string;
  nlohmann::json default_value;
  bool editable = true;
  bool secret = false;  // write-only: never shown
  std::optional<std::int64_t> min;
  std::optional<std::int64_t> max;
  std::vector<std::string> possible_values;
  std::string pattern;
};

const std::vector<SettingSpec>& setting_specs();
const SettingSpec* find_setting(std::string_view key);

// The value as stored, or an invalid_argument error naming the key.
Result<nlohmann::json> validate_setting(const SettingSpec& spec, const nlohmann::json& value);

struct ConfigState {
  std::map<std::string, nlohmann::json> values;  // the settings changed from their defaults

  const nlohmann::json& value(std::string_view key) const;  // the current value, or the default
};

struct ChangeSettings {
  std::map<std::string, nlohmann::json> settings;
  // Salts the digests of the secrets among `settings` (events/secrets.hpp); the dialer gives
  // each change a new one.
  std::string salt{};
};

// A secret's value as the log keeps it: each non-empty text as its salted digest.
nlohmann::json digest_secrets(const nlohmann::json& value, std::string_view salt);

Result<std::vector<events::Event>> decide(const ConfigState& state, const ChangeSettings& command);
ConfigState evolve(ConfigState state, const events::ConfigChanged& event);
// Events that are not config changes leave the state as it is.
ConfigState evolve(ConfigState state, const events::Event& event, std::int64_t recorded_at_ms);

// One of the team's dispositions (dialer.dispositions): what an agent may decide of a call.
struct Disposition {
  std::string code;
  std::string label;
  events::DispositionAction action = events::DispositionAction::complete;
  bool operator==(const Disposition&) const = default;
};

// The settings the dialer acts on, typed.
struct DialerSettings {
  int call_rate_limit_per_minute = 6;
  std::int64_t retry_delay_ms = 60 * 60'000;
  int max_retries = 3;
  int requests_per_minute = 60;
  std::int64_t wrap_up_ms = 30'000;
  std::vector<events::CallOutcome> retry_on;
  std::optional<std::int64_t> default_number_id;
  std::string time_zone = "UTC";
  int business_start_minute = 9 * 60;  // minutes after local midnight
  int business_end_minute = 17 * 60;
  std::vector<int> business_days{1, 2, 3, 4, 5};  // ISO: 1 = Monday ... 7 = Sunday
  std::vector<std::string> holidays;              // YYYY-MM-DD in the operator's zone
  int callee_start_minute = 8 * 60;
  int callee_end_minute = 21 * 60;
  std::vector<Disposition> dispositions;
  bool wrap_up_ends_on_disposition = true;
  bool require_disposition = false;
  std::int64_t callback_grace_ms = 15 * 60'000;
  // At most this many attempts per number within the window (compliance); none: no cap.
  std::optional<int> max_attempts_per_number;
  std::int64_t attempt_window_ms = 30LL * 24 * 60 * 60'000;
  // Aircall tags that name a disposition (aircall.tagDispositions), keys case folded; and
  // whether notes given through the API are posted to the call as Aircall comments.
  std::map<std::string, std::string> tag_dispositions;
  bool push_notes = false;

  // The disposition with this code, or, case folded, this code or label.
  const Disposition* find_disposition(std::string_view code_or_label) const;
  // The disposition an Aircall call's tags give: the latest tag that names one, through
  // tag_dispositions or as a code or label; nothing when none does.
  const Disposition* disposition_of_tags(const std::vector<std::string>& tags) const;
};

DialerSettings dialer_settings(const ConfigState& state);

// "HH:MM" to minutes after midnight.
std::optional<int> parse_time_of_day(std::string_view text);

}  // namespace dialer::domain
