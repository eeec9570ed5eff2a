#pragma once

// The dialer as the edge sees it: started on a store, a telephony port and a clock, it
// rebuilds every live agent, open item and open call from the live set and the log after
// it (live_set.hpp), settles or follows what was in flight, and answers commands and reads through
// the actors. Each method blocks its caller (an HTTP thread, a test) until the actor answers.

#include <caf/all.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/aggregates.hpp"
#include "actors/asking.hpp"
#include "actors/domain/disposition.hpp"
#include "actors/messages.hpp"
#include "actors/projections/projection_runner.hpp"
#include "actors/registry.hpp"
#include "actors/services.hpp"

namespace dialer::actors {

struct DialerOptions {
  std::chrono::milliseconds passivate_after{std::chrono::seconds(30)};
  std::chrono::milliseconds creation_timeout{std::chrono::seconds(20)};
  std::chrono::milliseconds live_call_check{std::chrono::minutes(10)};  // see Services
  std::chrono::milliseconds answer_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds reserve_ahead{50};  // see Services
  std::function<void(const std::string& agent_id, std::int64_t free_at_ms)>
      on_agent_free;  // see Services
};

struct RecoveryReport {
  std::uint64_t events = 0;
  std::size_t agents_live = 0;
  std::size_t items_pending = 0;
  std::size_t calls_resumed = 0;
  // Where the oldest call still in flight began in the log (0: none). Telephony news stored
  // from there on may not have reached its call before the process stopped.
  std::uint64_t oldest_open_call_seq = 0;
  double seconds = 0;
  // Whether the stored live set was the start, and the log read after it; otherwise why the
  // whole log was read.
  bool from_live_set = false;
  std::uint64_t log_events_read = 0;
  std::string slow_reason;
};

// What a start answers: the agent, or why not; when Aircall would give the user no calls,
// `refusal` holds its word on them.
struct AgentStart {
  Result<domain::AgentState> agent;
  std::optional<domain::StartRefusal> refusal;
};

// What a disposition answers: the item as it now stands, and for a callback when the
// calling rules will let it ring (nothing when they never will).
struct Disposed {
  events::QueueItemDispositioned disposition;
  domain::QueueItemState item;
  std::optional<std::int64_t> dials_at_ms;
};

// What Aircall's call.tagged, call.untagged and call.commented say of one of the dialer's
// calls: its tags as they now stand, oldest first, and its comments (Aircall's id, text).
struct AircallCallNotes {
  std::vector<std::string> tags;
  std::vector<std::pair<std::int64_t, std::string>> comments;
};

class Dialer {
 public:
  static Result<std::unique_ptr<Dialer>> start(caf::actor_system& system,
                                               storage::EventStore& store, TelephonyPort& telephony,
                                               const domain::Clock& clock,
                                               DialerOptions options = {});
  // Stops every actor; the actor system waits for them when it goes.
  ~Dialer();
  Dialer(const Dialer&) = delete;
  Dialer& operator=(const Dialer&) = delete;

  Result<domain::AgentState> agent(const std::string& user_id, domain::agent::Command command);
  Result<domain::AgentState> agent(const std::string& user_id);
  // Starts (or starts again) an agent's session, once Aircall's live word says the user
  // holds the number and can take calls (or, with no directory to ask, its webhooks' last
  // word does); the live word then replaces what earlier webhooks said.
  AgentStart start_agent(const std::string& user_id, domain::agent::Start start);
  // Ends the agent's session; its Aircall user is free for another agent by the answer.
  Result<domain::AgentState> stop_agent(const std::string& user_id);
  // Queues clients, each answered in its order: refused when its number is on the do-not-call
  // list, already held by a pending or dialled item, or given twice in the same call. Items
  // with no id get one. Safe for any number of callers at once: each number's own actor
  // decides who holds it.
  std::vector<Result<domain::QueueItemState>> enqueue(std::vector<events::QueueItemAdded> items);
  // What enqueue would answer each client, refused for the same reasons, with nothing
  // written (an import's preview). A number free now may of course be taken before the add.
  std::vector<Status> may_enqueue(const std::vector<events::QueueItemAdded>& items);
  Result<domain::QueueItemState> item(const std::string& item_id,
                                      domain::queue_item::Command command);
  Result<domain::QueueItemState> item(const std::string& item_id);
  // Many item commands at once, answered in their order: all are in flight together, so
  // their appends share group commits.
  std::vector<Result<domain::QueueItemState>> items(
      std::vector<std::pair<std::string, domain::queue_item::Command>> commands);
  Result<domain::CallState> call(const std::string& call_id);
  // The agent's decision on a call, until its item is dialled again: recorded on the item,
  // whose fate follows its action (now, or when the call ends); a do-not-call puts the
  // number on the list, a wrong number marks it; the agent's wrap-up ends, as configured.
  Result<Disposed> dispose(const std::string& call_id, const domain::DispositionRequest& request);
  // Aircall's tags and comments on a call: a tag that names a disposition (the latest that
  // does) gives it, unless it is a callback, which needs a time; tags that no longer name
  // the one they gave withdraw it; each comment joins the call's notes once.
  Status take_aircall_notes(const std::string& call_id, const AircallCallNotes& notes);
  // The same for the agent's current call, or else their last one.
  Result<Disposed> dispose_last(const std::string& user_id,
                                const domain::DispositionRequest& request);
  Result<domain::ConfigState> configure(domain::ChangeSettings change);
  Result<domain::ConfigState> config();
  Result<domain::DoNotCallState> do_not_call(domain::do_not_call::Command command);
  Result<domain::DoNotCallState> do_not_call();
  Result<domain::NumberState> number(const std::string& e164);

  // Which of the dialer's calls Aircall's call `aircall_call_id` is, if any: the router knows
  // the calls in progress, the index of past calls the rest.
  std::optional<std::string> call_of_aircall(std::int64_t aircall_call_id);
  // Where calls the router has let go of are found (the reporting projection's index); set
  // once, before requests come.
  using PastCalls = std::function<std::optional<std::string>(std::int64_t aircall_call_id)>;
  void index_past_calls(PastCalls past_calls) { past_calls_ = std::move(past_calls); }

  // An event from Aircall (webhook) or the simulator; answered asynchronously.
  void telephony_event(TelephonyEvent event);
  // Telephony news stored before a restart, delivered again once every resumed call is
  // listening; calls take a repeated event as no news.
  void replay_telephony(std::vector<TelephonyEvent> events);
  // Asks the dispatcher to look at the clock again (tests move a manual clock).
  // What the dialer keeps of the log to restart from (live_set.hpp), and how far it follows.
  const projections::ProjectionRunner& live_set() const { return *live_set_; }
  void tick();
  DispatcherStats dispatcher_stats();
  // How many pending items the dispatcher holds, by the word of why they wait.
  std::map<std::string, std::size_t> queue_waiting_for();
  // The agent's next callback pinned to them, if any, as the dispatcher last published it.
  std::optional<dispatch::DueCallback> next_callback(const std::string& agent_id);
  // Why each pending item waits, in their order; nothing for one the dispatcher does not hold.
  std::vector<std::optional<dispatch::WaitInfo>> waiting_for(
      const std::vector<std::string>& item_ids);
  const RecoveryReport& recovery() const { return recovery_; }
  const Services& services() const { return services_; }

 private:
  explicit Dialer(DialerOptions options) : options_(options), registry_(services_) {}

  // One question of an aggregate actor, or many at once (actors/asking.hpp).
  template <class Traits>
  Result<typename Traits::State> ask(const std::string& id,
                                     std::optional<typename Traits::Command> command) {
    return std::move(ask<Traits>({Question<Traits>{id, std::move(command)}}).front());
  }
  template <class Traits>
  std::vector<Result<typename Traits::State>> ask(const std::vector<Question<Traits>>& questions) {
    return ask_each<Traits>(*services_.system, registry_, options_.answer_timeout, questions);
  }
  // The dispatcher's (or the router's) answer to a question of the edge's, if it gave one in
  // time.
  template <class Answer, class Service, class... Ts>
  std::optional<Answer> ask_service(const Service& service, Ts&&... question);
  template <class Answer, class... Ts>
  std::optional<Answer> ask_dispatcher(Ts&&... question) {
    return ask_service<Answer>(services_.dispatcher, std::forward<Ts>(question)...);
  }

  // Tells the dispatcher of a number's calls before an item of it may be offered again:
  // after a restart from the live set, it was told only of the numbers then held. Sent from
  // here, the word is in its mailbox before anything the item's command leads to.
  void tell_calls_of(const domain::NumberState& number);
  void tell_calls_of(const std::string& phone_number);
  // One agent per Aircall user: whom `agent_id` may take the user from (empty: nobody, or
  // itself), or the conflict that refuses its start.
  Result<std::string> stale_holder_of(const std::string& agent_id, std::int64_t aircall_user_id);
  // Aircall's live word on a start: the answer that refuses it, or the status to apply once
  // it is made (none: the webhooks' last word stands).
  struct LiveWord {
    std::optional<AgentStart> refused;
    std::optional<domain::agent::AircallStatus> status;
  };
  LiveWord live_word(const std::string& user_id, const domain::agent::Start& start);

  DialerOptions options_;
  Services services_;
  Registry registry_;
  RecoveryReport recovery_;
  std::vector<std::string> resumed_calls_;
  PastCalls past_calls_;
  // Keeps the stored live set up with the log, for the next start.
  std::unique_ptr<projections::ProjectionRunner> live_set_;
};

}  // namespace dialer::actors
