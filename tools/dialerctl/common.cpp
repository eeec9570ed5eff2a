#include "tools/dialerctl/common.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iostream>

#include "actors/projections/report_json.hpp"

namespace dialer::ctl {

Result<std::unique_ptr<ReadOnlyStore>> ReadOnlyStore::open(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::is_directory(path, error)) {
    return Error{ErrorCode::not_found, "no database at " + path + " (not a folder)"};
  }
  if (!std::filesystem::exists(std::filesystem::path{path} / "CURRENT", error)) {
    return Error{ErrorCode::not_found, path + " is not an event store (no RocksDB CURRENT file)"};
  }
  std::string scratch = (std::filesystem::temp_directory_path() / "dialerctl-XXXXXX").string();
  if (!mkdtemp(scratch.data())) return Error{ErrorCode::io_error, "cannot create a scratch folder"};
  std::unique_ptr<ReadOnlyStore> out{new ReadOnlyStore{}};
  out->scratch_ = scratch;
  auto store =
      storage::EventStore::open(path, {storage::OpenMode::secondary, scratch, {}, nullptr});
  if (!store) return store.error();
  out->store_ = std::move(store).value();
  if (auto caught_up = out->store_->catch_up(); !caught_up) return caught_up.error();
  return out;
}

ReadOnlyStore::~ReadOnlyStore() {
  store_.reset();
  std::error_code ignored;
  std::filesystem::remove_all(scratch_, ignored);
}

Progress::Progress(std::string what, std::uint64_t total)
    : what_(std::move(what)), total_(total), shown_(total > 0 && isatty(STDERR_FILENO)) {}

Progress::~Progress() {
  if (shown_ && last_percent_ >= 0) std::fputc('\n', stderr);
}

void Progress::update(std::uint64_t done) {
  if (!shown_) return;
  int percent = static_cast<int>(done * 100 / total_);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  std::string bar(kWidth, ' ');
  for (int i = 0; i < percent * kWidth / 100; ++i) bar[i] = '=';
  std::fprintf(stderr, "\r%s [%s] %3d%% %llu/%llu", what_.c_str(), bar.c_str(), percent,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_));
  std::fflush(stderr);
}

namespace {
volatile std::sig_atomic_t pipe_closed = 0;
}  // namespace

bool Output::reader_gone() {
  // SIGPIPE would kill the process before it removes its scratch folder: it only notes.
  static bool installed = [] {
    std::signal(SIGPIPE, [](int) { pipe_closed = 1; });
    return true;
  }();
  (void)installed;
  return pipe_closed != 0;
}

Result<Output> Output::to(const std::string& path) {
  (void)reader_gone();
  Output out;
  if (path.empty() || path == "-") {
    out.stdout_ = &std::cout;
    return out;
  }
  out.file_ = std::make_shared<std::ofstream>(path, std::ios::binary | std::ios::trunc);
  if (!*out.file_) return Error{ErrorCode::io_error, "cannot write " + path};
  return out;
}

Result<std::optional<std::int64_t>> time_option(const std::string& text,
                                                const std::string& option) {
  if (text.empty()) return std::optional<std::int64_t>{};
  auto parsed = projections::parse_time(text);
  if (!parsed) {
    return Error{
        ErrorCode::invalid_argument,
        option +
            " takes a time such as 2026-11-27T12:00:00Z, 2026-11-27 or epoch milliseconds, not \"" +
            text + "\"",
        option};
  }
  return std::optional<std::int64_t>{*parsed};
}

}  // namespace dialer::ctl
