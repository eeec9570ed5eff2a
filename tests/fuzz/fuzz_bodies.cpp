// Fuzzes every REST body reader: the first byte picks one (queue add, queue update, config,
// start, pause, do-not-call, disposition), the rest is its body; what a reader accepts goes on to
// the domain's decision, as a request's would.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "actors/domain/agent.hpp"
#include "actors/domain/config.hpp"
#include "actors/domain/disposition.hpp"
#include "actors/domain/do_not_call.hpp"
#include "actors/domain/queue_item.hpp"
#include "events/bounded_json.hpp"
#include "http/mapping/requests.hpp"

using namespace dialer;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto which = data[0] % 7;
  auto parsed = parse_bounded_json({reinterpret_cast<const char*>(data) + 1, size - 1});
  if (!parsed || !parsed->is_object()) return 0;
  const auto& body = *parsed;
  switch (which) {
    case 0:
      if (auto add = http::read_queue_add(body)) {
        for (const auto& client : add->clients) {
          if (client)
            (void)domain::decide(domain::QueueItemState{}, domain::queue_item::Add{*client});
        }
      }
      break;
    case 1:
      if (auto update = http::read_queue_update(body)) {
        domain::QueueItemState pending;
        pending.exists = true;
        (void)domain::decide(pending, domain::queue_item::Command{*update});
      }
      break;
    case 2:
      if (auto change = http::read_config_change(body)) {
        if (auto decided = domain::decide(domain::ConfigState{}, change->change)) {
          domain::ConfigState state;
          for (const auto& event : *decided) state = domain::evolve(state, event, 0);
          (void)domain::dialer_settings(state);
        }
      }
      break;
    case 3:
      if (auto start = http::read_start(body, true)) {
        domain::AgentState agent;
        agent.user_id = "fuzz";
        (void)domain::decide(agent, domain::agent::Command{*start});
      }
      break;
    case 4:
      if (auto reason = http::read_pause_reason(body)) {
        domain::AgentState agent;
        agent.mode = domain::AgentMode::active;
        (void)domain::decide(agent, domain::agent::Command{domain::agent::Pause{*reason}});
      }
      break;
    case 5:
      if (auto command = http::read_do_not_call(std::nullopt, body, body.contains("reason")))
        (void)domain::decide(domain::DoNotCallState{}, *command);
      break;
    case 6:
      if (auto request = http::read_disposition(body)) {
        domain::CallState call;
        call.phase = domain::CallPhase::ended;
        call.request.agent_id = "fuzz";
        auto settings = domain::dialer_settings(domain::ConfigState{});
        if (auto checked = domain::check_disposition(settings, "c-1", call, *request, 0)) {
          domain::QueueItemState item;
          item.exists = true;
          item.last_call_id = "c-1";
          item.status = domain::ItemStatus::completed;
          (void)domain::decide(item, domain::queue_item::Command{
                                         domain::queue_item::Dispose{*checked, 0, {}, 60'000}});
        }
      }
      break;
  }
  return 0;
}
