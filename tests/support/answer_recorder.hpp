#pragma once

// Records every answer a test's server gives, one JSON line each, for the contract test
// (tests/contract/check_answers.py) to check against the OpenAPI document. Each test
// process writes a file of its own in CONTRACT_ANSWERS_DIR; without it, nothing is kept.

#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "http/server/server.hpp"

namespace dialer::testing {

inline void record_answers(http::ServerOptions& options) {
#ifdef CONTRACT_ANSWERS_DIR
  static std::mutex mutex;
  options.observer = [](const std::string& route, const httplib::Request& req,
                        const httplib::Response& res) {
    auto type = res.get_header_value("Content-Type");
    nlohmann::json line{{"route", route},
                        {"method", req.method},
                        {"path", req.path},
                        {"status", res.status},
                        {"contentType", type}};
    if (type.starts_with("application/json")) {
      auto body = nlohmann::json::parse(res.body, nullptr, false);
      line["body"] = body.is_discarded() ? nlohmann::json{{"unparsable", res.body}} : body;
    }
    std::lock_guard lock{mutex};
    std::filesystem::create_directories(CONTRACT_ANSWERS_DIR);
    std::ofstream out{
        std::string{CONTRACT_ANSWERS_DIR} + "/answers-" + std::to_string(::getpid()) + ".jsonl",
        std::ios::app};
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  };
#else
  (void)options;
#endif
}

}  // namespace dialer::testing
