#include <algorithm>
#include <cstdio>

#include "actors/projections/history_csv.hpp"
#include "actors/projections/report_json.hpp"
#include "events/codec.hpp"
#include "tools/dialerctl/commands.hpp"

namespace dialer::ctl {
namespace {

bool wanted(const EventFilter& f, const storage::Envelope& e) {
  if (f.since_ms && e.recorded_at_ms < *f.since_ms) return false;
  if (f.until_ms && e.recorded_at_ms > *f.until_ms) return false;
  if (!f.stream.empty() && e.stream != f.stream) return false;
  if (!f.prefix.empty() && !e.stream.starts_with(f.prefix)) return false;
  if (!f.type.empty() && e.type != f.type) return false;
  return true;
}

nlohmann::json data_of(const storage::Envelope& e) {
  auto event = events::decode(e.type, e.schema, e.payload);
  if (!event) return {{"undecodable", event.error().message}};
  return events::to_json(*event);
}

}  // namespace

int list_events(storage::EventStore& store, const EventFilter& filter, const std::string& format,
                Output& out) {
  auto& os = out.stream();
  if (format == "csv")
    os << "seq,recordedAt,stream,version,type,schema,causationId,correlationId,data\n";
  if (format == "table") {
    char header[160];
    std::snprintf(header, sizeof header, "%-10s %-24s %-32s %-28s\n", "SEQ", "RECORDED AT",
                  "STREAM", "TYPE");
    os << header;
  }
  Progress progress{"events", store.last_seq()};
  std::uint64_t shown = 0;
  bool stopped_early = false;
  auto scanned =
      store.scan_log(std::max<std::uint64_t>(filter.from_seq, 1), [&](const storage::Envelope& e) {
        progress.update(e.seq);
        if (filter.to_seq && e.seq > filter.to_seq) return false;
        // Recorded-at times never decrease along the log, so the scan may end early.
        if (filter.until_ms && e.recorded_at_ms > *filter.until_ms) return false;
        if (!wanted(filter, e)) return true;
        if (!out.good()) return false;  // the reader went away (| head): nothing more to do
        auto when = projections::iso_time(e.recorded_at_ms);
        if (format == "table") {
          char line[256];
          std::snprintf(line, sizeof line, "%-10llu %-24s %-32s %-28s\n",
                        static_cast<unsigned long long>(e.seq), when.c_str(), e.stream.c_str(),
                        e.type.c_str());
          os << line;
        } else if (format == "csv") {
          os << e.seq << ',' << when << ',' << projections::csv_cell(e.stream) << ','
             << e.stream_version << ',' << projections::csv_cell(e.type) << ',' << e.schema << ','
             << projections::csv_cell(e.causation_id) << ','
             << projections::csv_cell(e.correlation_id) << ','
             << projections::csv_cell(data_of(e).dump()) << '\n';
        } else {
          nlohmann::json line{{"seq", e.seq},
                              {"stream", e.stream},
                              {"version", e.stream_version},
                              {"type", e.type},
                              {"schema", e.schema},
                              {"recordedAt", when},
                              {"causationId", e.causation_id},
                              {"correlationId", e.correlation_id},
                              {"data", data_of(e)}};
          os << line.dump() << '\n';
        }
        if (filter.limit && ++shown >= filter.limit) {
          stopped_early = true;
          return false;
        }
        return true;
      });
  if (!scanned) {
    std::fprintf(stderr, "dialerctl: %s\n", scanned.error().message.c_str());
    return unreadable;
  }
  (void)stopped_early;
  return out.good() ? ok : unwritable;
}

}  // namespace dialer::ctl
