// The operator's backups of the running server: POST takes one into the folder dialerd was
// given (DIALER_BACKUP_DIR; a request never names a path on the server), GET lists them.

#include "actors/projections/report_json.hpp"
#include "http/mapping/exchange.hpp"
#include "http/routes/routes.hpp"

namespace dialer::http {
namespace {

using nlohmann::json;

json backup_json(const storage::BackupInfo& backup) {
  return {{"id", backup.id},
          {"createdAt", projections::iso_time(backup.created_at_s * 1000)},
          {"sizeBytes", backup.size_bytes},
          {"files", backup.files},
          {"lastSeq", backup.last_seq}};
}

Status backups_configured(const Context& context) {
  if (!context.backup_dir.empty()) return Done{};
  return Error{ErrorCode::conflict,
               "no backup folder is configured: start dialerd with DIALER_BACKUP_DIR (or "
               "backupDir in its config file)"};
}

Answer back_up(Context& context) {
  if (auto configured = backups_configured(context); !configured) return configured.error();
  auto started = std::chrono::steady_clock::now();
  auto made = context.store.backup(context.backup_dir, context.backup_keep);
  if (!made) return made.error();
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started);
  return json{{"backup", backup_json(*made)}, {"seconds", seconds.count()}};
}

Answer backups(Context& context) {
  if (auto configured = backups_configured(context); !configured) return configured.error();
  auto found = storage::list_backups(context.backup_dir);
  json list = json::array();
  if (found) {
    for (const auto& backup : *found) list.push_back(backup_json(backup));
  } else if (found.error().code != ErrorCode::not_found) {
    return found.error();
  }
  return json{{"totalCount", list.size()}, {"backups", std::move(list)}};
}

}  // namespace

void add_admin_routes(Router& router, Context& context) {
  router.post("/api/dialer/admin/backup",
              [&context](const httplib::Request&, httplib::Response& res) {
                reply_with(res, back_up(context));
              });
  router.get("/api/dialer/admin/backups",
             [&context](const httplib::Request&, httplib::Response& res) {
               reply_with(res, backups(context));
             });
}

}  // namespace dialer::http
