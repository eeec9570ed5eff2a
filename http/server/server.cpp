#include "http/server/server.hpp"

#include <httplib.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "actors/projections/report_json.hpp"
#include "http/mapping/exchange.hpp"
#include "http/routes/routes.hpp"
#include "http/server/listen_thread.hpp"

namespace dialer::http {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kListenBacklog = 1024;

thread_local Clock::time_point request_started;

bool is_public(const std::string& path) {
  return is_console_path(path) || path == "/healthz" || path == "/readyz" || path == "/metrics" ||
         path == "/api/dialer/webhook" || path == "/api/dialer/openapi.json";
}

// The credentials of "Authorization: Bearer <key>"; the scheme's name is case-insensitive
// (RFC 9110, 11.1), and spaces may separate it from the key.
std::string bearer_of(const httplib::Request& req) {
  auto header = req.get_header_value("Authorization");
  std::string_view value{header};
  constexpr std::string_view kScheme = "bearer";
  if (value.size() <= kScheme.size() || value[kScheme.size()] != ' ') return {};
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return {};
  }
  value.remove_prefix(kScheme.size());
  while (value.starts_with(' ')) value.remove_prefix(1);
  return std::string{value};
}

// CORS for the origins configured: the answer names the caller's origin (or *, when allowed);
// true when the caller is one of them.
bool allow_origin(const Context& context, const httplib::Request& req, httplib::Response& res) {
  auto origin = req.get_header_value("Origin");
  if (origin.empty()) return false;
  auto allowed = context.allowed_origin(origin, context.credentials.api_keys_required());
  if (allowed.empty()) return false;
  res.set_header("Access-Control-Allow-Origin", allowed);
  res.set_header("Vary", "Origin");
  res.set_header("Access-Control-Expose-Headers", "Retry-After");
  return true;
}

// OPTIONS: what the path takes, and for another origin's preflight, what it may send.
void answer_options(const RouteTable& table, bool cors, const httplib::Request& req,
                    httplib::Response& res) {
  auto allowed = table.allowed(req.path);
  if (allowed.empty()) return reply_error(res, Error{ErrorCode::not_found, "no such path"});
  res.status = 204;
  res.set_header("Allow", allowed);
  if (!cors) return;
  res.set_header("Access-Control-Allow-Methods", allowed);
  res.set_header("Access-Control-Allow-Headers", "Authorization, Content-Type, Last-Event-ID");
  res.set_header("Access-Control-Max-Age", "600");
}

// Every request: CORS and OPTIONS, API keys for the REST paths, JSON only for bodies, then
// its route. httplib's own routing is never reached (its regular expressions recurse once per
// character of the path).
void serve_request(Context& context, const Router& router, const httplib::Request& req,
                   httplib::Response& res) {
  request_started = Clock::now();
  Router::reset_current_route();
  bool cors = allow_origin(context, req, res);
  // A preflight carries no credentials: it is answered before they are asked for.
  if (req.method == "OPTIONS") return answer_options(router.table(), cors, req, res);
  if (!is_public(req.path) && context.credentials.api_keys_required()) {
    auto presented = bearer_of(req);
    if (presented.empty()) {
      res.set_header("WWW-Authenticate", "Bearer");
      return reply_error(
          res, Error{ErrorCode::unauthenticated,
                     "an API key is required (Authorization: Bearer <key>)", "Authorization"});
    }
    if (!context.credentials.accepts_api_key(presented)) {
      return reply_error(
          res, Error{ErrorCode::unauthenticated, "the API key is not valid", "Authorization"});
    }
  }
  if (auto refused = declared_media(req)) return reply_refusal(res, *refused);
  router.dispatch(req, res);
}

// A JSON body for the answers httplib gives on its own (a request line that does not parse).
void fill_error(const httplib::Request&, httplib::Response& res) {
  if (!res.body.empty() || res.status < 400) return;
  switch (res.status) {
    case 413:
      return reply_error(res,
                         Error{ErrorCode::too_large, "the body is over the size limit", "body"});
    case 400:
      return reply_error(res, Error{ErrorCode::invalid_argument,
                                    "malformed request: its line or a header does not parse"});
    default:
      reply(res, res.status,
            error_json(Error{ErrorCode::invalid_argument, "the request could not be served"}));
  }
}

// A JSON string: quotes, backslashes and control characters escaped.
void append_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out.append(escaped);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('"');
}

// One line of JSON a request, written without building a document: it runs for every request.
void log_access(std::FILE* out, const httplib::Request& req, const httplib::Response& res,
                const std::string& route, double seconds) {
  std::string line;
  line.reserve(256);
  line.append("{\"time\":\"");
  line.append(projections::iso_time(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()));
  line.append("\",\"method\":");
  append_quoted(line, req.method);
  line.append(",\"path\":");
  append_quoted(line, req.path);
  line.append(",\"route\":");
  append_quoted(line, route);
  char numbers[96];
  std::snprintf(numbers, sizeof numbers,
                ",\"status\":%d,\"ms\":%.3f,\"bytes\":%zu,\"remote\":", res.status, seconds * 1000,
                res.body.size());
  line.append(numbers);
  append_quoted(line, req.remote_addr);
  line.append("}\n");
  std::fwrite(line.data(), 1, line.size(), out);
}

// Why a bind failed, in words: asks the system by binding a socket of our own.
std::string why_not_listening(const std::string& bind, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(bind.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found) {
    return "the address " + bind + " is not known here";
  }
  std::string why = "the system refused";
  int fd = ::socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd >= 0) {
    int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, found->ai_addr, found->ai_addrlen) != 0) {
      if (errno == EADDRINUSE) {
        why =
            "the port is in use by another process (another dialerd?): stop it, or choose "
            "another with --port";
      } else if (errno == EACCES) {
        why = "ports below 1024 need privileges: choose another with --port";
      } else if (errno == EADDRNOTAVAIL) {
        why = bind + " is not an address of this machine";
      } else {
        why = std::strerror(errno);
      }
    }
    ::close(fd);
  }
  ::freeaddrinfo(found);
  return why;
}

std::shared_ptr<const Router> configure(httplib::Server& server, const ServerOptions& options,
                                        Context& context, std::function<bool()> ready) {
  server.set_tcp_nodelay(true);
  // httplib's default sets SO_REUSEPORT, which lets a second server bind the same port and
  // take half its connections; SO_REUSEADDR alone allows a restart and refuses a twin.
  server.set_socket_options([](socket_t socket) {
    int yes = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  server.set_payload_max_length(options.connections.max_body_bytes);
  auto router = std::make_shared<Router>();
  server.set_pre_routing_handler(
      [&context, router](const httplib::Request& req, httplib::Response& res) {
        serve_request(context, *router, req, res);
        return httplib::Server::HandlerResponse::Handled;
      });
  server.set_error_handler(fill_error);
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        std::string what = "internal error";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        reply(res, 500, error_json(Error{ErrorCode::io_error, what}));
      });
  auto* log = options.access_log;
  server.set_logger([&context, log, observer = options.observer](const httplib::Request& req,
                                                                 const httplib::Response& res) {
    auto seconds = std::chrono::duration<double>(Clock::now() - request_started).count();
    const auto& route = Router::current_route();
    const std::string& name = route.empty() ? std::string{"unmatched"} : route;
    context.metrics.record(name, res.status, seconds);
    if (log) log_access(log, req, res, name, seconds);
    if (observer) observer(name, req, res);
  });

  // The busiest routes first: the table tries each template in turn.
  add_webhook_routes(*router, context);
  add_operation_routes(*router, context, std::move(ready));
  add_control_routes(*router, context);
  add_disposition_routes(*router, context);
  add_aircall_routes(*router, context);
  add_queue_routes(*router, context);
  add_import_routes(*router, context);
  add_report_routes(*router, context);
  add_system_routes(*router, context);
  add_event_feed_route(*router, context);
  add_admin_routes(*router, context);
  add_console_routes(*router);
  return router;
}

}  // namespace

Result<std::unique_ptr<ApiServer>> ApiServer::start(const ServerOptions& options, Context& context,
                                                    std::function<bool()> ready) {
  std::unique_ptr<ApiServer> api{new ApiServer};
  auto server = ConnectionServer::create(options.connections, options.tls_certificate,
                                         options.tls_private_key);
  if (!server) return server.error();
  api->server_ = std::move(server).value();
  api->tls_ = !options.tls_certificate.empty();
  api->router_ = configure(*api->server_, options, context, std::move(ready));
  if (options.port == 0) {
    api->port_ = api->server_->bind_to_any_port(options.bind);
    if (api->port_ <= 0) {
      return Error{ErrorCode::unavailable, "cannot listen on " + options.bind};
    }
  } else {
    if (!api->server_->bind_to_port(options.bind, options.port)) {
      return Error{ErrorCode::unavailable,
                   "cannot listen on " + options.bind + ":" + std::to_string(options.port) + ": " +
                       why_not_listening(options.bind, options.port),
                   "port"};
    }
    api->port_ = options.port;
  }
  api->server_->raise_backlog(kListenBacklog);
  api->listener_ = std::make_unique<ListenThread>();
  api->listener_->start(*api->server_);
  return api;
}

std::vector<std::pair<std::string, std::string>> ApiServer::routes() const {
  std::vector<std::pair<std::string, std::string>> all;
  const auto& table = router_->table();
  for (std::size_t i = 0; i < table.size(); ++i)
    all.emplace_back(table.method(i), table.pattern(i));
  return all;
}

void ApiServer::stop() {
  if (listener_) listener_->stop();
  if (server_) server_->stop_connections();
}

ApiServer::~ApiServer() {
  stop();
}

}  // namespace dialer::http
