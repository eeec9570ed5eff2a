#pragma once

// The REST API by area. Each function adds its routes to a Router; the Router names each
// route for metrics and the access log, and turns a stray exception into a 500 answer.

#include <httplib.h>

#include <functional>
#include <string>

#include "http/context.hpp"

namespace dialer::http {

class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  explicit Router(httplib::Server& server) : server_(server) {}

  // `pattern` is a regular expression over the path; `route` names it, "GET /api/x/:id".
  void get(const std::string& pattern, std::string route, Handler handler);
  void post(const std::string& pattern, std::string route, Handler handler);
  void put(const std::string& pattern, std::string route, Handler handler);
  void del(const std::string& pattern, std::string route, Handler handler);

  // The route of the request this thread is serving ("" before routing).
  static const std::string& current_route();
  static void reset_current_route();

 private:
  Handler named(std::string route, Handler handler);
  httplib::Server& server_;
};

void add_webhook_routes(Router& router, Context& context);
void add_operation_routes(Router& router, Context& context, std::function<bool()> ready);
void add_system_routes(Router& router, Context& context);
void add_control_routes(Router& router, Context& context);
void add_aircall_routes(Router& router, Context& context);
void add_queue_routes(Router& router, Context& context);
void add_report_routes(Router& router, Context& context);
void add_event_feed_route(Router& router, Context& context);

}  // namespace dialer::http
