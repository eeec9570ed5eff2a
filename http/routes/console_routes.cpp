// The console: GET / and GET /console/<file>, from the files compiled in. They are open to
// anyone (the API behind them asks for its key); each page allows scripts, styles and
// connections from this origin alone, and no framing.

#include <functional>
#include <map>

#include "http/mapping/exchange.hpp"
#include "http/routes/routes.hpp"
#include "http/server/console_files.hpp"

namespace dialer::http {
namespace {

constexpr const char* kPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

std::string_view type_of(std::string_view url) {
  if (url.ends_with(".html")) return "text/html; charset=utf-8";
  if (url.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (url.ends_with(".css")) return "text/css; charset=utf-8";
  if (url.ends_with(".png")) return "image/png";
  if (url.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

struct Served {
  std::string_view bytes;
  std::string_view type;
  std::string etag;
};

const std::map<std::string, Served, std::less<>>& served() {
  static const auto kServed = [] {
    std::map<std::string, Served, std::less<>> files;
    for (const auto& file : console_files()) {
      char etag[24];
      std::snprintf(etag, sizeof etag, "\"%016zx\"", std::hash<std::string_view>{}(file.bytes));
      files.emplace(std::string{file.url}, Served{file.bytes, type_of(file.url), etag});
    }
    return files;
  }();
  return kServed;
}

void serve(std::string_view url, const httplib::Request& req, httplib::Response& res) {
  auto found = served().find(url);
  if (found == served().end()) {
    return reply_error(res, Error{ErrorCode::not_found, "the console has no such file"});
  }
  const auto& file = found->second;
  res.set_header("Content-Security-Policy", kPolicy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  // Checked again each time (a new build serves new files), answered 304 while unchanged.
  res.set_header("Cache-Control", "no-cache");
  res.set_header("ETag", file.etag);
  if (req.get_header_value("If-None-Match") == file.etag) {
    res.status = 304;
    return;
  }
  res.set_content(file.bytes.data(), file.bytes.size(), std::string{file.type}.c_str());
}

}  // namespace

bool is_console_path(std::string_view path) {
  return path == "/" || path.starts_with("/console/");
}

void add_console_routes(Router& router) {
  router.get("/", [](const httplib::Request& req, httplib::Response& res) {
    serve("/console/index.html", req, res);
  });
  router.get("/console/:file", [](const httplib::Request& req, httplib::Response& res) {
    serve(req.path, req, res);
  });
}

}  // namespace dialer::http
