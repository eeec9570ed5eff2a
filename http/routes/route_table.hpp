#pragma once

// Which route a request's path names. Routes are templates, "/api/dialer/start/:userId":
// literal segments and named parameters, matched segment by segment in one pass over the
// path, with no regular expression (libstdc++'s recurses once per character, and a long
// segment overflowed a worker's stack).

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dialer::http {

// The parameters a path gave its route's template, by name: views into the template and
// the path, valid while both are.
class PathParams {
 public:
  void add(std::string_view name, std::string_view value) { values_.emplace_back(name, value); }
  // The value of `:name`; empty when the template has no such parameter.
  std::string_view operator[](std::string_view name) const;

 private:
  std::vector<std::pair<std::string_view, std::string_view>> values_;
};

class RouteTable {
 public:
  // `pattern`: segments after "/", each a literal or ":name". "/" alone is the root.
  // Returns the route's index, in the order added.
  std::size_t add(std::string method, std::string pattern);

  struct Match {
    std::size_t route = 0;
    PathParams params;
  };
  // The first route of `method` (HEAD takes GET's) whose template `path` fits.
  std::optional<Match> match(std::string_view method, std::string_view path) const;
  // The methods whose template `path` fits, "GET, POST, OPTIONS"; empty for an unknown path.
  std::string allowed(std::string_view path) const;

  std::size_t size() const { return routes_.size(); }
  const std::string& method(std::size_t route) const { return routes_[route].method; }
  const std::string& pattern(std::size_t route) const { return routes_[route].pattern; }

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string_view> segments;  // into `pattern`
  };
  static bool fits(const Route& route, const std::vector<std::string_view>& segments,
                   PathParams* params);
  // A deque: a route stays where it was made, so the views into its pattern hold.
  std::deque<Route> routes_;
};

// "/a/b/" as {"a", "b", ""}; "/" as {} (the root has no segment).
std::vector<std::string_view> path_segments(std::string_view path);

}  // namespace dialer::http
