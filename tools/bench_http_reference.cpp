// bench-http-reference: the yardstick bench-http measures dialerd's edge against. Plain
// cpp-httplib, nothing of ours between the socket and the answer: a pool of as many threads
// as dialerd may run, keep-alive with dialerd's bounds, Nagle off, and GET /healthz
// answering dialerd's body. Prints "serving http://127.0.0.1:<port>" and runs until killed.

#include <httplib.h>

#include <CLI/CLI.hpp>
#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app{"plain cpp-httplib answering /healthz, for bench-http"};
  int port = 0;
  std::size_t threads = 512;
  app.add_option("--port", port, "port, 0 for any free one")->check(CLI::Range(0, 65535));
  app.add_option("--threads", threads, "worker threads (dialerd's DIALER_MAX_CONNECTIONS)")
      ->check(CLI::Range(1, 65536));
  CLI11_PARSE(app, argc, argv);

  httplib::Server server;
  server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(100'000);
  server.set_keep_alive_timeout(5);
  server.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(R"({"status":"alive"})", "application/json");
  });
  auto bound = port == 0 ? server.bind_to_any_port("127.0.0.1") : port;
  if (bound <= 0 || (port != 0 && !server.bind_to_port("127.0.0.1", port))) {
    std::fprintf(stderr, "bench-http-reference: cannot listen on port %d\n", port);
    return 1;
  }
  std::printf("bench-http-reference: serving http://127.0.0.1:%d\n", bound);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 1;
}
