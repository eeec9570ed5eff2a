#include "tools/bench_log.hpp"

#include <rocksdb/db.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "events/codec.hpp"
#include "events/mutex.hpp"

namespace dialer::bench {
namespace {

// Keeps a bounded number of appends in flight and waits for all at the end.
class Pipeline {
 public:
  Pipeline(storage::EventStore& store, int depth) : store_(store), depth_(depth) {}

  void append(std::string stream, std::vector<events::Event> batch) {
    storage::AppendRequest request{std::move(stream), storage::ExpectedVersion::any(), {}, {}};
    for (const auto& event : batch) request.events.push_back(storage::NewEvent::from(event));
    Lock lock{mutex_};
    room_.wait(lock.native(), [&]() REQUIRES(mutex_) { return in_flight_ < depth_; });
    ++in_flight_;
    lock.unlock();
    store_.append_async(std::move(request), [this](Result<storage::AppendOutcome> outcome) {
      Lock guard{mutex_};
      if (!outcome) failed_ = true;
      --in_flight_;
      room_.notify_all();
    });
  }

  void drain() {
    Lock lock{mutex_};
    room_.wait(lock.native(), [&]() REQUIRES(mutex_) { return in_flight_ == 0; });
    if (failed_) throw std::runtime_error("an append failed while writing the benchmark log");
  }

 private:
  storage::EventStore& store_;
  int depth_;
  Mutex mutex_;
  std::condition_variable room_;
  int in_flight_ GUARDED_BY(mutex_) = 0;
  bool failed_ GUARDED_BY(mutex_) = false;
};

std::string hex_id(char prefix, std::uint64_t n) {
  char id[16];
  std::snprintf(id, sizeof id, "%c%014llx", prefix,
                static_cast<unsigned long long>(n * 0x9E3779B97F4A7C15ULL >> 8));
  return id;
}

events::QueueItemAdded item_of(std::uint64_t n) {
  events::QueueItemAdded item;
  item.item_id = hex_id('q', n);
  item.client_id = "crm-" + std::to_string(n);
  item.name = "Client " + std::to_string(n);
  auto digits = std::to_string(10'000'000 + n % 90'000'000);
  item.phone_number = "+336" + digits.substr(digits.size() - 8);
  item.priority = static_cast<std::int32_t>(n % 10);
  item.notes = "renewal";
  item.metadata_json = R"({"campaign":"q4"})";
  return item;
}

std::string webhook_body(const char* event, std::uint64_t call) {
  return std::string{R"({"resource":"call","event":")"} + event +
         R"(","timestamp":1790000000,"token":"t","data":{"id":)" + std::to_string(call) +
         R"(,"direction":"outbound","status":"done","raw_digits":"+33 6 12 34 56 78"}})";
}

}  // namespace

Written write_log(storage::EventStore& store, const LogShape& shape) {
  Pipeline pipeline{store, 512};
  Written written;
  // A completed item, its number claimed and released; a pending item and its claim cost 2.
  constexpr std::uint64_t kCycleEvents = 18;
  constexpr std::uint64_t kPendingEvents = 2;
  std::uint64_t n = 0;
  const bool exact = shape.pending_items > 0;
  auto pending_every =
      exact ? std::max<std::uint64_t>(
                  1, (shape.events / kCycleEvents + shape.pending_items) / shape.pending_items)
      : shape.pending_share > 0 ? static_cast<std::uint64_t>(1.0 / shape.pending_share)
                                : 0;
  std::uint64_t history_events = 0;
  auto more = [&] {
    return exact ? history_events < shape.events || written.pending_items < shape.pending_items
                 : written.events < shape.events;
  };
  while (more()) {
    auto item = item_of(n);
    bool pending = exact ? written.pending_items < shape.pending_items &&
                               (history_events >= shape.events || n % pending_every == 0)
                         : (pending_every != 0 && n % pending_every == 0) ||
                               written.events + kCycleEvents > shape.events;
    auto item_stream = "queue-" + item.item_id;
    auto number_stream = "number-" + item.phone_number;
    pipeline.append(number_stream, {events::NumberClaimed{item.item_id}});
    if (pending) {
      written.payload_bytes_pending += events::encode(item).payload.size();
      pipeline.append(item_stream, {item});
      written.events += kPendingEvents;
      ++written.pending_items;
      ++written.items;
      ++n;
      continue;
    }
    auto agent = "agent-" + std::to_string(n % shape.agents);
    auto call_id = hex_id('c', n);
    std::int64_t aircall = 812'000'000'000 + static_cast<std::int64_t>(n);
    auto t = shape.start_ms + static_cast<std::int64_t>(n) * 1000;
    pipeline.append(item_stream, {item, events::QueueItemAssigned{agent.substr(6), call_id, 1}});
    pipeline.append(agent, {events::AgentReserved{call_id, item.item_id}});
    pipeline.append("call-" + call_id,
                    {events::CallRequested{call_id, item.item_id, agent.substr(6),
                                           100 + static_cast<std::int64_t>(n % shape.agents), 7,
                                           item.phone_number, 1},
                     events::CallStartAccepted{}, events::CallCreated{aircall, t},
                     events::CallAnswered{t + 8000}, events::CallHungUp{t + 90'000}});
    for (const char* hook : {"call.created", "call.answered", "call.hungup", "call.ended"}) {
      pipeline.append("webhooks", {events::WebhookReceived{hook, "call", t / 1000,
                                                           webhook_body(hook, aircall)}});
    }
    events::CallEnded ended;
    ended.aircall_call_id = aircall;
    ended.started_at_ms = t;
    ended.answered_at_ms = t + 8000;
    ended.ended_at_ms = t + 90'000;
    ended.duration_seconds = 90;
    ended.outcome = events::CallOutcome::connected;
    pipeline.append("call-" + call_id, {ended});
    pipeline.append(agent, {events::AgentCallAnswered{call_id},
                            events::AgentCallEnded{call_id, 82, t + 90'000}});
    pipeline.append(item_stream,
                    {events::QueueItemCompleted{call_id, events::CallOutcome::connected}});
    pipeline.append(number_stream, {events::NumberReleased{item.item_id}});
    written.events += kCycleEvents;
    history_events += kCycleEvents;
    ++written.items;
    ++n;
  }
  pipeline.drain();
  return written;
}

namespace {
double status_mib(const char* field) {
  std::ifstream status{"/proc/self/status"};
  std::string line;
  std::string prefix{field};
  while (std::getline(status, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stod(line.substr(prefix.size())) / 1024.0;
  }
  return 0;
}
}  // namespace

Result<Written> write_log_at(const std::filesystem::path& db, const LogShape& shape) {
  auto store = storage::EventStore::open(db.string());
  if (!store) return store.error();
  return write_log(**store, shape);
}

std::filesystem::path make_temp_dir(const std::filesystem::path& parent, const std::string& name) {
  std::string pattern = (parent / (name + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data()))
    throw std::runtime_error("cannot create a folder under " + parent.string());
  return pattern;
}

double raw_log_scan_per_s(const std::filesystem::path& db) {
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const auto& name : storage::column_family_names())
    families.emplace_back(name, rocksdb::ColumnFamilyOptions{});
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  auto status =
      rocksdb::DB::OpenForReadOnly(rocksdb::DBOptions{}, db.string(), families, &handles, &raw);
  if (!status.ok()) throw std::runtime_error(status.ToString());
  std::uint64_t count = 0;
  std::uint64_t touched = 0;
  auto start = std::chrono::steady_clock::now();
  {
    rocksdb::ReadOptions options;
    options.readahead_size = 4 << 20;
    std::unique_ptr<rocksdb::Iterator> it{raw->NewIterator(options, handles[1])};
    for (it->SeekToFirst(); it->Valid(); it->Next(), ++count) {
      touched += static_cast<unsigned char>(it->value()[it->value().size() / 2]);
    }
  }
  auto rate =
      count / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto* handle : handles) raw->DestroyColumnFamilyHandle(handle);
  delete raw;
  if (touched == 1) std::puts("");  // keeps the reads from being optimised away
  return rate;
}

double rss_mib() {
  return status_mib("VmRSS:");
}
double peak_rss_mib() {
  return status_mib("VmHWM:");
}

}  // namespace dialer::bench
