#pragma once

// The REST API by area. Each function adds its routes to a Router; the Router names each
// route for metrics and the access log.

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/node/context.hpp"
#include "http/routes/route_table.hpp"

namespace dialer::http {

// The routes by template, each with its handler; dispatched before httplib would route, so
// that httplib's regular expressions never see a path.
class Router {
 public:
  using Handler = std::function<void(const httplib::Request&, httplib::Response&)>;
  using ParamHandler =
      std::function<void(const httplib::Request&, httplib::Response&, const PathParams&)>;

  // `pattern` is a template, "/api/dialer/start/:userId"; the route is named after it,
  // "POST /api/dialer/start/:userId", for metrics and the access log.
  void get(std::string pattern, Handler handler) { add("GET", std::move(pattern), wrap(handler)); }
  void get(std::string pattern, ParamHandler handler) { add("GET", std::move(pattern), handler); }
  void post(std::string pattern, Handler handler) {
    add("POST", std::move(pattern), wrap(handler));
  }
  void post(std::string pattern, ParamHandler handler) { add("POST", std::move(pattern), handler); }
  void put(std::string pattern, Handler handler) { add("PUT", std::move(pattern), wrap(handler)); }
  void put(std::string pattern, ParamHandler handler) { add("PUT", std::move(pattern), handler); }
  void del(std::string pattern, Handler handler) {
    add("DELETE", std::move(pattern), wrap(handler));
  }
  void del(std::string pattern, ParamHandler handler) {
    add("DELETE", std::move(pattern), handler);
  }

  // Answers `req` with its route's handler; a path no route takes is 404, and a path that
  // takes other methods 405, saying which.
  void dispatch(const httplib::Request& req, httplib::Response& res) const;
  const RouteTable& table() const { return table_; }

  // The route of the request this thread is serving ("" before routing).
  static const std::string& current_route();
  static void reset_current_route();

 private:
  static ParamHandler wrap(Handler handler) {
    return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res,
                                          const PathParams&) { handler(req, res); };
  }
  void add(std::string method, std::string pattern, ParamHandler handler);

  RouteTable table_;
  std::vector<std::string> names_;  // by route index
  std::vector<ParamHandler> handlers_;
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
void add_admin_routes(Router& router, Context& context);
// The console's files: open to anyone, like /healthz.
void add_console_routes(Router& router);
bool is_console_path(std::string_view path);

}  // namespace dialer::http
