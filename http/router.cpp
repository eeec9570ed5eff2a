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

void RouteTable::add(std::string method, const std::string& pattern) {
  routes_.emplace_back(std::move(method), std::regex{pattern});
}

std::string RouteTable::allowed(const std::string& path) const {
  std::string methods;
  for (const auto& [method, pattern] : routes_) {
    if (!std::regex_match(path, pattern) || methods.find(method) != std::string::npos) continue;
    methods += (methods.empty() ? "" : ", ") + method;
  }
  if (!methods.empty()) methods += ", OPTIONS";
  return methods;
}

void Router::get(const std::string& pattern, std::string route, Handler handler) {
  table_->add("GET", pattern);
  server_.Get(pattern, named(std::move(route), std::move(handler)));
}
void Router::post(const std::string& pattern, std::string route, Handler handler) {
  table_->add("POST", pattern);
  server_.Post(pattern, named(std::move(route), std::move(handler)));
}
void Router::put(const std::string& pattern, std::string route, Handler handler) {
  table_->add("PUT", pattern);
  server_.Put(pattern, named(std::move(route), std::move(handler)));
}
void Router::del(const std::string& pattern, std::string route, Handler handler) {
  table_->add("DELETE", pattern);
  server_.Delete(pattern, named(std::move(route), std::move(handler)));
}

}  // namespace dialer::http
