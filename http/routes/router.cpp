#include "http/mapping/exchange.hpp"
#include "http/routes/routes.hpp"

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

void Router::add(std::string method, std::string pattern, ParamHandler handler) {
  names_.push_back(method + " " + pattern);
  table_.add(std::move(method), std::move(pattern));
  handlers_.push_back(std::move(handler));
}

void Router::dispatch(const httplib::Request& req, httplib::Response& res) const {
  if (auto found = table_.match(req.method, req.path)) {
    current = names_[found->route];
    return handlers_[found->route](req, res, found->params);
  }
  if (auto allowed = table_.allowed(req.path); !allowed.empty()) {
    res.set_header("Allow", allowed);
    return reply_refusal(
        res, Refusal::of(EdgeRefusal::method_not_allowed,
                         req.method + " is not taken here; it takes " + allowed, "method"));
  }
  reply_error(res, Error{ErrorCode::not_found, "no such path"});
}

}  // namespace dialer::http
