// dialerctl: the analysts' and operators' command line. Reads a PowerDialer database, live
// or not, and never changes one; backs it up and restores it.

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "actors/projections/projection_runner.hpp"
#include "actors/projections/report_json.hpp"
#include "actors/projections/store_kv.hpp"
#include "tools/dialerctl/backup_commands.hpp"
#include "tools/dialerctl/commands.hpp"

using namespace dialer;
using namespace dialer::ctl;

namespace {

struct Options {
  std::string db;
  std::string format;
  std::string out;
  EventFilter events;
  std::string since, until;
  std::uint64_t until_seq = 0;
  std::string until_time;
  bool history = false;
  std::string agent, client, status, from, to;
  std::string backup_to, backup_from, server, key, restore_to;
  std::size_t keep = 7;
  std::optional<std::uint32_t> backup_id;
};

// A replay up to a point before anything was recorded folds nothing: say so.
std::optional<std::string> before_the_log(storage::EventStore& store, const Horizon& horizon) {
  std::optional<std::int64_t> first_ms;
  (void)store.scan_log(1, [&](const storage::Envelope& e) {
    first_ms = e.recorded_at_ms;
    return false;
  });
  if (!first_ms) return "the log is empty: there is nothing to replay";
  if (horizon.until_ms && *horizon.until_ms < *first_ms) {
    return "the log begins at " + projections::iso_time(*first_ms) + ", after " +
           projections::iso_time(*horizon.until_ms) + ": nothing had happened by then";
  }
  return std::nullopt;
}

int fail(int code, const std::string& message) {
  std::fprintf(stderr, "dialerctl: %s\n", message.c_str());
  return code;
}

void add_event_filters(CLI::App* command, Options& o) {
  command->add_option("--from-seq", o.events.from_seq, "first sequence number")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--to-seq", o.events.to_seq, "last sequence number")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--since", o.since, "recorded at or after (ISO-8601, a date, or epoch ms)");
  command->add_option("--until", o.until, "recorded at or before");
  command->add_option("--stream", o.events.stream, "one stream, e.g. agent-42");
  command->add_option("--prefix", o.events.prefix, "streams starting so: agent-, queue-, call-");
  command->add_option("--type", o.events.type, "one event type, e.g. call.ended");
  command->add_option("--limit", o.events.limit, "at most this many events")
      ->check(CLI::NonNegativeNumber);
}

void add_report_filters(CLI::App* command, Options& o) {
  command->add_option("--agent", o.agent, "one agent");
  command->add_option("--from", o.from, "calls requested at or after");
  command->add_option("--to", o.to, "calls requested before");
}

void add_history_filters(CLI::App* command, Options& o) {
  command->add_option("--client", o.client, "one client id");
  command
      ->add_option("--status", o.status,
                   "completed, voicemail, no-answer, busy, failed or in-progress")
      ->check(
          CLI::IsMember({"completed", "voicemail", "no-answer", "busy", "failed", "in-progress"}));
}

// The first word of the command line that is neither an option nor an option's value, when
// it names no command: a typo ("evnets") is named rather than taken for a missing command.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::string_view word{argv[i]};
    if (word == "--db") {
      ++i;  // its value
      continue;
    }
    if (word.starts_with("-")) continue;
    for (const auto* sub : app.get_subcommands({})) {
      if (sub->get_name() == word) return std::nullopt;
    }
    return std::string{word};
  }
  return std::nullopt;
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{
      "dialerctl: read, replay, export and verify a PowerDialer event log.\n"
      "Exit codes: 0 ok, 1 verify found a problem, 2 usage, 3 database unreadable, 4 output "
      "unwritable."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string{"dialerctl "} + DIALER_VERSION);
  // --db (and --version) may come after the subcommand too: dialerctl events --db X.
  app.fallthrough();
  Options o;
  if (const char* env = std::getenv("DIALER_DB")) o.db = env;
  app.add_option("--db", o.db, "the database folder (env DIALER_DB)");

  auto* events = app.add_subcommand("events", "print events as JSON lines, a table or CSV");
  add_event_filters(events, o);
  events->add_option("--format", o.format, "json (default), table or csv")
      ->check(CLI::IsMember({"json", "table", "csv"}));

  auto* replay_cmd = app.add_subcommand(
      "replay", "fold the log up to a point and print the stats (or history) as they were");
  replay_cmd->add_option("--until-seq", o.until_seq, "fold up to this sequence number");
  replay_cmd->add_option("--until", o.until_time, "fold up to this time");
  replay_cmd->add_flag("--history", o.history, "print the history rows instead of the stats");
  add_report_filters(replay_cmd, o);
  add_history_filters(replay_cmd, o);
  replay_cmd
      ->add_option("--format", o.format,
                   "table (default) or json for stats; json (default), table or csv for history")
      ->check(CLI::IsMember({"json", "table", "csv"}));

  auto* export_cmd = app.add_subcommand("export", "export history or events to CSV or JSON lines");
  export_cmd->require_subcommand(1);
  auto* export_history = export_cmd->add_subcommand("history", "the call history, newest first");
  add_report_filters(export_history, o);
  add_history_filters(export_history, o);
  auto* export_events = export_cmd->add_subcommand("events", "the events");
  add_event_filters(export_events, o);
  for (auto* sub : {export_history, export_events}) {
    sub->add_option("--format", o.format, "csv (default) or jsonl")
        ->check(CLI::IsMember({"csv", "jsonl"}));
    sub->add_option("--out", o.out, "a file (default: stdout)");
  }

  auto* verify_cmd =
      app.add_subcommand("verify", "check the log's integrity and the stored projection");
  auto* stats_cmd = app.add_subcommand("stats", "the figures the API serves, as a table or JSON");
  add_report_filters(stats_cmd, o);
  stats_cmd->add_option("--format", o.format, "table (default) or json")
      ->check(CLI::IsMember({"json", "table"}));

  auto* backup_cmd = app.add_subcommand(
      "backup", "back up a database no process holds (--db, --to), or a running server (--server)");
  backup_cmd->add_option("--to", o.backup_to, "the backup folder");
  backup_cmd->add_option("--keep", o.keep, "backups kept, the oldest dropped first (7)")
      ->check(CLI::Range(1, 1000));
  backup_cmd->add_option("--server", o.server,
                         "a running dialerd, http://127.0.0.1:8080: it backs up into its "
                         "DIALER_BACKUP_DIR");
  backup_cmd->add_option("--key", o.key, "the server's API key (env DIALER_API_KEY)");
  auto* backups_cmd = app.add_subcommand("backups", "list the backups in a folder");
  backups_cmd->add_option("--from", o.backup_from, "the backup folder")->required();
  auto* restore_cmd =
      app.add_subcommand("restore", "restore a backup into a new database folder, then verify it");
  restore_cmd->add_option("--from", o.backup_from, "the backup folder")->required();
  restore_cmd->add_option("--to", o.restore_to, "the new database folder")->required();
  restore_cmd->add_option("--id", o.backup_id, "the backup (default: the newest)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (auto typo = unknown_command(app, argc, argv)) {
      std::string known;
      for (const auto* sub : app.get_subcommands({}))
        known += (known.empty() ? "" : ", ") + sub->get_name();
      std::fprintf(stderr, "dialerctl: no command \"%s\": the commands are %s (--help)\n",
                   typo->c_str(), known.c_str());
      return usage;
    }
    auto code = app.exit(error);
    return code == 0 ? ok : usage;
  }
  if (backup_cmd->parsed() || backups_cmd->parsed() || restore_cmd->parsed()) {
    auto out = Output::to("");
    if (!out) return fail(unwritable, out.error().message);
    if (backups_cmd->parsed()) return list_backups(o.backup_from, *out);
    if (restore_cmd->parsed()) return restore(o.backup_from, o.backup_id, o.restore_to, *out);
    if (!o.server.empty()) {
      if (o.key.empty()) {
        if (const char* env = std::getenv("DIALER_API_KEY")) o.key = env;
      }
      return backup_server(o.server, o.key, *out);
    }
    if (o.db.empty() || o.backup_to.empty()) {
      return fail(usage, "backup needs --db and --to, or --server");
    }
    return backup_database(o.db, o.backup_to, o.keep, *out);
  }
  if (o.db.empty()) return fail(usage, "--db PATH is required (or set DIALER_DB)");

  Horizon horizon{o.until_seq, std::nullopt};
  projections::StatsQuery stats_query{o.agent, std::nullopt, std::nullopt};
  for (auto [text, option, target] : {std::tuple{&o.since, "--since", &o.events.since_ms},
                                      std::tuple{&o.until, "--until", &o.events.until_ms},
                                      std::tuple{&o.until_time, "--until", &horizon.until_ms},
                                      std::tuple{&o.from, "--from", &stats_query.from_ms},
                                      std::tuple{&o.to, "--to", &stats_query.to_ms}}) {
    auto parsed = time_option(*text, option);
    if (!parsed) return fail(usage, parsed.error().message);
    if (*parsed) *target = *parsed;
  }
  projections::HistoryQuery history_query;
  history_query.agent = o.agent;
  history_query.client = o.client;
  history_query.status = o.status;
  history_query.from_ms = stats_query.from_ms;
  history_query.to_ms = stats_query.to_ms;

  auto opened = ReadOnlyStore::open(o.db);
  if (!opened) return fail(unreadable, opened.error().message);
  auto& store = (*opened)->store();
  auto out = Output::to(o.out);
  if (!out) return fail(unwritable, out.error().message);

  if (events->parsed())
    return list_events(store, o.events, o.format.empty() ? "json" : o.format, *out);
  if (export_events->parsed()) {
    return list_events(store, o.events, o.format == "jsonl" ? "json" : "csv", *out);
  }
  if (verify_cmd->parsed()) return verify(store, *out);

  // History and stats: the stored projection when it is up to date, else a fresh fold.
  bool whole_log = o.until_seq == 0 && !horizon.until_ms;
  auto checkpoint = store.checkpoint(projections::ProjectionRunner::kConsumer);
  std::optional<projections::MemoryKv> folded;
  projections::StoredView stored{store, projections::ProjectionRunner::kConsumer};
  const projections::KvReader* view = &stored;
  if (replay_cmd->parsed()) {
    if (auto problem = before_the_log(store, horizon))
      std::fprintf(stderr, "dialerctl: %s\n", problem->c_str());
  }
  if (replay_cmd->parsed() || !whole_log || !checkpoint || *checkpoint != store.last_seq()) {
    auto replayed = replay(store, horizon);
    if (!replayed) return fail(unreadable, replayed.error().message);
    folded = std::move(*replayed);
    view = &*folded;
  }
  if (export_history->parsed())
    return print_history(*view, history_query, o.format == "jsonl" ? "json" : "csv", *out);
  if (replay_cmd->parsed() && o.history) {
    return print_history(*view, history_query, o.format.empty() ? "json" : o.format, *out);
  }
  return print_stats(*view, stats_query, o.format == "json" ? "json" : "table", *out);
}

int main(int argc, char** argv) {
  auto code = run(argc, argv);
  // A reader that stopped reading (| head) got what it wanted: no error for that.
  return code == unwritable && Output::reader_gone() ? ok : code;
}
