#include "http/node/node_config.hpp"

#include <charconv>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "actors/domain/config.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

Error invalid(const std::string& where, const std::string& why) {
  return Error{ErrorCode::invalid_argument, where + " " + why, where};
}

Result<std::int64_t> integer_of(const std::string& where, const std::string& text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return invalid(where, "must be a whole number, not \"" + text + "\"");
  }
  return value;
}

Result<bool> flag_of(const std::string& where, const std::string& text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off" || text.empty()) return false;
  return invalid(where, "must be true or false, not \"" + text + "\"");
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto comma = text.find(',', start);
    auto part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    auto first = part.find_first_not_of(' ');
    auto last = part.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(part.substr(first, last - first + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Settings as text, whichever source they came from, so that both go through one parser.
using Settings = std::map<std::string, std::string>;

Result<Settings> file_settings(const std::string& text) {
  auto parsed = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return Error{ErrorCode::invalid_argument, "the config file is not a JSON object", "config"};
  }
  Settings out;
  for (const auto& [key, value] : parsed.items()) {
    if (domain::find_setting(key)) continue;  // the API's own: taken whole, checked at start
    if (value.is_string()) {
      out[key] = value.get<std::string>();
    } else if (value.is_array()) {
      std::string joined;
      for (const auto& part : value) {
        if (!part.is_string()) return invalid("config file: " + key, "must list strings");
        joined += (joined.empty() ? "" : ",") + part.get<std::string>();
      }
      out[key] = joined;
    } else if (value.is_boolean() || value.is_number_integer()) {
      out[key] = value.dump();
    } else {
      return invalid("config file: " + key, "must be a string, a number, true/false or a list");
    }
  }
  return out;
}

struct Source {
  const char* file_key;
  std::vector<const char*> env_names;  // the first set wins
  const char* meaning;                 // for --help, with the default in brackets
};

// Every setting: its key in the file and its environment variables.
const std::vector<std::pair<std::string, Source>>& sources() {
  static const std::vector<std::pair<std::string, Source>> table{
      {"db", {"db", {"DIALER_DB", "DATABASE_PATH"}, "event store folder (data/dialer.db)"}},
      {"port", {"port", {"DIALER_PORT", "PORT"}, "port, 0 for any free one (8080)"}},
      {"bind",
       {"bind", {"DIALER_BIND", "BIND_ADDRESS", "HOST"}, "address to listen on (127.0.0.1)"}},
      {"apiKeys",
       {"apiKeys",
        {"DIALER_API_KEYS", "API_KEYS"},
        "REST API keys, comma-separated (none: the API listens on loopback only)"}},
      {"webhookToken", {"webhookToken", {"AIRCALL_WEBHOOK_TOKEN"}, "Aircall's webhook token"}},
      {"aircallApiKey", {"aircallApiKey", {"AIRCALL_API_KEY", "AIRCALL_API_ID"}, "Aircall API id"}},
      {"aircallApiSecret",
       {"aircallApiSecret", {"AIRCALL_API_SECRET", "AIRCALL_API_TOKEN"}, "Aircall API token"}},
      {"mockMode",
       {"mockMode", {"ENABLE_MOCK_MODE"}, "true: Aircall simulated inside dialerd (false)"}},
      {"aircallBaseUrl",
       {"aircallBaseUrl", {"AIRCALL_BASE_URL"}, "Aircall's API (https://api.aircall.io)"}},
      {"webhookUrl",
       {"webhookUrl",
        {"DIALER_WEBHOOK_URL"},
        "public URL Aircall delivers webhooks to, subscribed at start"}},
      {"maxConnections",
       {"maxConnections",
        {"DIALER_MAX_CONNECTIONS", "DIALER_HTTP_THREADS"},
        "connections open at once (4096)"}},
      {"maxConnectionsPerAddress",
       {"maxConnectionsPerAddress",
        {"DIALER_MAX_CONNECTIONS_PER_ADDRESS"},
        "connections per client address (1024)"}},
      {"keepAliveSeconds",
       {"keepAliveSeconds", {"DIALER_KEEP_ALIVE_SECONDS"}, "idle keep-alive (5)"}},
      {"corsOrigins",
       {"corsOrigins",
        {"DIALER_CORS_ORIGINS"},
        "browser origins allowed to call the API, comma-separated, or * without API keys (none)"}},
      {"maxBodyBytes", {"maxBodyBytes", {"DIALER_MAX_BODY_BYTES"}, "request body limit (4 MiB)"}},
      {"backupDir",
       {"backupDir",
        {"DIALER_BACKUP_DIR"},
        "folder POST /api/dialer/admin/backup writes backups to (none: no backups)"}},
      {"backupKeep",
       {"backupKeep", {"DIALER_BACKUP_KEEP"}, "backups kept, the oldest dropped first (7)"}},
      {"tlsCertificate",
       {"tlsCertificate", {"DIALER_TLS_CERT"}, "TLS certificate (with tlsPrivateKey: HTTPS)"}},
      {"tlsPrivateKey", {"tlsPrivateKey", {"DIALER_TLS_KEY"}, "TLS private key"}},
      {"accessLog",
       {"accessLog",
        {"DIALER_ACCESS_LOG"},
        "true, false, or a file to append to (true: standard output)"}},
      {"simRingMs", {"simRingMs", {"AIRCALL_SIM_RING_MS"}, "simulated ring time (2000)"}},
      {"simTalkMs", {"simTalkMs", {"AIRCALL_SIM_TALK_MS"}, "simulated talk time (8000)"}},
      {"simAnswerRate",
       {"simAnswerRate", {"AIRCALL_SIM_ANSWER_RATE"}, "simulated answer rate (0.6)"}},
      {"simSeed", {"simSeed", {"AIRCALL_SIM_SEED"}, "simulated calls seed (1)"}},
  };
  return table;
}

}  // namespace

std::string node_settings_help() {
  std::string help =
      "Settings come from defaults, then the --config JSON file (these keys, and any API\n"
      "setting such as \"scheduling.timeZone\", applied at start), then the environment,\n"
      "then flags.\n\n";
  for (const auto& [key, source] : sources()) {
    std::string names;
    for (const char* name : source.env_names)
      names += (names.empty() ? "" : ", ") + std::string{name};
    help += "  " + names + " (" + source.file_key + "): " + source.meaning + "\n";
  }
  return help;
}

Environment process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (!value) return std::nullopt;
    return std::string{value};
  };
}

Result<NodeOptions> resolve_node_options(const std::optional<std::string>& file_text,
                                         const Environment& env,
                                         std::vector<std::string>& notices) {
  Settings settings;
  if (file_text) {
    auto from_file = file_settings(*file_text);
    if (!from_file) return from_file.error();
    for (const auto& [key, value] : *from_file) {
      const auto& name = key;  // a structured binding is not captured (before C++20's fix)
      bool known = std::any_of(sources().begin(), sources().end(),
                               [&](const auto& entry) { return entry.second.file_key == name; });
      if (!known) return invalid("config file: " + key, "is not a setting dialerd knows");
      settings[key] = value;
    }
  }
  for (const auto& [key, source] : sources()) {
    for (const char* name : source.env_names) {
      if (auto value = env(name); value && !value->empty()) {
        settings[key] = *value;
        break;
      }
    }
  }
  for (const char* ignored : {"REDIS_HOST", "REDIS_PORT", "REDIS_URL", "MONGODB_URI"}) {
    if (env(ignored)) {
      notices.push_back(std::string{ignored} +
                        " is accepted and ignored: the event log in RocksDB does that work");
    }
  }

  NodeOptions options;
  if (file_text) {
    // The API's own settings (scheduling.timeZone, …), validated when applied at start.
    auto parsed = json::parse(*file_text, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) {
      for (const auto& [key, value] : parsed.items()) {
        if (domain::find_setting(key)) options.api_settings[key] = value;
      }
    }
  }
  auto text = [&](const char* key) -> const std::string* {
    auto found = settings.find(key);
    return found == settings.end() ? nullptr : &found->second;
  };
  if (auto* db = text("db")) options.db_path = *db;
  if (auto* bind = text("bind")) options.server.bind = *bind;
  if (auto* port = text("port")) {
    auto value = integer_of("port", *port);
    if (!value) return value.error();
    if (*value < 0 || *value > 65535) return invalid("port", "must be from 0 to 65535");
    options.server.port = static_cast<int>(*value);
  }
  if (auto* keys = text("apiKeys")) options.api_keys = split_list(*keys);
  if (auto* origins = text("corsOrigins")) {
    options.cors_origins = split_list(*origins);
    for (const auto& origin : options.cors_origins) {
      bool web = origin == "*" || origin.starts_with("http://") || origin.starts_with("https://");
      if (!web || (origin != "*" && origin.back() == '/')) {
        return invalid("corsOrigins",
                       "lists origins such as https://console.example.com (no path), or *");
      }
    }
  }
  if (auto* token = text("webhookToken")) options.webhook_token = *token;
  if (auto* mock = text("mockMode")) {
    auto value = flag_of("mockMode", *mock);
    if (!value) return value.error();
    options.mock_mode = *value;
  }
  for (auto [key, target] :
       {std::pair{"maxConnections", &options.server.connections.max_connections},
        std::pair{"maxConnectionsPerAddress", &options.server.connections.max_per_address}}) {
    if (auto* count = text(key)) {
      auto value = integer_of(key, *count);
      if (!value) return value.error();
      if (*value < 4 || *value > 65'536) return invalid(key, "must be from 4 to 65536");
      *target = static_cast<std::size_t>(*value);
    }
  }
  if (auto* seconds = text("keepAliveSeconds")) {
    auto value = integer_of("keepAliveSeconds", *seconds);
    if (!value) return value.error();
    if (*value < 1 || *value > 3'600) return invalid("keepAliveSeconds", "must be from 1 to 3600");
    options.server.connections.keep_alive_idle = std::chrono::seconds(*value);
  }
  if (auto* limit = text("maxBodyBytes")) {
    auto value = integer_of("maxBodyBytes", *limit);
    if (!value) return value.error();
    if (*value < 1024) return invalid("maxBodyBytes", "must be at least 1024");
    options.server.connections.max_body_bytes = static_cast<std::size_t>(*value);
  }
  if (auto* folder = text("backupDir")) options.backup_dir = *folder;
  if (auto* keep = text("backupKeep")) {
    auto value = integer_of("backupKeep", *keep);
    if (!value) return value.error();
    if (*value < 1 || *value > 1000) return invalid("backupKeep", "must be from 1 to 1000");
    options.backup_keep = static_cast<std::size_t>(*value);
  }
  if (auto* cert = text("tlsCertificate")) options.server.tls_certificate = *cert;
  if (auto* key = text("tlsPrivateKey")) options.server.tls_private_key = *key;
  if (options.server.tls_certificate.empty() != options.server.tls_private_key.empty()) {
    return invalid("tlsCertificate", "and tlsPrivateKey must be given together");
  }
  if (auto* log = text("accessLog")) {
    // true, false, or the file to append the log to.
    if (log->find('/') != std::string::npos || log->ends_with(".log")) {
      options.access_log_path = *log;
    } else {
      auto value = flag_of("accessLog", *log);
      if (!value) return value.error();
      if (!*value) options.server.access_log = nullptr;
    }
  }
  for (auto [key, target] : {std::pair{"simRingMs", &options.simulation.ring_ms},
                             std::pair{"simTalkMs", &options.simulation.talk_ms}}) {
    if (auto* ms = text(key)) {
      auto value = integer_of(key, *ms);
      if (!value) return value.error();
      if (*value < 0) return invalid(key, "must not be negative");
      *target = *value;
    }
  }
  if (auto* rate = text("simAnswerRate")) {
    char* end = nullptr;
    double value = std::strtod(rate->c_str(), &end);
    if (end != rate->c_str() + rate->size() || value < 0 || value > 1) {
      return invalid("simAnswerRate", "must be a fraction from 0 to 1");
    }
    options.simulation.answer_rate = value;
  }
  if (auto* seed = text("simSeed")) {
    auto value = integer_of("simSeed", *seed);
    if (!value) return value.error();
    options.simulation.seed = static_cast<std::uint64_t>(*value);
  }
  if (auto* id = text("aircallApiKey")) options.aircall_api_id = *id;
  if (auto* token = text("aircallApiSecret")) options.aircall_api_token = *token;
  if (auto* url = text("aircallBaseUrl")) options.aircall_base_url = *url;
  if (auto* url = text("webhookUrl")) {
    if (!url->starts_with("https://") && !url->starts_with("http://")) {
      return invalid("webhookUrl", "must be an http:// or https:// URL");
    }
    options.webhook_url = *url;
  }
  return options;
}

}  // namespace dialer::http
