#include "storage/database.hpp"

#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <filesystem>

namespace dialer::storage {
namespace {

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// RocksDB's own log goes to stderr, warnings and worse only. Its default, a LOG file beside
// the data, is the first write to fail on a full disk, and this build asserts (aborts) on
// the next line written to a file that failed once.
class StderrLogger final : public rocksdb::Logger {
 public:
  StderrLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list args) override {
    char line[1024];
    std::vsnprintf(line, sizeof line, format, args);
    std::fprintf(stderr, "rocksdb: %s\n", line);
  }
};

// Keeps the store's write health as RocksDB reports it: a background error stops writes
// (the database turns read-only), and its recovery, once space is back, lets them go on.
class HealthListener final : public rocksdb::EventListener {
 public:
  explicit HealthListener(std::shared_ptr<WriteHealth> health) : health_(std::move(health)) {}
  void OnBackgroundError(rocksdb::BackgroundErrorReason, rocksdb::Status* error) override {
    if (error && !error->ok()) health_->failed(error->ToString(), disk_full(*error), now_ms());
  }
  void OnErrorRecoveryEnd(const rocksdb::BackgroundErrorRecoveryInfo& info) override {
    if (info.new_bg_error.ok()) health_->recovered();
  }

 private:
  std::shared_ptr<WriteHealth> health_;
};

rocksdb::Options make_options(OpenMode mode) {
  rocksdb::Options options;
  static const auto logger = std::make_shared<StderrLogger>();
  options.info_log = logger;
  options.create_if_missing = mode == OpenMode::read_write;
  options.create_missing_column_families = mode == OpenMode::read_write;
  options.IncreaseParallelism(2);
  options.keep_log_file_num = 4;
  // A secondary must keep every table file open to follow the primary's compactions.
  if (mode == OpenMode::secondary) options.max_open_files = -1;
  // One thread writes; concurrent memtable inserts would only disable the hint below.
  options.allow_concurrent_memtable_write = false;
  options.max_write_buffer_number = 4;
  return options;
}

rocksdb::ColumnFamilyOptions family_options(const rocksdb::Options& base, const std::string& name) {
  rocksdb::ColumnFamilyOptions options{base};
  if (name == "log") {
    // Log keys only ever ascend: every insert lands next to the previous one, so one
    // insert hint (under the empty prefix) saves the skiplist search.
    options.memtable_insert_with_hint_prefix_extractor.reset(rocksdb::NewFixedPrefixTransform(0));
  }
  if (name == "idempotency") {
    // Nearly every lookup is for a key never seen (a new delivery): bloom filters, in the
    // memtable and in the table files, answer those without a search.
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = 0.05;
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  }
  return options;
}

}  // namespace

const std::vector<std::string>& column_family_names() {
  static const std::vector<std::string> names{rocksdb::kDefaultColumnFamilyName,
                                              "log",
                                              "streams",
                                              "idempotency",
                                              "snapshots",
                                              "projections"};
  return names;
}

bool disk_full(const rocksdb::Status& status) {
  return status.IsNoSpace() || status.subcode() == rocksdb::Status::kNoSpace;
}

Error io_error(const rocksdb::Status& status, const std::string& what) {
  if (disk_full(status)) {
    return Error{ErrorCode::unavailable,
                 "the disk is full: nothing can be written until space is freed (" + what + ": " +
                     status.ToString() + ")"};
  }
  return Error{ErrorCode::io_error, what + ": " + status.ToString()};
}

Database::~Database() {
  resumer.reset();  // before the database it resumes closes
  // After a write failed, RocksDB is read-only until it recovers: a flush would only fail.
  if (db && mode == OpenMode::read_write && !health->problem()) {
    // A clean close leaves nothing in the WAL to replay: the next start opens at once.
    rocksdb::FlushOptions flush;
    flush.wait = true;
    db->Flush(flush, handles);
  }
  if (db) {
    for (auto* handle : handles) db->DestroyColumnFamilyHandle(handle);
    db->Close();
  }
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path, OpenMode mode,
                                                 const std::string& secondary_path,
                                                 rocksdb::Env* env, std::uint64_t max_wal_bytes) {
  if (mode != OpenMode::read_write &&
      !std::filesystem::exists(std::filesystem::path{path} / "CURRENT")) {
    return Error{ErrorCode::not_found, "no event store at " + path};
  }
  auto options = make_options(mode);
  if (env) options.env = env;
  options.max_total_wal_size = max_wal_bytes;
  auto database = std::make_unique<Database>();
  options.listeners.push_back(std::make_shared<HealthListener>(database->health));
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : column_family_names()) {
    families.emplace_back(name, family_options(options, name));
  }

  database->mode = mode;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status status;
  switch (mode) {
    case OpenMode::read_write:
      status = rocksdb::DB::Open(options, path, families, &database->handles, &raw);
      break;
    case OpenMode::read_only:
      status = rocksdb::DB::OpenForReadOnly(options, path, families, &database->handles, &raw);
      break;
    case OpenMode::secondary:
      if (secondary_path.empty()) {
        return Error{ErrorCode::invalid_argument, "a secondary needs a folder of its own",
                     "secondaryPath"};
      }
      status = rocksdb::DB::OpenAsSecondary(options, path, secondary_path, families,
                                            &database->handles, &raw);
      break;
  }
  if (!status.ok()) return io_error(status, "cannot open the event store at " + path);
  database->db.reset(raw);
  database->log = database->handles[1];
  database->streams = database->handles[2];
  database->idempotency = database->handles[3];
  database->snapshots = database->handles[4];
  database->projections = database->handles[5];
  if (mode == OpenMode::read_write) {
    database->resumer = std::make_unique<DiskFullResumer>(*database->db, database->health);
  }
  return database;
}

}  // namespace dialer::storage
