#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "tools/dialerctl/common.hpp"

namespace dialer::ctl {

// A backup of a database no process holds, into `to`, keeping the newest `keep`.
int backup_database(const std::string& db, const std::string& to, std::size_t keep, Output& out);
// A backup by the running server at `url`, into the folder it was given.
int backup_server(const std::string& url, const std::string& key, Output& out);
int list_backups(const std::string& dir, Output& out);
// Restores backup `id` (the newest when none) into the new folder `to`, then verifies it.
int restore(const std::string& from, std::optional<std::uint32_t> id, const std::string& to,
            Output& out);

}  // namespace dialer::ctl
