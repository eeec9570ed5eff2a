#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "events/envelope.hpp"
#include "storage/commit_signal.hpp"
#include "storage/database.hpp"
#include "storage/event_store.hpp"

namespace dialer::storage {

// The log's single writer. Requests queue up while the previous batch is being synced;
// the writer then takes them all, checks each against the log, and writes them as one
// synced WriteBatch, so that many appenders share one fsync.
class GroupCommitWriter {
 public:
  struct Tail {
    std::uint64_t seq = 0;
    events::Hash hash{};
    std::int64_t recorded_at_ms = 0;
  };

  GroupCommitWriter(Database& database, CommitSignal& signal, std::function<std::int64_t()> clock,
                    Tail tail);
  // Commits what is queued, then stops.
  ~GroupCommitWriter();

  void submit(AppendRequest request, AppendCallback done);

 private:
  struct Pending {
    AppendRequest request;
    AppendCallback done;
  };
  // What one batch has decided so far, seen by the requests after it in the same batch.
  struct BatchView {
    std::unordered_map<std::string, std::uint64_t> versions;
    std::unordered_map<std::string, AppendOutcome> keys;
  };

  void run();
  void commit(std::vector<Pending>& batch);
  Result<AppendOutcome> stage(const AppendRequest& request, BatchView& view,
                              rocksdb::WriteBatch& batch, Tail& tail);
  Result<std::uint64_t> version_of(const std::string& stream, const BatchView& view);
  Result<std::optional<AppendOutcome>> earlier_answer(const std::string& key,
                                                      const BatchView& view);

  Database& database_;
  CommitSignal& signal_;
  std::function<std::int64_t()> clock_;
  Tail tail_;
  // Known stream versions; bounded, since a dialer touches millions of streams.
  std::unordered_map<std::string, std::uint64_t> version_cache_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace dialer::storage
