#include "actors/dialer.hpp"

#include <malloc.h>

#include <chrono>
#include <set>

#include "actors/aggregate_actor.hpp"
#include "actors/call_actor.hpp"
#include "actors/dispatcher_actor.hpp"
#include "actors/live_set.hpp"
#include "actors/router_actor.hpp"
#include "events/secrets.hpp"

namespace dialer::actors {
namespace {

template <class Traits>
typename Traits::Actor adopt(Services& services, const std::string& id,
                             const Folded<typename Traits::State>& folded) {
  auto actor = services.system->spawn(aggregate_actor<Traits>, &services, id,
                                      Adopted<Traits>{std::pair{folded.state, folded.version}});
  services.registry->put<Traits>(id, actor);
  return actor;
}

// Every call that may be in flight: open calls, and calls an item or an agent still waits on.
void resume_calls(Services& services, World& world, RecoveryReport& report,
                  std::vector<std::string>& resumed) {
  std::set<std::string> call_ids;
  for (const auto& [id, call] : world.calls) {
    if (!domain::finished(call.state)) call_ids.insert(id);
  }
  std::unordered_map<std::string, std::string> item_of_call;
  std::unordered_map<std::string, std::string> agent_of_call;
  for (const auto& [id, item] : world.items) {
    if (item.state.status != domain::ItemStatus::in_progress) continue;
    call_ids.insert(item.state.call_id);
    item_of_call[item.state.call_id] = id;
  }
  for (const auto& [id, agent] : world.agents) {
    if (agent.state.call_id.empty()) continue;
    call_ids.insert(agent.state.call_id);
    agent_of_call[agent.state.call_id] = id;
  }
  for (const auto& call_id : call_ids) {
    std::optional<std::pair<domain::CallState, std::uint64_t>> adopted;
    if (auto found = world.calls.find(call_id); found != world.calls.end()) {
      adopted = std::pair{found->second.state, found->second.version};
      auto& oldest = report.oldest_open_call_seq;
      if (oldest == 0 || found->second.first_seq < oldest) oldest = found->second.first_seq;
    }
    auto actor =
        services.system->spawn(call_actor, &services,
                               CallTask::resume(call_id, std::move(adopted), item_of_call[call_id],
                                                agent_of_call[call_id]));
    services.registry->put<CallTraits>(call_id, actor);
    resumed.push_back(call_id);
    ++report.calls_resumed;
  }
}

// An agent dialling as its Aircall user holds the user: a log from before users had streams
// gains the claims it lacks, before any start can claim them (a claim held changes nothing).
void hold_aircall_users(Services& services, const World& world) {
  for (const auto& [id, agent] : world.agents) {
    auto user = agent.state.aircall_user_id;
    if (user == 0 || !domain::dials_as(agent.state, user)) continue;
    caf::anon_send(services.registry->get<AircallUserTraits>(std::to_string(user)),
                   command_atom::value,
                   domain::aircall_user::Command{domain::aircall_user::Claim{id, {}}});
  }
}

}  // namespace

Result<std::unique_ptr<Dialer>> Dialer::start(caf::actor_system& system, storage::EventStore& store,
                                              TelephonyPort& telephony, const domain::Clock& clock,
                                              DialerOptions options) {
  auto started = std::chrono::steady_clock::now();
  std::unique_ptr<Dialer> dialer{new Dialer{options}};
  auto& services = dialer->services_;
  services.system = &system;
  services.store = &store;
  services.clock = &clock;
  services.telephony = &telephony;
  services.registry = &dialer->registry_;
  services.passivate_after = options.passivate_after;
  services.creation_timeout = options.creation_timeout;
  services.live_call_check = options.live_call_check;
  services.reserve_ahead = options.reserve_ahead;
  services.on_agent_free = options.on_agent_free;

  auto recovered = recover_world(store);
  if (!recovered) return recovered.error();
  auto* world = &recovered->world;
  if (auto completed = complete(*world, store); !completed) return completed.error();
  // Numbers whose claims disagree with their items are set right before anything runs; a
  // store that cannot write (a full disk) leaves that to the next start.
  if (auto repairs = number_repairs(*world); !repairs.empty()) {
    bool repaired = false;
    for (auto& repair : repairs) {
      auto appended = store.append(std::move(repair));
      if (!appended) break;
      repaired = true;
    }
    if (repaired) {
      if (auto folded = fold_tail(*world, store); !folded) return folded.error();
      if (auto completed = complete(*world, store); !completed) return completed.error();
    }
  }
  // A set rebuilt from the whole log is stored at once, so that the next start is quick; one
  // that cannot be written (a full disk) is left to the runner to fold from the log.
  if (!recovered->from_live_set) (void)write_live_set(store, *world);
  auto& report = dialer->recovery_;
  report.events = world->events;
  report.from_live_set = recovered->from_live_set;
  report.slow_reason = recovered->slow_reason;
  report.log_events_read = recovered->log_events_read;

  auto settings = domain::dialer_settings(world->config.state);
  services.set_settings(settings);
  DispatcherSeed seed{settings, world->do_not_call.state.numbers, {}, {}, {}};
  for (const auto& [id, agent] : world->agents) {
    if (agent.state.aircall_user_id != 0)
      services.link_aircall_user(agent.state.aircall_user_id, id);
    if (auto free = free_agent_of(agent.state)) seed.agents.push_back(std::move(*free));
  }
  seed.items.reserve(world->items.size());
  for (const auto& [id, item] : world->items) {
    if (auto pending = pending_item_of(item.state)) seed.items.push_back(std::move(*pending));
  }
  report.items_pending = seed.items.size();
  // Attempts still inside the longest window count towards the cap.
  auto since = clock.now_ms() - settings.attempt_window_ms;
  for (const auto& [phone, number] : world->numbers) {
    for (auto at : number.state.attempts_ms) {
      if (at > since) seed.attempts.emplace_back(phone, at);
    }
  }

  services.router = system.spawn(router_actor, &services);
  services.dispatcher = system.spawn(dispatcher_actor, &services, std::move(seed));
  adopt<ConfigTraits>(services, "config", world->config);
  adopt<DoNotCallTraits>(services, "do-not-call", world->do_not_call);
  for (const auto& [id, agent] : world->agents) {
    if (agent.state.mode == domain::AgentMode::offline && agent.state.call_id.empty()) continue;
    adopt<AgentTraits>(services, id, agent);
    ++report.agents_live;
  }
  resume_calls(services, *world, report, dialer->resumed_calls_);
  hold_aircall_users(services, *world);

  // The fold's states are gone now; after a fold of the whole log, give their memory back
  // rather than keep it as RSS.
  bool folded_whole_log = !recovered->from_live_set;
  recovered = Error{ErrorCode::not_found, "released"};
  if (folded_whole_log) malloc_trim(0);
  auto live_set =
      projections::ProjectionRunner::start(store, std::make_unique<LiveSetProjection>(store));
  if (!live_set) return live_set.error();
  dialer->live_set_ = std::move(*live_set);
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return dialer;
}

Dialer::~Dialer() {
  live_set_.reset();
  for (const auto& actor : registry_.close())
    caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(services_.dispatcher, caf::exit_reason::user_shutdown);
  caf::anon_send_exit(services_.router, caf::exit_reason::user_shutdown);
  services_.system->await_all_actors_done();
}

template <class Answer, class Service, class... Ts>
std::optional<Answer> Dialer::ask_service(const Service& service, Ts&&... question) {
  caf::scoped_actor self{*services_.system};
  std::optional<Answer> answer;
  self->request(service, options_.answer_timeout, std::forward<Ts>(question)...)
      .receive([&](Answer& given) { answer = std::move(given); }, [](caf::error&) {});
  return answer;
}

Result<domain::AgentState> Dialer::agent(const std::string& user_id,
                                         domain::agent::Command command) {
  return ask<AgentTraits>(user_id, std::move(command));
}
Result<domain::AgentState> Dialer::agent(const std::string& user_id) {
  if (auto published = services_.agents.find(user_id)) return *published;
  return ask<AgentTraits>(user_id, std::nullopt);
}
Result<domain::QueueItemState> Dialer::item(const std::string& item_id,
                                            domain::queue_item::Command command) {
  // An edit may end the item's hold on its number, or give it back: the number's actor hears
  // of it from the item too, but the caller's answer waits until the number agrees, so that
  // nothing of this request is still being written once it is answered.
  // An item pinned to an agent nobody has ever started would wait for them for ever.
  if (const auto* update = std::get_if<domain::queue_item::Update>(&command);
      update && update->assigned_to && !update->assigned_to->empty()) {
    auto owner = agent(*update->assigned_to);
    if (!owner) return owner.error();
    if (!owner->ever_started) {
      return Error{ErrorCode::invalid_argument,
                   "assignedTo names " + *update->assigned_to +
                       ", an agent who has never started: pin items to a known agent",
                   "assignedTo"};
    }
  }
  bool may_move_number = domain::may_move_number(command);
  if (domain::may_pend_again(command)) {
    if (auto before = item(item_id); before && !domain::holds_number(*before))
      tell_calls_of(before->details.phone_number);
  }
  auto item = ask<ItemTraits>(item_id, std::move(command));
  if (item && may_move_number) {
    (void)ask<NumberTraits>(item->details.phone_number, domain::follow_item(*item));
  }
  return item;
}
Result<domain::QueueItemState> Dialer::item(const std::string& item_id) {
  return ask<ItemTraits>(item_id, std::nullopt);
}

void Dialer::tell_calls_of(const domain::NumberState& number) {
  if (number.attempts_ms.empty()) return;
  caf::anon_send(services_.dispatcher, attempts_atom::value, number.phone_number,
                 number.attempts_ms);
}
void Dialer::tell_calls_of(const std::string& phone_number) {
  if (auto number = this->number(phone_number)) tell_calls_of(*number);
}
std::vector<Result<domain::QueueItemState>> Dialer::items(
    std::vector<std::pair<std::string, domain::queue_item::Command>> commands) {
  std::vector<Question<ItemTraits>> questions;
  questions.reserve(commands.size());
  for (auto& [id, command] : commands) questions.push_back({std::move(id), std::move(command)});
  return ask<ItemTraits>(questions);
}

Result<domain::CallState> Dialer::call(const std::string& call_id) {
  return ask<CallTraits>(call_id, std::nullopt);
}
Result<domain::ConfigState> Dialer::configure(domain::ChangeSettings change) {
  if (change.salt.empty()) change.salt = events::new_salt();
  return ask<ConfigTraits>("config", std::move(change));
}
Result<domain::ConfigState> Dialer::config() {
  return ask<ConfigTraits>("config", std::nullopt);
}
Result<domain::DoNotCallState> Dialer::do_not_call(domain::do_not_call::Command command) {
  return ask<DoNotCallTraits>("do-not-call", std::move(command));
}
Result<domain::DoNotCallState> Dialer::do_not_call() {
  return ask<DoNotCallTraits>("do-not-call", std::nullopt);
}
Result<domain::NumberState> Dialer::number(const std::string& e164) {
  return ask<NumberTraits>(e164, std::nullopt);
}

void Dialer::telephony_event(TelephonyEvent event) {
  caf::anon_send(services_.router, telephony_atom::value, std::move(event));
}

void Dialer::replay_telephony(std::vector<TelephonyEvent> events) {
  // A call registers with the router as it starts; once it has answered a read, its
  // registration is in the router's mailbox ahead of anything sent from here.
  for (const auto& call_id : resumed_calls_) (void)call(call_id);
  for (auto& event : events) telephony_event(std::move(event));
}

void Dialer::tick() {
  caf::anon_send(services_.dispatcher, tick_atom::value);
}

std::vector<std::optional<dispatch::WaitInfo>> Dialer::waiting_for(
    const std::vector<std::string>& item_ids) {
  if (item_ids.empty()) return {};
  if (auto report = ask_dispatcher<WaitReport>(why_atom::value, item_ids)) {
    return std::move(report->items);
  }
  return std::vector<std::optional<dispatch::WaitInfo>>(item_ids.size());
}

std::optional<std::string> Dialer::call_of_aircall(std::int64_t aircall_call_id) {
  auto live = ask_service<std::string>(services_.router, get_atom::value, aircall_call_id);
  if (live && !live->empty()) return live;
  if (past_calls_) return past_calls_(aircall_call_id);
  return std::nullopt;
}

std::optional<dispatch::DueCallback> Dialer::next_callback(const std::string& agent_id) {
  return services_.callbacks.find(agent_id);
}

std::map<std::string, std::size_t> Dialer::queue_waiting_for() {
  using Counts = std::map<std::string, std::size_t>;
  return ask_dispatcher<Counts>(waiting_atom::value).value_or(Counts{});
}

DispatcherStats Dialer::dispatcher_stats() {
  return ask_dispatcher<DispatcherStats>(stats_atom::value).value_or(DispatcherStats{});
}

}  // namespace dialer::actors
