#include "storage/database.hpp"

#include <rocksdb/filter_policy.h>
#include <rocksdb/slice_transform.h>
#include <rocksdb/table.h>

#include <filesystem>

namespace dialer::storage {
namespace {

rocksdb::Options make_options(OpenMode mode) {
  rocksdb::Options options;
  options.create_if_missing = mode == OpenMode::read_write;
  options.create_missing_column_families = mode == OpenMode::read_write;
  options.IncreaseParallelism(2);
  options.keep_log_file_num = 4;
  // A secondary must keep every table file open to follow the primary's compactions.
  if (mode == OpenMode::secondary) options.max_open_files = -1;
  // One thread writes; concurrent memtable inserts would only disable the hint below.
  options.allow_concurrent_memtable_write = false;
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

Error io_error(const rocksdb::Status& status, const std::string& what) {
  return Error{ErrorCode::io_error, what + ": " + status.ToString()};
}

Database::~Database() {
  if (db && mode == OpenMode::read_write) {
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
                                                 rocksdb::Env* env) {
  if (mode != OpenMode::read_write &&
      !std::filesystem::exists(std::filesystem::path{path} / "CURRENT")) {
    return Error{ErrorCode::not_found, "no event store at " + path};
  }
  auto options = make_options(mode);
  if (env) options.env = env;
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : column_family_names()) {
    families.emplace_back(name, family_options(options, name));
  }

  auto database = std::make_unique<Database>();
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
  return database;
}

}  // namespace dialer::storage
