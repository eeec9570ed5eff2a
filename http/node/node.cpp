#include "http/node/node.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>

#include "actors/projections/reporting.hpp"
#include "actors/scheduler.hpp"
#include "http/aircall/lines.hpp"
#include "http/aircall/webhook_inbox.hpp"

namespace dialer::http {
namespace {

SimOptions mock_simulator_options(const NodeOptions& options) {
  SimOptions sim;
  sim.ring_ms = options.simulation.ring_ms;
  sim.talk_ms = options.simulation.talk_ms;
  sim.ended_after_ms = std::min<std::int64_t>(30'000, options.simulation.talk_ms);
  sim.answer_rate = options.simulation.answer_rate;
  sim.voicemail_rate = options.simulation.voicemail_rate;
  sim.busy_rate = options.simulation.busy_rate;
  sim.seed = options.simulation.seed;
  sim.open_directory = true;
  sim.duplicate_rate = options.mock_duplicate_rate;
  sim.reorder_rate = options.mock_reorder_rate;
  sim.server_error_rate = options.mock_server_error_rate;
  sim.requests_per_minute = 100'000;  // the dialer keeps its own budget
  return sim;
}

// Subscribes `url` at Aircall and keeps the token its answer carries in config, once: with a
// token already known the subscription is taken to exist. A failure is reported, not fatal:
// the API serves on, and webhooks are refused until a token is set.
void subscribe_at_aircall(Node& node, const std::string& url, std::ostream& notices) {
  auto& context = node.context();
  if (context.credentials.webhook_token_set()) {
    notices << "dialerd: a webhook token is set, so " << url
            << " is taken to be subscribed at Aircall already" << std::endl;
    return;
  }
  auto line = context.lines->line(false);
  auto token = line ? (*line)->subscribe_webhooks(url, subscribed_webhook_events())
                    : Result<std::string>{line.error()};
  if (token) {
    domain::ChangeSettings change;
    change.settings["aircall.webhookToken"] = *token;
    auto config = context.dialer.configure(std::move(change));
    if (config) {
      context.refresh_credentials(*config);
      notices << "dialerd: subscribed " << url
              << " to Aircall's webhooks; the token is kept in config" << std::endl;
      return;
    }
    token = config.error();
  }
  notices << "dialerd: could not subscribe " << url
          << " to Aircall's webhooks: " << token.error().message << std::endl;
}

bool loopback(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address == "localhost" ||
         address.starts_with("127.");
}

}  // namespace

void Context::refresh_credentials(const domain::ConfigState& config) {
  std::vector<std::string> keys;
  const auto& configured = config.value("security.apiKeys");
  if (configured.is_array()) {
    for (const auto& key : configured) {
      if (key.is_string()) keys.push_back(key.get<std::string>());
    }
  }
  const auto& token = config.value("aircall.webhookToken");
  credentials.set_configured(keys, token.is_string() ? token.get<std::string>() : std::string{});
}

Status Context::current_views() const {
  auto last = store.last_seq();
  if (projections.wait_for(last, read_wait)) return Done{};
  auto lag = last - std::min(last, projections.checkpoint());
  std::string why = projections.failure()   ? "they stopped"
                    : projections.stalled() ? "their writes are refused for now"
                                            : "they are catching up";
  return Error{ErrorCode::unavailable, "the views are " + std::to_string(lag) +
                                           " events behind the log (" + why +
                                           "): try again shortly"};
}

Result<std::unique_ptr<Node>> Node::start(NodeOptions options, std::ostream& notices) {
  // Refused before anything is created on disk.
  if (options.telephony == TelephonyKind::aircall && !options.mock_mode &&
      (options.aircall_api_id.empty() || options.aircall_api_token.empty())) {
    return Error{ErrorCode::invalid_argument,
                 "no Aircall credentials: set AIRCALL_API_KEY and AIRCALL_API_SECRET, or "
                 "ENABLE_MOCK_MODE=true",
                 "aircallApiKey"};
  }
  std::unique_ptr<Node> node{new Node};
  node->clock_ = options.clock ? options.clock : &node->system_clock_;

  std::error_code ignored;
  // The folder itself too: RocksDB logs an error for a folder it has to create.
  std::filesystem::create_directories(options.db_path, ignored);
  auto* clock = node->clock_;
  auto store = storage::EventStore::open(
      options.db_path,
      {storage::OpenMode::read_write, {}, [clock] { return clock->now_ms(); }, options.store_env});
  if (!store) {
    // RocksDB says "While lock file: …/LOCK: Resource temporarily unavailable".
    if (store.error().message.find("lock file") != std::string::npos) {
      return Error{ErrorCode::unavailable,
                   "the database " + options.db_path +
                       " is in use by another process (another dialerd?): stop it, or give "
                       "this one another --db",
                   "db"};
    }
    return store.error();
  }
  node->store_ = std::move(store).value();
  node->seq_at_start_ = node->store_->last_seq();
  notices << "dialerd: event store " << options.db_path << " open, " << node->seq_at_start_
          << " events" << std::endl;
  if (auto problem = node->store_->write_problem()) {
    notices << "dialerd: " << problem->message << "; reads are served, writes answer 503"
            << std::endl;
  }
  if (options.verify_on_start) {
    auto report = node->store_->verify();
    if (!report.ok) {
      return Error{
          ErrorCode::corrupt_data,
          "log damaged at seq " + std::to_string(report.first_bad_seq) + ": " + report.problem};
    }
    notices << "dialerd: log verified, " << report.events_checked << " events" << std::endl;
  }

  node->credentials_ = std::make_unique<Credentials>(options.api_keys, options.webhook_token);
  std::string telephony_name;
  if (options.telephony == TelephonyKind::in_process) {
    auto simulated = std::make_unique<actors::SimulatedTelephony>(*clock, options.simulation);
    node->simulated_ = simulated.get();
    node->telephony_ = std::move(simulated);
    telephony_name = "in-process simulation";
  } else {
    std::optional<AircallClientOptions> aircall;
    if (!options.aircall_api_id.empty() && !options.aircall_api_token.empty()) {
      aircall = AircallClientOptions{};
      aircall->base_url = options.aircall_base_url;
      aircall->api_id = options.aircall_api_id;
      aircall->api_token = options.aircall_api_token;
      telephony_name = "Aircall at " + options.aircall_base_url;
    }
    auto lines = std::make_unique<AircallLines>(
        aircall, mock_simulator_options(options),
        [credentials = node->credentials_.get()](const std::string& token) {
          credentials->accept_simulator_token(token);
        },
        [metrics = &node->metrics_](int status, std::optional<int> remaining) {
          metrics->count_aircall(status, remaining);
        });
    if (options.mock_mode) {
      // Started now, so that a newcomer's first call does not wait for it.
      auto mock = lines->line(true);
      if (!mock) return mock.error();
      auto simulator = lines->simulator()->base_url() + " (mock mode)";
      telephony_name = telephony_name.empty() ? "aircall-sim at " + simulator
                                              : telephony_name + ", aircall-sim at " + simulator;
    }
    node->lines_ = lines.get();
    node->telephony_ = std::move(lines);
  }
  node->actor_config_ = std::make_unique<caf::actor_system_config>();
  actors::use_dialer_scheduler(*node->actor_config_);
  node->actor_system_ = std::make_unique<caf::actor_system>(*node->actor_config_);
  auto dialer =
      actors::Dialer::start(*node->actor_system_, *node->store_, *node->telephony_, *clock);
  if (!dialer) return dialer.error();
  node->dialer_ = std::move(dialer).value();
  const auto& recovered = node->dialer_->recovery();
  notices << "dialerd: recovered " << recovered.events << " events in " << recovered.seconds
          << " s";
  if (recovered.from_live_set) {
    notices << " from the live set and the " << recovered.log_events_read << " logged after it";
  } else {
    notices << " by reading the whole log (" << recovered.slow_reason << ")";
  }
  notices << ": " << recovered.agents_live << " agents live, " << recovered.items_pending
          << " items pending, " << recovered.calls_resumed << " calls followed" << std::endl;
  if (!options.api_settings.empty()) {
    auto applied = node->dialer_->configure(domain::ChangeSettings{options.api_settings});
    if (!applied) {
      return Error{applied.error().code, "config file: " + applied.error().message,
                   applied.error().field};
    }
  }
  if (node->simulated_) {
    node->simulated_->connect([d = node->dialer_.get()](actors::TelephonyEvent event) {
      d->telephony_event(std::move(event));
    });
  }
  // A delivery is acknowledged once stored, and routed just after: one stored before a stop
  // may never have reached its call. Calls still in flight hear again what came since the
  // oldest of them began.
  if (auto from = recovered.oldest_open_call_seq; from > 0) {
    auto stored = stored_telephony_since(*node->store_, from);
    if (!stored) return stored.error();
    notices << "dialerd: " << stored->size() << " stored Aircall events replayed to the "
            << recovered.calls_resumed << " calls in flight" << std::endl;
    node->dialer_->replay_telephony(std::move(*stored));
  }

  auto runner = projections::ProjectionRunner::start(*node->store_);
  if (!runner) return runner.error();
  node->projections_ = std::move(runner).value();

  node->context_ = std::make_unique<Context>(*node->dialer_, *node->store_, *node->projections_,
                                             *clock, *node->credentials_, node->metrics_);
  node->dialer_->index_past_calls([context = node->context_.get()](std::int64_t aircall_call_id) {
    context->caught_up();
    return projections::call_of_aircall(context->projections.view(), aircall_call_id);
  });
  node->context_->mock_mode = options.mock_mode;
  node->context_->backup_dir = options.backup_dir;
  node->context_->backup_keep = options.backup_keep;
  node->context_->aircall_api_from_environment =
      !options.aircall_api_id.empty() && !options.aircall_api_token.empty();
  node->context_->lines = node->lines_;
  node->feeds_ = std::make_unique<FeedHub>(*node->store_);
  node->context_->feeds = node->feeds_.get();
  node->context_->telephony_name = telephony_name;
  auto config = node->dialer_->config();
  if (!config) return config.error();
  node->context_->refresh_credentials(*config);

  node->context_->cors_origins = options.cors_origins;
  bool any_origin = std::find(options.cors_origins.begin(), options.cors_origins.end(), "*") !=
                    options.cors_origins.end();
  if (any_origin && node->credentials_->api_keys_required()) {
    return Error{ErrorCode::invalid_argument,
                 "DIALER_CORS_ORIGINS=* lets any web page call the API, which is refused while API "
                 "keys are required: list the console's origins instead",
                 "corsOrigins"};
  }
  auto server_options = options.server;
  if (!node->credentials_->api_keys_required() && !loopback(server_options.bind)) {
    notices << "dialerd: no API key is configured, so the API listens on 127.0.0.1 only, not "
            << server_options.bind << " (set DIALER_API_KEYS or security.apiKeys)" << std::endl;
    server_options.bind = "127.0.0.1";
  }
  if (node->lines_ && node->lines_->has_aircall() && !options.webhook_url.empty()) {
    subscribe_at_aircall(*node, options.webhook_url, notices);
  }
  if (!node->credentials_->webhook_token_set() && (!node->lines_ || node->lines_->has_aircall())) {
    notices << "dialerd: no webhook token is configured; webhooks are refused until "
               "AIRCALL_WEBHOOK_TOKEN or aircall.webhookToken is set"
            << std::endl;
  }
  auto* raw = node.get();
  auto server = ApiServer::start(server_options, *node->context_, [raw] { return raw->ready(); });
  if (!server) return server.error();
  node->server_ = std::move(server).value();
  auto origin_at = [&](const std::string& host) {
    return std::string{node->server_->tls() ? "https" : "http"} + "://" + host + ":" +
           std::to_string(node->server_->port());
  };
  auto origin = origin_at(server_options.bind);
  bool any_address = server_options.bind == "0.0.0.0" || server_options.bind == "::";
  node->console_url_ = origin_at(any_address ? "127.0.0.1" : server_options.bind) + "/";
  if (node->lines_) {
    // The simulator reaches this server over loopback, whatever address it listens on.
    if (auto subscribed =
            node->lines_->set_webhook_url(origin_at("127.0.0.1") + "/api/dialer/webhook");
        !subscribed) {
      return Error{subscribed.error().code,
                   "the simulator's webhook subscription: " + subscribed.error().message};
    }
  }
  notices << "dialerd: serving " << origin << "/api/dialer (telephony: " << telephony_name << ")"
          << std::endl;
  return node;
}

bool Node::ready() const {
  // Ready once the projections have folded everything the log held at start; it stays so.
  if (!caught_up_ && projections_->checkpoint() >= seq_at_start_) caught_up_ = true;
  return caught_up_ && !context_->stopping;
}

void Node::stop() {
  if (context_) context_->stopping = true;
  if (feeds_) feeds_->stop();
  if (server_) {
    server_->stop();
    server_.reset();
  }
  if (lines_) lines_->stop_simulator();
  if (simulated_) simulated_->connect({});
  feeds_.reset();
  projections_.reset();
  dialer_.reset();
  // After the actors, which call it, and before their system, which its answers reach.
  telephony_.reset();
  simulated_ = nullptr;
  lines_ = nullptr;
  actor_system_.reset();
  store_.reset();
}

Node::~Node() {
  stop();
}

}  // namespace dialer::http
