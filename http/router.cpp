#include "http/exchange.hpp"
#include "http/routes.hpp"

namespace dialer::http {
namespace {

thread_local std::string current;

}  // namespace

const std::string& Router::current_route() {
  return current;
}
void Router::reset_current_route() {
  current.clear();
}

Router::Handler Router::named(std::string route, Handler handler) {
  return [route = std::move(route), handler = std::move(handler)](const httplib::Request& req,
                                                                  httplib::Response& res) {
    current = route;
    handler(req, res);
  };
}

void Router::get(const std::string& pattern, std::string route, Handler handler) {
  server_.Get(pattern, named(std::move(route), std::move(handler)));
}
void Router::post(const std::string& pattern, std::string route, Handler handler) {
  server_.Post(pattern, named(std::move(route), std::move(handler)));
}
void Router::put(const std::string& pattern, std::string route, Handler handler) {
  server_.Put(pattern, named(std::move(route), std::move(handler)));
}
void Router::del(const std::string& pattern, std::string route, Handler handler) {
  server_.Delete(pattern, named(std::move(route), std::move(handler)));
}

}  // namespace dialer::http
