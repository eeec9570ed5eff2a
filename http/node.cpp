#include "http/node.hpp"

#include <openssl/rand.h>

#include <filesystem>
#include <ostream>

#include "events/binary.hpp"
#include "http/aircall_client.hpp"
#include "http/aircall_webhook.hpp"

namespace dialer::http {
namespace {

// The telephony news among the webhook deliveries stored from `from_seq` on.
Result<std::vector<actors::TelephonyEvent>> stored_telephony_since(const storage::EventStore& store,
                                                                   std::uint64_t from_seq) {
  std::vector<actors::TelephonyEvent> found;
  std::optional<Error> failure;
  auto scanned = store.scan_log_views(from_seq, [&](const events::EnvelopeView& envelope) {
    if (envelope.type != events::WebhookReceived::type) return true;
    auto event = events::decode(envelope.type, envelope.schema, envelope.payload);
    if (!event) {
      failure = event.error();
      return false;
    }
    auto delivery = parse_webhook(std::get<events::WebhookReceived>(*event).body);
    if (!delivery) return true;  // stored only once it parsed; nothing to apply otherwise
    if (auto telephony = telephony_event_of(*delivery)) found.push_back(std::move(*telephony));
    return true;
  });
  if (!scanned) return scanned.error();
  if (failure) return *failure;
  return found;
}

std::string random_token() {
  unsigned char bytes[16];
  RAND_bytes(bytes, sizeof bytes);
  return events::to_hex(std::string_view{reinterpret_cast<const char*>(bytes), sizeof bytes});
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

Result<std::unique_ptr<Node>> Node::start(NodeOptions options, std::ostream& notices) {
  std::unique_ptr<Node> node{new Node};
  node->clock_ = options.clock ? options.clock : &node->system_clock_;

  std::error_code ignored;
  std::filesystem::create_directories(std::filesystem::path{options.db_path}.parent_path(),
                                      ignored);
  auto* clock = node->clock_;
  auto store = storage::EventStore::open(
      options.db_path,
      {storage::OpenMode::read_write, {}, [clock] { return clock->now_ms(); }, nullptr});
  if (!store) return store.error();
  node->store_ = std::move(store).value();
  node->seq_at_start_ = node->store_->last_seq();
  notices << "dialerd: event store " << options.db_path << " open, " << node->seq_at_start_
          << " events" << std::endl;
  if (options.verify_on_start) {
    auto report = node->store_->verify();
    if (!report.ok) {
      return Error{
          ErrorCode::corrupt_data,
          "log damaged at seq " + std::to_string(report.first_bad_seq) + ": " + report.problem};
    }
    notices << "dialerd: log verified, " << report.events_checked << " events" << std::endl;
  }

  auto webhook_token = options.webhook_token;
  std::string telephony_name;
  if (options.telephony == TelephonyKind::in_process) {
    auto simulated = std::make_unique<actors::SimulatedTelephony>(*clock, options.simulation);
    node->simulated_ = simulated.get();
    node->telephony_ = std::move(simulated);
    telephony_name = "in-process simulation";
  } else {
    AircallClientOptions client;
    client.base_url = options.aircall_base_url;
    client.api_id = options.aircall_api_id;
    client.api_token = options.aircall_api_token;
    if (options.mock_mode) {
      // Aircall's stand-in on loopback: the real client and the real webhook path run.
      if (webhook_token.empty()) webhook_token = random_token();
      SimOptions sim;
      sim.api_id = client.api_id = "mock-id";
      sim.api_token = client.api_token = random_token();
      sim.webhook_token = webhook_token;
      sim.ring_ms = options.simulation.ring_ms;
      sim.talk_ms = options.simulation.talk_ms;
      sim.ended_after_ms = std::min<std::int64_t>(30'000, options.simulation.talk_ms);
      sim.answer_rate = options.simulation.answer_rate;
      sim.voicemail_rate = options.simulation.voicemail_rate;
      sim.busy_rate = options.simulation.busy_rate;
      sim.seed = options.simulation.seed;
      sim.duplicate_rate = options.mock_duplicate_rate;
      sim.reorder_rate = options.mock_reorder_rate;
      sim.server_error_rate = options.mock_server_error_rate;
      sim.requests_per_minute = 100'000;  // the dialer keeps its own budget
      auto started = AircallSim::start(sim);
      if (!started) return started.error();
      node->simulator_ = std::move(started).value();
      client.base_url = node->simulator_->base_url();
      telephony_name = "aircall-sim at " + client.base_url + " (mock mode)";
    } else {
      if (client.api_id.empty() || client.api_token.empty()) {
        return Error{ErrorCode::invalid_argument,
                     "no Aircall credentials: set AIRCALL_API_KEY and AIRCALL_API_SECRET, or "
                     "ENABLE_MOCK_MODE=true",
                     "aircallApiKey"};
      }
      telephony_name = "Aircall at " + client.base_url;
    }
    node->telephony_ = std::make_unique<AircallClient>(client);
  }
  node->actor_config_ = std::make_unique<caf::actor_system_config>();
  node->actor_config_->set("scheduler.policy", caf::atom("sharing"));
  node->actor_system_ = std::make_unique<caf::actor_system>(*node->actor_config_);
  auto dialer =
      actors::Dialer::start(*node->actor_system_, *node->store_, *node->telephony_, *clock);
  if (!dialer) return dialer.error();
  node->dialer_ = std::move(dialer).value();
  const auto& recovered = node->dialer_->recovery();
  notices << "dialerd: recovered " << recovered.events << " events in " << recovered.seconds
          << " s: " << recovered.agents_live << " agents live, " << recovered.items_pending
          << " items pending, " << recovered.calls_resumed << " calls followed" << std::endl;
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

  node->credentials_ = std::make_unique<Credentials>(options.api_keys, webhook_token);
  node->context_ = std::make_unique<Context>(*node->dialer_, *node->store_, *node->projections_,
                                             *clock, *node->credentials_, node->metrics_);
  node->context_->mock_mode = options.mock_mode;
  node->context_->telephony_name = telephony_name;
  auto config = node->dialer_->config();
  if (!config) return config.error();
  node->context_->refresh_credentials(*config);

  auto server_options = options.server;
  if (!node->credentials_->api_keys_required() && !loopback(server_options.bind)) {
    notices << "dialerd: no API key is configured, so the API listens on 127.0.0.1 only, not "
            << server_options.bind << " (set DIALER_API_KEYS or security.apiKeys)" << std::endl;
    server_options.bind = "127.0.0.1";
  }
  if (!node->credentials_->webhook_token_set()) {
    notices << "dialerd: no webhook token is configured; webhooks are refused until "
               "AIRCALL_WEBHOOK_TOKEN or aircall.webhookToken is set"
            << std::endl;
  }
  auto* raw = node.get();
  auto server = ApiServer::start(server_options, *node->context_, [raw] { return raw->ready(); });
  if (!server) return server.error();
  node->server_ = std::move(server).value();
  auto origin = std::string{node->server_->tls() ? "https" : "http"} + "://" + server_options.bind +
                ":" + std::to_string(node->server_->port());
  if (node->simulator_) {
    node->simulator_->set_webhook_target(origin + "/api/dialer/webhook", webhook_token);
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
  if (server_) {
    server_->stop();
    server_.reset();
  }
  if (simulator_) simulator_->stop();
  if (simulated_) simulated_->connect({});
  projections_.reset();
  dialer_.reset();
  // After the actors, which call it, and before their system, which its answers reach.
  telephony_.reset();
  simulated_ = nullptr;
  actor_system_.reset();
  simulator_.reset();
  store_.reset();
}

Node::~Node() {
  stop();
}

}  // namespace dialer::http
