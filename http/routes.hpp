#pragma once

// The REST API by area. Each function adds its routes to a Router; the Router names each
// route for metrics and the access log, and turns a stray exception into a 500 answer.

#include <httplib.h>

#include <functional>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "http/context.hpp"

namespace dialer::http {

// Which methods each path takes: for 405 answers with Allow, and for OPTIONS.
class RouteTable {
 public:
  void add(std::string method, const std::string& pattern);
  // The methods whose pattern matches `path`, "GET, POST"; empty for an unknown path.
  std::string allowed(const std::string& path) const;

 private:
  std::vector<std::pair<std::string, std::regex>> routes_;
};

class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  explicit Router(httplib::Server& server)
      : server_(server), table_(std::make_shared<RouteTable>()) {}

  // `pattern` is a regular expression over the path; `route` names it, "GET /api/x/:id".
  void get(const std::string& pattern, std::string route, Handler handler);
  void post(const std::string& pattern, std::string route, Handler handler);
  void put(const std::string& pattern, std::string route, Handler handler);
  void del(const std::string& pattern, std::string route, Handler handler);

  // The route of the request this thread is serving ("" before routing).
  static const std::string& current_route();
  static void reset_current_route();
  std::shared_ptr<const RouteTable> table() const { return table_; }

 private:
  Handler named(std::string route, Handler handler);
  httplib::Server& server_;
  std::shared_ptr<RouteTable> table_;
};

void add_webhook_routes(Router& router, Context& context);
void add_operation_routes(Router& router, Context& context, std::function<bool()> ready);
void add_system_routes(Router& router, Context& context);
void add_control_routes(Router& router, Context& context);
void add_disposition_routes(Router& router, Context& context);
void add_aircall_routes(Router& router, Context& context);
void add_queue_routes(Router& router, Context& context);
void add_import_routes(Router& router, Context& context);
void add_report_routes(Router& router, Context& context);
void add_event_feed_route(Router& router, Context& context);
// The console's files: open to anyone, like /healthz.
void add_console_routes(Router& router);
bool is_console_path(std::string_view path);

}  // namespace dialer::http
