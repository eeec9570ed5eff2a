// dialerd: the PowerDialer server. For now it opens the event store, reports its state,
// and holds it open until SIGINT or SIGTERM.

#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "storage/event_store.hpp"

namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value && *value ? value : std::move(fallback);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"PowerDialer server"};
  std::string db_path = env_or("DIALER_DB", "data/dialer.db");
  bool verify_on_start = false;
  app.add_option("--db", db_path, "event store folder (env DIALER_DB)");
  app.add_flag("--verify", verify_on_start, "walk the whole log before serving");
  CLI11_PARSE(app, argc, argv);

  // Block the shutdown signals before any thread starts, so that only sigwait sees them.
  sigset_t shutdown_signals;
  sigemptyset(&shutdown_signals);
  sigaddset(&shutdown_signals, SIGINT);
  sigaddset(&shutdown_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &shutdown_signals, nullptr);

  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path{db_path}.parent_path(), ignored);
  auto store = dialer::storage::EventStore::open(db_path);
  if (!store) {
    std::cerr << "dialerd: " << store.error().message << "\n";
    return 1;
  }
  std::cout << "dialerd: event store " << db_path << " open, " << (*store)->last_seq() << " events"
            << std::endl;
  if (verify_on_start) {
    auto report = (*store)->verify();
    if (!report.ok) {
      std::cerr << "dialerd: log damaged at seq " << report.first_bad_seq << ": " << report.problem
                << "\n";
      return 2;
    }
    std::cout << "dialerd: log verified, " << report.events_checked << " events" << std::endl;
  }
  std::cout << "dialerd: ready; SIGINT or SIGTERM stops" << std::endl;

  int received = 0;
  sigwait(&shutdown_signals, &received);
  std::cout << "dialerd: signal " << received << ", closing the store" << std::endl;
  return 0;
}
