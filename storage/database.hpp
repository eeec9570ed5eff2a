#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "events/result.hpp"
#include "storage/disk_full_resumer.hpp"
#include "storage/write_health.hpp"

namespace dialer::storage {

enum class OpenMode {
  read_write,  // the server: the only writer
  read_only,   // a database no process is writing
  secondary,   // follows a live writer, see EventStore::catch_up
};

// The RocksDB instance and its column families:
//   log          global seq (be64) -> encoded envelope; append-only
//   streams      stream NUL version (be64) -> global seq
//   idempotency  key -> the first answer's seqs and version
//   snapshots    stream -> version (be64) + state
//   projections  consumer NUL key -> state; consumer NUL -> checkpoint
struct Database {
  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::ColumnFamilyHandle* log = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  rocksdb::ColumnFamilyHandle* idempotency = nullptr;
  rocksdb::ColumnFamilyHandle* snapshots = nullptr;
  rocksdb::ColumnFamilyHandle* projections = nullptr;
  OpenMode mode = OpenMode::read_write;
  // Told by RocksDB of background errors (a full disk) and of its recovery from them.
  std::shared_ptr<WriteHealth> health = std::make_shared<WriteHealth>();
  // read_write only: resumes writing once a full disk has room again.
  std::unique_ptr<DiskFullResumer> resumer;

  Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // The write-ahead log is kept under `max_wal_bytes`: past it, RocksDB flushes the column
  // families that hold its oldest file, however little they were written, so that the file
  // can go (the default, four times every memtable, let it reach gigabytes).
  static constexpr std::uint64_t kDefaultMaxWalBytes = 64 << 20;
  static Result<std::unique_ptr<Database>> open(const std::string& path, OpenMode mode,
                                                const std::string& secondary_path,
                                                rocksdb::Env* env = nullptr,
                                                std::uint64_t max_wal_bytes = kDefaultMaxWalBytes);
};

// A storage failure as an Error: a full disk is `unavailable` (it passes once space is
// freed), anything else an io_error.
Error io_error(const rocksdb::Status& status, const std::string& what);
bool disk_full(const rocksdb::Status& status);

// The column families, in the order Database::handles holds them.
const std::vector<std::string>& column_family_names();

}  // namespace dialer::storage
