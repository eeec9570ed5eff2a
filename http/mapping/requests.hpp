#pragma once

// What each REST body means: the readers that turn a request's JSON into the domain's
// commands, or into a 400 naming the field at fault. Pure (no I/O, no actors), so that they
// are tested and fuzzed on their own.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "actors/domain/agent.hpp"
#include "actors/domain/config.hpp"
#include "actors/domain/disposition.hpp"
#include "actors/domain/do_not_call.hpp"
#include "actors/domain/queue_item.hpp"
#include "events/catalogue.hpp"
#include "events/result.hpp"

namespace dialer::http {

inline constexpr std::size_t kMaxItemsPerRequest = 10'000;
// Bounds on what one field may hold.
inline constexpr std::size_t kMaxIdLength = 128;
inline constexpr std::size_t kMaxNameLength = 256;
inline constexpr std::size_t kMaxNotesLength = 4'096;
inline constexpr std::size_t kMaxMetadataBytes = 16 << 10;

// POST /api/dialer/queue: `clients` (or `phoneNumbers`), each read on its own, with the
// defaults `options` (and `userId`) give them.
struct QueueAdd {
  std::string list_name;  // "clients" or "phoneNumbers"
  std::vector<Result<events::QueueItemAdded>> clients;
};
Result<QueueAdd> read_queue_add(const nlohmann::json& body);
// One client of such a list, with no defaults (a row of a CSV import).
Result<events::QueueItemAdded> read_queue_client(const nlohmann::json& client);

// PUT /api/dialer/queue/:id
Result<domain::queue_item::Update> read_queue_update(const nlohmann::json& body);

// POST /api/dialer/config: {key, value} or {settings: {key: value, ...}}; the values are the
// domain's to check.
struct ConfigChange {
  domain::ChangeSettings change;
  bool many = false;
};
Result<ConfigChange> read_config_change(const nlohmann::json& body);

// POST /api/dialer/start/:userId
Result<domain::agent::Start> read_start(const nlohmann::json& body, bool mock_by_default);

// POST /api/dialer/pause/:userId: the reason, "busy" when none is given.
Result<std::string> read_pause_reason(const nlohmann::json& body);

// POST /api/dialer/do-not-call ({phoneNumber, reason}) and DELETE .../:phoneNumber: the
// number from the path when there is one, else from the body, in E.164.
Result<domain::do_not_call::Command> read_do_not_call(const std::optional<std::string>& from_path,
                                                      const nlohmann::json& body, bool add);

// POST /api/dialer/calls/:callId/disposition and /api/dialer/disposition/:userId:
// {disposition, notes?, callbackAt?, callbackScope?: "agent" | "anyone"}.
Result<domain::DispositionRequest> read_disposition(const nlohmann::json& body);

}  // namespace dialer::http
