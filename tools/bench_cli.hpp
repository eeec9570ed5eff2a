#pragma once

// A benchmark's command line: what it measures, its own options, and `--dir`, where its
// scratch folders (its databases) go, each a fresh one named after the benchmark and removed
// when the benchmark ends.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "tools/bench_log.hpp"

namespace dialer::bench {

struct BenchCli {
  BenchCli(std::string bench_name, const std::string& measures)
      : name(std::move(bench_name)), app{name + ": " + measures} {
    app.add_option("--dir", parent, "where its scratch folders go");
  }
  BenchCli(const BenchCli&) = delete;
  BenchCli& operator=(const BenchCli&) = delete;
  ~BenchCli() {
    std::error_code ignored;
    for (const auto& folder : scratches_) std::filesystem::remove_all(folder, ignored);
  }

  // A fresh folder under --dir.
  std::filesystem::path scratch() {
    scratches_.push_back(make_temp_dir(parent, name));
    return scratches_.back();
  }

  std::string name;
  std::string parent = std::filesystem::temp_directory_path().string();
  CLI::App app;

 private:
  std::vector<std::filesystem::path> scratches_;
};

// A benchmark over one generated log, with the option that sizes it (`--events`, ...).
struct LogBenchCli : BenchCli {
  LogBenchCli(std::string bench_name, const std::string& measures, const std::string& size_flag,
              const std::string& size_help, std::uint64_t default_size)
      : BenchCli(std::move(bench_name), measures), size(default_size) {
    app.add_option(size_flag, size, size_help);
  }

  std::uint64_t size;
};

// The load the HTTP benchmarks put on the API while they measure.
inline void add_load_options(CLI::App& app, int& seconds, int& clients) {
  app.add_option("--seconds", seconds, "seconds per measured run");
  app.add_option("--clients", clients, "API clients, each with one keep-alive connection");
}

}  // namespace dialer::bench
