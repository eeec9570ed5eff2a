#include "http/routes/route_table.hpp"

#include <algorithm>

namespace dialer::http {

std::string_view PathParams::operator[](std::string_view name) const {
  for (const auto& [key, value] : values_) {
    if (key == name) return value;
  }
  return {};
}

std::vector<std::string_view> path_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  if (path.empty()) return segments;
  for (;;) {
    auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

std::size_t RouteTable::add(std::string method, std::string pattern) {
  auto& route = routes_.emplace_back(Route{std::move(method), std::move(pattern), {}});
  route.segments = path_segments(route.pattern);
  return routes_.size() - 1;
}

bool RouteTable::fits(const Route& route, const std::vector<std::string_view>& segments,
                      PathParams* params) {
  if (route.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& expected = route.segments[i];
    if (expected.starts_with(':')) {
      if (segments[i].empty()) return false;
      continue;
    }
    if (expected != segments[i]) return false;
  }
  if (params) {
    for (std::size_t i = 0; i < segments.size(); ++i) {
      if (route.segments[i].starts_with(':')) params->add(route.segments[i].substr(1), segments[i]);
    }
  }
  return true;
}

std::optional<RouteTable::Match> RouteTable::match(std::string_view method,
                                                   std::string_view path) const {
  if (method == "HEAD") method = "GET";
  auto segments = path_segments(path);
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].method != method) continue;
    Match found;
    if (!fits(routes_[i], segments, &found.params)) continue;
    found.route = i;
    return found;
  }
  return std::nullopt;
}

std::string RouteTable::allowed(std::string_view path) const {
  auto segments = path_segments(path);
  std::vector<std::string_view> listed;
  std::string methods;
  for (const auto& route : routes_) {
    if (!fits(route, segments, nullptr)) continue;
    if (std::find(listed.begin(), listed.end(), route.method) != listed.end()) continue;
    listed.push_back(route.method);
    methods += (methods.empty() ? "" : ", ") + route.method;
  }
  if (!methods.empty()) methods += ", OPTIONS";
  return methods;
}

}  // namespace dialer::http
