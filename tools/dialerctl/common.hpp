#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "storage/event_store.hpp"

namespace dialer::ctl {

// Exit codes scripts can rely on.
enum Exit : int { ok = 0, problems_found = 1, usage = 2, unreadable = 3, unwritable = 4 };

// The store opened beside whatever else uses it: a RocksDB secondary in a folder of its
// own, removed on close, so the database itself is never written.
class ReadOnlyStore {
 public:
  static Result<std::unique_ptr<ReadOnlyStore>> open(const std::string& path);
  ~ReadOnlyStore();
  storage::EventStore& store() { return *store_; }

 private:
  std::filesystem::path scratch_;
  std::unique_ptr<storage::EventStore> store_;
};

// A progress bar on stderr, only when stderr is a terminal.
class Progress {
 public:
  Progress(std::string what, std::uint64_t total);
  ~Progress();
  void update(std::uint64_t done);

 private:
  std::string what_;
  std::uint64_t total_;
  bool shown_;
  int last_percent_ = -1;
};

// Where output goes: a file, or stdout.
class Output {
 public:
  static Result<Output> to(const std::string& path);  // empty or "-": stdout
  std::ostream& stream() { return file_ ? *file_ : *stdout_; }
  bool good() { return static_cast<bool>(stream()) && !reader_gone(); }
  // Whether standard output was a pipe whose reader has closed it (`| head`).
  static bool reader_gone();

 private:
  std::shared_ptr<std::ofstream> file_;
  std::ostream* stdout_ = nullptr;
};

// A time from the command line, or a usage error naming the option.
Result<std::optional<std::int64_t>> time_option(const std::string& text, const std::string& option);

}  // namespace dialer::ctl
