#include "storage/backup.hpp"

#include <rocksdb/utilities/backup_engine.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "events/mutex.hpp"
#include "storage/event_store.hpp"

namespace dialer::storage {
namespace {

constexpr std::string_view kLastSeqTag = "lastSeq=";

Error backup_error(const std::string& what, const rocksdb::Status& status) {
  auto code = status.IsNoSpace() ? ErrorCode::unavailable : ErrorCode::io_error;
  return Error{code, what + ": " + status.ToString()};
}

BackupInfo info_of(const rocksdb::BackupInfo& found) {
  BackupInfo info;
  info.id = found.backup_id;
  info.created_at_s = found.timestamp;
  info.size_bytes = found.size;
  info.files = found.number_files;
  if (found.app_metadata.starts_with(kLastSeqTag)) {
    info.last_seq = std::stoull(found.app_metadata.substr(kLastSeqTag.size()));
  }
  return info;
}

rocksdb::BackupEngineOptions engine_options(const std::string& dir) {
  rocksdb::BackupEngineOptions options{dir};
  options.share_table_files = true;  // incremental: a table file is copied once
  options.max_background_operations = 2;
  return options;
}

}  // namespace

Result<BackupInfo> EventStore::backup(const std::string& dir, std::size_t keep) {
  if (database_->mode != OpenMode::read_write) {
    return Error{ErrorCode::conflict, "only the process that writes the store can back it up"};
  }
  // One backup at a time: BackupEngine allows one writer to a folder.
  static Mutex one_at_a_time;
  Lock lock{one_at_a_time};
  std::error_code ignored;
  std::filesystem::create_directories(dir, ignored);
  rocksdb::BackupEngine* raw = nullptr;
  auto opened = rocksdb::BackupEngine::Open(engine_options(dir), rocksdb::Env::Default(), &raw);
  if (!opened.ok()) return backup_error("cannot open the backup folder " + dir, opened);
  std::unique_ptr<rocksdb::BackupEngine> engine{raw};
  // Every event acknowledged before this moment is durable, so in what is copied next.
  auto last = last_seq();
  rocksdb::CreateBackupOptions options;
  options.flush_before_backup = true;
  rocksdb::BackupID id = 0;
  auto created = engine->CreateNewBackupWithMetadata(
      options, database_->db.get(), std::string{kLastSeqTag} + std::to_string(last), &id);
  if (!created.ok()) return backup_error("the backup failed", created);
  if (keep > 0) {
    if (auto purged = engine->PurgeOldBackups(static_cast<std::uint32_t>(keep)); !purged.ok())
      return backup_error("the backup was made, but older ones could not be dropped", purged);
  }
  rocksdb::BackupInfo found;
  if (auto read = engine->GetBackupInfo(id, &found); !read.ok())
    return backup_error("the backup was made, but cannot be read back", read);
  return info_of(found);
}

Result<std::vector<BackupInfo>> list_backups(const std::string& dir) {
  if (!std::filesystem::is_directory(dir)) {
    return Error{ErrorCode::not_found, "no backup folder at " + dir};
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  auto opened =
      rocksdb::BackupEngineReadOnly::Open(engine_options(dir), rocksdb::Env::Default(), &raw);
  if (!opened.ok()) return backup_error("cannot open the backup folder " + dir, opened);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine{raw};
  std::vector<rocksdb::BackupInfo> found;
  engine->GetBackupInfo(&found);
  std::vector<BackupInfo> backups;
  for (const auto& each : found) backups.push_back(info_of(each));
  return backups;
}

Result<BackupInfo> restore_backup(const std::string& dir, std::optional<std::uint32_t> id,
                                  const std::string& to) {
  std::error_code error;
  if (std::filesystem::exists(to, error) && !std::filesystem::is_empty(to, error)) {
    return Error{ErrorCode::conflict, to + " is not empty: restore into a new folder", "to"};
  }
  auto backups = list_backups(dir);
  if (!backups) return backups.error();
  if (backups->empty()) return Error{ErrorCode::not_found, "no backup in " + dir};
  auto chosen = backups->back();
  if (id) {
    auto found = std::find_if(backups->begin(), backups->end(),
                              [&](const BackupInfo& each) { return each.id == *id; });
    if (found == backups->end()) {
      return Error{ErrorCode::not_found, "no backup " + std::to_string(*id) + " in " + dir, "id"};
    }
    chosen = *found;
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  auto opened =
      rocksdb::BackupEngineReadOnly::Open(engine_options(dir), rocksdb::Env::Default(), &raw);
  if (!opened.ok()) return backup_error("cannot open the backup folder " + dir, opened);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine{raw};
  std::filesystem::create_directories(to, error);
  auto restored = engine->RestoreDBFromBackup(rocksdb::RestoreOptions{}, chosen.id, to, to);
  if (!restored.ok()) return backup_error("the restore failed", restored);
  return chosen;
}

}  // namespace dialer::storage
