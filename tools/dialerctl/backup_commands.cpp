// The operator's backups: of a database no process holds, of a running server (which writes
// into the folder it was given), and restores, each checked by `verify` before it is done.

#include "tools/dialerctl/backup_commands.hpp"

#include <httplib.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "actors/projections/report_json.hpp"
#include "tools/dialerctl/commands.hpp"

namespace dialer::ctl {
namespace {

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "dialerctl: %s\n", message.c_str());
  return code;
}

void print(std::ostream& os, const storage::BackupInfo& backup) {
  os << "backup " << backup.id << ": " << projections::iso_time(backup.created_at_s * 1000) << ", "
     << backup.files << " files, " << backup.size_bytes << " bytes, events up to seq "
     << backup.last_seq << '\n';
}

}  // namespace

int backup_database(const std::string& db, const std::string& to, std::size_t keep, Output& out) {
  auto store = storage::EventStore::open(db);
  if (!store) {
    if (store.error().message.find("lock") != std::string::npos) {
      return fail(unreadable, db + " is in use by a running dialerd: ask it for a backup with "
                                   "dialerctl backup --server URL (it writes to its "
                                   "DIALER_BACKUP_DIR)");
    }
    return fail(unreadable, store.error().message);
  }
  auto made = (*store)->backup(to, keep);
  if (!made) return fail(unreadable, made.error().message);
  print(out.stream(), *made);
  return out.good() ? ok : unwritable;
}

int backup_server(const std::string& url, const std::string& key, Output& out) {
  httplib::Client client{url};
  client.set_tcp_nodelay(true);
  client.set_read_timeout(std::chrono::minutes(30));  // a first backup copies every file
  httplib::Headers headers;
  if (!key.empty()) headers.emplace("Authorization", "Bearer " + key);
  auto answer = client.Post("/api/dialer/admin/backup", headers, "", "application/json");
  if (!answer)
    return fail(unreadable, "cannot reach " + url + ": " + httplib::to_string(answer.error()));
  auto body = nlohmann::json::parse(answer->body, nullptr, false);
  if (answer->status != 200 || !body.is_object()) {
    return fail(unreadable,
                "the server refused (" + std::to_string(answer->status) + "): " +
                    (body.is_object() ? body.value("message", answer->body) : answer->body));
  }
  const auto& backup = body["backup"];
  out.stream() << "backup " << backup["id"] << ": " << backup["createdAt"].get<std::string>()
               << ", " << backup["files"] << " files, " << backup["sizeBytes"]
               << " bytes, events up to seq " << backup["lastSeq"] << ", in " << body["seconds"]
               << " s\n";
  return out.good() ? ok : unwritable;
}

int list_backups(const std::string& dir, Output& out) {
  auto found = storage::list_backups(dir);
  if (!found) return fail(unreadable, found.error().message);
  if (found->empty()) out.stream() << "no backup in " << dir << '\n';
  for (const auto& backup : *found) print(out.stream(), backup);
  return out.good() ? ok : unwritable;
}

int restore(const std::string& from, std::optional<std::uint32_t> id, const std::string& to,
            Output& out) {
  auto restored = storage::restore_backup(from, id, to);
  if (!restored)
    return fail(restored.error().code == ErrorCode::conflict ? usage : unreadable,
                restored.error().message);
  auto& os = out.stream();
  os << "restored ";
  print(os, *restored);
  // Done only once the copy proves whole: the hash chain, the live set and the projection.
  auto opened = ReadOnlyStore::open(to);
  if (!opened) return fail(unreadable, opened.error().message);
  auto checked = verify((*opened)->store(), out);
  if (checked == ok) os << "restore into " << to << ": done, verified\n";
  return checked;
}

}  // namespace dialer::ctl
