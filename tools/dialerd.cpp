// dialerd: the PowerDialer server. Recovers the dialer from its event log and serves the
// REST API until SIGINT or SIGTERM, then shuts down gracefully.

#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

#include "http/node/node.hpp"
#include "http/node/node_config.hpp"
#include "http/node/node_supervisor.hpp"
#include "tools/shutdown_signals.hpp"

namespace {

// Every connection is a file: the bound on open connections (DIALER_MAX_CONNECTIONS) needs
// as many, and the default soft limit is often 1,024.
void allow_open_files(std::size_t wanted) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  auto target = std::min<rlim_t>(limit.rlim_max, static_cast<rlim_t>(wanted));
  if (limit.rlim_cur >= target) return;
  limit.rlim_cur = target;
  setrlimit(RLIMIT_NOFILE, &limit);
}

std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in{path};
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"PowerDialer server"};
  std::string config_path;
  std::optional<std::string> db_path, bind;
  std::optional<int> port;
  bool verify_on_start = false;
  app.add_option("--config", config_path, "JSON settings file (env DIALER_CONFIG)");
  app.add_option("--db", db_path, "event store folder (env DIALER_DB)");
  app.add_option("--port", port, "port to listen on, 0 for any free one (env DIALER_PORT, PORT)")
      ->check(CLI::Range(0, 65535));
  app.add_option("--bind", bind, "address to listen on (env DIALER_BIND)");
  app.add_flag("--verify", verify_on_start, "walk the whole log before serving");
  app.footer(dialer::http::node_settings_help());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version end well; a wrong command line is a usage error (2), whatever
    // CLI11's own code for it.
    return app.exit(error) == 0 ? 0 : 2;
  }

  dialer::tools::ShutdownSignals shutdown;

  auto env = dialer::http::process_environment();
  if (config_path.empty()) config_path = env("DIALER_CONFIG").value_or("");
  std::optional<std::string> file_text;
  if (!config_path.empty()) {
    file_text = read_file(config_path);
    if (!file_text) {
      std::cerr << "dialerd: cannot read the config file " << config_path << "\n";
      return 2;
    }
  }
  std::vector<std::string> notices;
  auto options = dialer::http::resolve_node_options(file_text, env, notices);
  if (!options) {
    std::cerr << "dialerd: " << options.error().message << "\n";
    return 2;
  }
  for (const auto& notice : notices) std::cout << "dialerd: " << notice << "\n";
  if (db_path) options->db_path = *db_path;
  if (port) options->server.port = *port;
  if (bind) options->server.bind = *bind;
  options->verify_on_start = verify_on_start;
  if (!options->access_log_path.empty()) {
    auto* log = std::fopen(options->access_log_path.c_str(), "a");
    if (!log) {
      std::cerr << "dialerd: cannot open the access log " << options->access_log_path << ": "
                << std::strerror(errno) << "\n";
      return 2;
    }
    std::setvbuf(log, nullptr, _IOLBF, 0);
    options->server.access_log = log;
  }
  // The connections, the store's files and the simulator's sockets, with room to spare.
  allow_open_files(options->server.connections.max_connections * 2 + 1'024);

  auto supervisor = dialer::http::NodeSupervisor::start(std::move(*options), std::cout);
  if (!supervisor) {
    std::cerr << "dialerd: " << supervisor.error().message << "\n";
    return 1;
  }
  std::cout << "dialerd: ready; open " << (*supervisor)->node().console_url()
            << " for the console; SIGINT or SIGTERM stops" << std::endl;

  // Waits for a signal; meanwhile, a store that started read-only on a full disk is opened
  // for writing again once there is room.
  int received = 0;
  while ((received = shutdown.wait_for(std::chrono::seconds(2))) == 0) {
    (*supervisor)->resume_if_room();
    if (!(*supervisor)->running()) return 1;
  }
  std::cout << "dialerd: signal " << received
            << ", finishing the requests in flight and closing the store" << std::endl;
  (*supervisor)->stop();
  std::cout << "dialerd: stopped" << std::endl;
  return 0;
}
