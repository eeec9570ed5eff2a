#pragma once

// Where dialerd's settings come from, weakest first: defaults, a JSON file (DIALER_CONFIG
// or --config), the environment (the original system's variable names where it had them),
// then command-line flags (applied by dialerd itself).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "events/result.hpp"
#include "http/node/node.hpp"

namespace dialer::http {

using Environment = std::function<std::optional<std::string>(const std::string& name)>;
// The process environment.
Environment process_environment();

// Every setting dialerd reads, with its environment variables and default, for --help.
std::string node_settings_help();

// `file_text` is the config file's content, when there is one. What is accepted but has no
// effect (REDIS_HOST, ...) is said in `notices`; secrets never are.
Result<NodeOptions> resolve_node_options(const std::optional<std::string>& file_text,
                                         const Environment& env, std::vector<std::string>& notices);

}  // namespace dialer::http
