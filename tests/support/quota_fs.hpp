#pragma once

// A disk that fills up, for tests: a RocksDB file system whose free space is a number the
// test sets. Writes past it fail with "no space left", as a full disk's do; deleting a file
// gives its bytes back; RocksDB asks it for the free space before it recovers.

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace dialer::testing {

class QuotaFileSystem : public rocksdb::FileSystemWrapper {
 public:
  explicit QuotaFileSystem(std::int64_t free_bytes)
      : FileSystemWrapper(rocksdb::FileSystem::Default()),
        free_(std::make_shared<std::atomic<std::int64_t>>(free_bytes)) {}
  const char* Name() const override { return "QuotaFileSystem"; }

  void set_free(std::int64_t bytes) { free_->store(bytes); }
  std::int64_t free() const { return free_->load(); }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* debug) override {
    auto status = target()->NewWritableFile(name, options, file, debug);
    if (status.ok()) *file = std::make_unique<QuotaFile>(std::move(*file), free_);
    return status;
  }
  rocksdb::IOStatus DeleteFile(const std::string& name, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* debug) override {
    std::uint64_t size = 0;
    if (target()->GetFileSize(name, options, &size, debug).ok())
      free_->fetch_add(static_cast<std::int64_t>(size));
    return target()->DeleteFile(name, options, debug);
  }
  rocksdb::IOStatus GetFreeSpace(const std::string&, const rocksdb::IOOptions&, std::uint64_t* free,
                                 rocksdb::IODebugContext*) override {
    *free = static_cast<std::uint64_t>(std::max<std::int64_t>(free_->load(), 0));
    return rocksdb::IOStatus::OK();
  }

 private:
  class QuotaFile : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    QuotaFile(std::unique_ptr<rocksdb::FSWritableFile> file,
              std::shared_ptr<std::atomic<std::int64_t>> free)
        : FSWritableFileOwnerWrapper(std::move(file)), free_(std::move(free)) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* debug) override {
      if (!take(data.size())) return rocksdb::IOStatus::NoSpace("injected: no space left");
      return FSWritableFileOwnerWrapper::Append(data, options, debug);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* debug) override {
      if (!take(data.size())) return rocksdb::IOStatus::NoSpace("injected: no space left");
      return FSWritableFileOwnerWrapper::Append(data, options, info, debug);
    }

   private:
    bool take(std::size_t bytes) {
      auto need = static_cast<std::int64_t>(bytes);
      auto left = free_->load();
      while (left >= need) {
        if (free_->compare_exchange_weak(left, left - need)) return true;
      }
      return false;
    }
    std::shared_ptr<std::atomic<std::int64_t>> free_;
  };

  std::shared_ptr<std::atomic<std::int64_t>> free_;
};

// An Env over a quota file system, kept alive with it.
struct QuotaDisk {
  explicit QuotaDisk(std::int64_t free_bytes)
      : fs(std::make_shared<QuotaFileSystem>(free_bytes)), env(rocksdb::NewCompositeEnv(fs)) {}
  std::shared_ptr<QuotaFileSystem> fs;
  std::unique_ptr<rocksdb::Env> env;
};

}  // namespace dialer::testing
