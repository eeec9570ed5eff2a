#pragma once

// Backups of a live event store, with RocksDB's BackupEngine: each one is consistent (the
// memtables flushed, the files of one moment copied), incremental (a table file already in
// an earlier backup is shared, not copied again), and the oldest beyond `keep` are dropped.
// A restore writes a new database folder from a chosen backup, or the newest.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "events/result.hpp"

namespace dialer::storage {

struct BackupInfo {
  std::uint32_t id = 0;
  std::int64_t created_at_s = 0;  // Unix seconds
  std::uint64_t size_bytes = 0;   // every file it names, shared ones included
  std::uint32_t files = 0;
  std::uint64_t last_seq = 0;  // the log's last event when it began: every one up to it is in
};

// The backups in `dir`, oldest first; an empty list when it holds none.
Result<std::vector<BackupInfo>> list_backups(const std::string& dir);

// Restores backup `id` (the newest when none) from `dir` into the folder `to`, which must
// not hold a database already.
Result<BackupInfo> restore_backup(const std::string& dir, std::optional<std::uint32_t> id,
                                  const std::string& to);

}  // namespace dialer::storage
