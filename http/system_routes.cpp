#include "actors/rules/phone.hpp"
#include "http/exchange.hpp"
#include "http/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

constexpr const char* kMasked = "********";
const std::vector<std::string> kCategories{"general",    "dialer",        "aircall",
                                           "scheduling", "notifications", "security"};

json options_json(const domain::SettingSpec& spec) {
  json options = json::object();
  if (!spec.possible_values.empty()) options["possibleValues"] = spec.possible_values;
  if (spec.min) options["min"] = *spec.min;
  if (spec.max) options["max"] = *spec.max;
  if (!spec.pattern.empty()) options["pattern"] = spec.pattern;
  return options;
}

// A secret is write-only: the answer says whether it is set, never what it is.
json value_json(const domain::SettingSpec& spec, const json& value) {
  if (!spec.secret) return value;
  bool set = !(value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
               (value.is_array() && value.empty()));
  return set ? json(kMasked) : json(nullptr);
}

json setting_json(const domain::SettingSpec& spec, const domain::ConfigState& config) {
  return {{"key", spec.key},
          {"name", spec.name},
          {"description", spec.description},
          {"value", value_json(spec, config.value(spec.key))},
          {"valueType", to_string(spec.type)},
          {"category", spec.category},
          {"editable", spec.editable},
          {"secret", spec.secret},
          {"options", options_json(spec)}};
}

void read_config(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto category = text_param(req, "category");
  if (!category.empty() &&
      std::find(kCategories.begin(), kCategories.end(), category) == kCategories.end()) {
    return reply_error(res, Error{ErrorCode::invalid_argument,
                                  "category must be one of general, dialer, aircall, scheduling, "
                                  "notifications, security",
                                  "category"});
  }
  auto config = context.dialer.config();
  if (!config) return reply_error(res, config.error());
  json configs = json::array();
  for (const auto& spec : domain::setting_specs()) {
    if (category.empty() || spec.category == category)
      configs.push_back(setting_json(spec, *config));
  }
  reply_ok(res, {{"totalCount", configs.size()}, {"configs", std::move(configs)}});
}

// {key, value} changes one setting; {settings: {key: value, ...}} several, all or none.
void write_config(Context& context, const httplib::Request& req, httplib::Response& res) {
  auto body = json_object(req);
  if (!body) return reply_error(res, body.error());
  domain::ChangeSettings change;
  bool many = body->contains("settings");
  if (many) {
    const auto& settings = (*body)["settings"];
    if (!settings.is_object() || settings.empty()) {
      return reply_error(res, Error{ErrorCode::invalid_argument,
                                    "settings must be an object of key: value", "settings"});
    }
    for (const auto& [key, value] : settings.items()) change.settings[key] = value;
  } else {
    auto key = text_field(*body, "key");
    if (!key) return reply_error(res, key.error());
    if (!*key || (*key)->empty()) {
      return reply_error(res, Error{ErrorCode::invalid_argument, "key is required", "key"});
    }
    if (!body->contains("value")) {
      return reply_error(res, Error{ErrorCode::invalid_argument, "value is required", "value"});
    }
    change.settings[**key] = (*body)["value"];
  }
  auto changed_keys = change.settings;
  auto config = context.dialer.configure(std::move(change));
  if (!config) return reply_error(res, config.error());
  context.refresh_credentials(*config);
  json updated = json::array();
  for (const auto& [key, value] : changed_keys) {
    if (const auto* spec = domain::find_setting(key))
      updated.push_back(setting_json(*spec, *config));
  }
  if (many) return reply_ok(res, {{"configs", std::move(updated)}});
  reply_ok(res, {{"config", updated.at(0)}});
}

void initialize(Context& context, httplib::Response& res) {
  bool database_ok = !context.projections.failure().has_value();
  bool config_ok = context.dialer.config().ok();
  bool ready = database_ok && config_ok;
  json services{
      {"aircall",
       {{"status", "ready"},
        {"mockMode", context.mock_mode},
        {"telephony", context.telephony_name}}},
      {"jobService", {{"status", config_ok ? "ready" : "unavailable"}}},
      {"database",
       {{"status", database_ok ? "ready" : "degraded"}, {"lastSeq", context.store.last_seq()}}}};
  reply_ok(res,
           {{"message", ready ? "every service is ready" : "some services are not ready"},
            {"services", std::move(services)}},
           ready ? 200 : 207);
}

Result<std::string> phone_of(const httplib::Request& req, const json& body) {
  std::optional<std::string> phone;
  if (req.matches.size() > 1) {
    phone = req.matches[1].str();
  } else {
    auto field = text_field(body, "phoneNumber");
    if (!field) return field.error();
    phone = *field;
  }
  if (!phone || phone->empty()) {
    return Error{ErrorCode::invalid_argument, "phoneNumber is required", "phoneNumber"};
  }
  auto normalized = rules::normalize_phone(*phone);
  if (!normalized) {
    return Error{ErrorCode::invalid_argument, normalized.error().message, "phoneNumber"};
  }
  return normalized;
}

json numbers_json(const domain::DoNotCallState& state) {
  return {{"totalCount", state.numbers.size()}, {"numbers", state.numbers}};
}

void do_not_call(Context& context, const httplib::Request& req, httplib::Response& res, bool add) {
  auto body = json_object(req);
  if (!body) return reply_error(res, body.error());
  auto phone = phone_of(req, *body);
  if (!phone) return reply_error(res, phone.error());
  domain::do_not_call::Command command = domain::do_not_call::Remove{*phone};
  if (add) {
    auto reason = text_field(*body, "reason");
    if (!reason) return reply_error(res, reason.error());
    command = domain::do_not_call::Add{*phone, reason->value_or("")};
  }
  auto state = context.dialer.do_not_call(std::move(command));
  if (!state) return reply_error(res, state.error());
  reply_ok(res, numbers_json(*state));
}

}  // namespace

void add_system_routes(Router& router, Context& context) {
  router.post(
      "/api/dialer/initialize", "POST /api/dialer/initialize",
      [&context](const httplib::Request&, httplib::Response& res) { initialize(context, res); });
  router.get("/api/dialer/config", "GET /api/dialer/config",
             [&context](const httplib::Request& req, httplib::Response& res) {
               read_config(context, req, res);
             });
  router.post("/api/dialer/config", "POST /api/dialer/config",
              [&context](const httplib::Request& req, httplib::Response& res) {
                write_config(context, req, res);
              });
  router.get("/api/dialer/do-not-call", "GET /api/dialer/do-not-call",
             [&context](const httplib::Request&, httplib::Response& res) {
               auto state = context.dialer.do_not_call();
               if (!state) return reply_error(res, state.error());
               reply_ok(res, numbers_json(*state));
             });
  router.post("/api/dialer/do-not-call", "POST /api/dialer/do-not-call",
              [&context](const httplib::Request& req, httplib::Response& res) {
                do_not_call(context, req, res, true);
              });
  router.del(R"(/api/dialer/do-not-call/([^/]+))", "DELETE /api/dialer/do-not-call/:phoneNumber",
             [&context](const httplib::Request& req, httplib::Response& res) {
               do_not_call(context, req, res, false);
             });
}

}  // namespace dialer::http
