#pragma once

// Asks RocksDB to resume writing once a full disk has room again. RocksDB recovers from a
// full disk by itself when its own polling sees space, but that can lag far behind (a
// minute and more on a busy machine); DB::Resume() once a second does not.

#include <rocksdb/db.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <thread>

#include "storage/write_health.hpp"

namespace dialer::storage {

class DiskFullResumer {
 public:
  DiskFullResumer(rocksdb::DB& db, std::shared_ptr<WriteHealth> health)
      : db_(db), health_(std::move(health)), thread_([this] { run(); }) {}
  ~DiskFullResumer() {
    {
      Lock lock{mutex_};
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  DiskFullResumer(const DiskFullResumer&) = delete;
  DiskFullResumer& operator=(const DiskFullResumer&) = delete;

 private:
  void run() {
    Lock lock{mutex_};
    while (!wake_.wait_for(lock.native(), std::chrono::seconds(1),
                           [this]() REQUIRES(mutex_) { return stopping_; })) {
      auto problem = health_->problem();
      if (!problem || !problem->disk_full) continue;
      lock.unlock();
      // Fails, and changes nothing, while the disk is still full.
      if (db_.Resume().ok()) health_->recovered();
      lock.lock();
    }
  }

  rocksdb::DB& db_;
  std::shared_ptr<WriteHealth> health_;
  Mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;  // last: it starts once the rest is ready
};

}  // namespace dialer::storage
