#pragma once

// The REST server: cpp-httplib with the routes of http/routes/routes.hpp, API-key checks, body
// limits, timeouts, metrics and an access log; HTTPS when given a certificate.

#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "events/result.hpp"
#include "http/connections/connection_server.hpp"
#include "http/node/context.hpp"

namespace dialer::http {

class ListenThread;
class Router;

struct ServerOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port
  // How connections are held: bounds, deadlines, sizes (http/connections/).
  ConnectionRules connections;
  std::string tls_certificate;  // both set: HTTPS
  std::string tls_private_key;
  std::FILE* access_log = stdout;  // null: none
  // Sees every answer once it is written, with the name of its route ("unmatched" when none
  // took it): the contract test records the answers the tests receive.
  std::function<void(const std::string& route, const httplib::Request&, const httplib::Response&)>
      observer;
};

class ApiServer {
 public:
  // Binds and starts serving on a thread of its own; `ready` answers /readyz.
  static Result<std::unique_ptr<ApiServer>> start(const ServerOptions& options, Context& context,
                                                  std::function<bool()> ready);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  int port() const { return port_; }
  bool tls() const { return tls_; }
  // Stops accepting, lets the requests in flight finish, and returns when they have.
  void stop();
  ConnectionCounts connections() const { return server_->counts(); }
  // Every route it serves, {method, template}: for tests that try each one.
  std::vector<std::pair<std::string, std::string>> routes() const;

 private:
  ApiServer() = default;
  std::unique_ptr<ConnectionServer> server_;
  std::unique_ptr<ListenThread> listener_;
  std::shared_ptr<const Router> router_;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace dialer::http
