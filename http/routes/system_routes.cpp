#include "actors/projections/report_json.hpp"
#include "events/secrets.hpp"
#include "http/mapping/exchange.hpp"
#include "http/mapping/requests.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

constexpr const char* kMasked = "********";
const std::vector<std::string> kCategories{"general",       "dialer",   "aircall",   "scheduling",
                                           "notifications", "security", "compliance"};

json options_json(const domain::SettingSpec& spec) {
  json options = json::object();
  if (!spec.possible_values.empty()) options["possibleValues"] = spec.possible_values;
  if (spec.min) options["min"] = *spec.min;
  if (spec.max) options["max"] = *spec.max;
  if (!spec.pattern.empty()) options["pattern"] = spec.pattern;
  return options;
}

// A secret is write-only: the answer says whether it is set (in config or in dialerd's
// environment), never what it is.
json value_json(const domain::SettingSpec& spec, const json& value, bool set_in_environment) {
  if (!spec.secret) return value;
  bool set = set_in_environment ||
             !(value.is_null() || (value.is_string() && value.get<std::string>().empty()) ||
               (value.is_array() && value.empty()));
  return set ? json(kMasked) : json(nullptr);
}

json setting_json(const domain::SettingSpec& spec, const domain::ConfigState& config,
                  const Context& context) {
  const auto& credentials = context.credentials;
  bool in_environment =
      (spec.key == "security.apiKeys" && credentials.environment_api_keys()) ||
      (spec.key == "aircall.webhookToken" && credentials.environment_webhook_token()) ||
      (events::is_sent_secret(spec.key) && context.aircall_api_from_environment);
  return {{"key", spec.key},
          {"name", spec.name},
          {"description", spec.description},
          {"value", value_json(spec, config.value(spec.key), in_environment)},
          {"valueType", to_string(spec.type)},
          {"category", spec.category},
          {"editable", spec.editable},
          {"secret", spec.secret},
          {"options", options_json(spec)}};
}

Answer read_config(Context& context, const httplib::Request& req) {
  auto category = text_param(req, "category");
  if (!category.empty() &&
      std::find(kCategories.begin(), kCategories.end(), category) == kCategories.end()) {
    return Error{ErrorCode::invalid_argument,
                 "category must be one of general, dialer, aircall, scheduling, notifications, "
                 "security, compliance",
                 "category"};
  }
  auto config = context.dialer.config();
  if (!config) return config.error();
  json configs = json::array();
  for (const auto& spec : domain::setting_specs()) {
    if (category.empty() || spec.category == category)
      configs.push_back(setting_json(spec, *config, context));
  }
  return json{{"totalCount", configs.size()}, {"configs", std::move(configs)}};
}

// {key, value} changes one setting; {settings: {key: value, ...}} several, all or none.
Answer write_config(Context& context, const httplib::Request& req) {
  auto body = json_object(req);
  if (!body) return body.error();
  auto request = read_config_change(*body);
  if (!request) return request.error();
  auto& change = request->change;
  bool many = request->many;
  auto changed_keys = change.settings;
  auto config = context.dialer.configure(std::move(change));
  if (!config) return config.error();
  context.refresh_credentials(*config);
  json updated = json::array();
  for (const auto& [key, value] : changed_keys) {
    if (const auto* spec = domain::find_setting(key))
      updated.push_back(setting_json(*spec, *config, context));
  }
  if (many) return json{{"configs", std::move(updated)}};
  return json{{"config", updated.at(0)}};
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

// `numbers` is the original's list; `entries` says why and since when for each.
json numbers_json(const domain::DoNotCallState& state) {
  json entries = json::array();
  for (const auto& [number, listing] : state.listings) {
    entries.push_back({{"phoneNumber", number},
                       {"reason", listing.reason},
                       {"addedAt", projections::iso_time(listing.added_at_ms)}});
  }
  return {{"totalCount", state.numbers.size()},
          {"numbers", state.numbers},
          {"entries", std::move(entries)}};
}

Answer do_not_call(Context& context, const httplib::Request& req,
                   std::optional<std::string> from_path) {
  bool add = !from_path;
  auto body = json_object(req);
  if (!body) return body.error();
  auto command = read_do_not_call(from_path, *body, add);
  if (!command) return command.error();
  auto state = context.dialer.do_not_call(std::move(*command));
  if (!state) return state.error();
  return numbers_json(*state);
}

}  // namespace

void add_system_routes(Router& router, Context& context) {
  router.post(
      "/api/dialer/initialize",
      [&context](const httplib::Request&, httplib::Response& res) { initialize(context, res); });
  router.get("/api/dialer/config", [&context](const httplib::Request& req, httplib::Response& res) {
    reply_with(res, read_config(context, req));
  });
  router.post("/api/dialer/config",
              [&context](const httplib::Request& req, httplib::Response& res) {
                reply_with(res, write_config(context, req));
              });
  router.get("/api/dialer/do-not-call",
             [&context](const httplib::Request&, httplib::Response& res) {
               auto state = context.dialer.do_not_call();
               reply_with(res, state ? Answer{numbers_json(*state)} : Answer{state.error()});
             });
  router.post("/api/dialer/do-not-call",
              [&context](const httplib::Request& req, httplib::Response& res) {
                reply_with(res, do_not_call(context, req, std::nullopt));
              });
  router.del(
      "/api/dialer/do-not-call/:phoneNumber",
      [&context](const httplib::Request& req, httplib::Response& res, const PathParams& params) {
        reply_with(res, do_not_call(context, req, std::string{params["phoneNumber"]}));
      });
}

}  // namespace dialer::http
