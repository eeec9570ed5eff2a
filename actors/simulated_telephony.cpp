#include "actors/simulated_telephony.hpp"

#include "actors/rules/phone.hpp"

namespace dialer::actors {

SimulatedTelephony::SimulatedTelephony(const domain::Clock& clock, SimulationOptions options)
    : clock_(clock), options_(options), random_(options.seed) {
  thread_ = std::thread([this] { deliver_loop(); });
}

SimulatedTelephony::~SimulatedTelephony() {
  {
    Lock lock{mutex_};
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SimulatedTelephony::connect(std::function<void(TelephonyEvent)> sink) {
  Lock lock{mutex_};
  sink_ = std::move(sink);
}

void SimulatedTelephony::set_available(std::int64_t aircall_user_id, bool available) {
  Lock lock{mutex_};
  if (available) {
    unavailable_.erase(aircall_user_id);
  } else {
    unavailable_.insert(aircall_user_id);
  }
}

void SimulatedTelephony::hold(bool held) {
  {
    Lock lock{mutex_};
    held_ = held;
  }
  wake_.notify_all();
}

void SimulatedTelephony::drop_pending() {
  Lock lock{mutex_};
  while (!queue_.empty()) queue_.pop();
}

std::vector<SimulatedTelephony::Record> SimulatedTelephony::records() const {
  Lock lock{mutex_};
  return records_;
}

std::uint64_t SimulatedTelephony::overlaps() const {
  Lock lock{mutex_};
  return overlaps_;
}

std::size_t SimulatedTelephony::active_calls() const {
  Lock lock{mutex_};
  return busy_users_.size();
}

void SimulatedTelephony::schedule(std::chrono::milliseconds delay, TelephonyEvent event) {
  queue_.push({std::chrono::steady_clock::now() + delay, order_++, std::move(event)});
}

void SimulatedTelephony::start_call(const StartCall& call, std::function<void(StartResult)> done) {
  StartResult result;
  {
    Lock lock{mutex_};
    if (unavailable_.contains(call.aircall_user_id)) {
      result = {StartStatus::user_unavailable, "User not available"};
    } else if (busy_users_.contains(call.aircall_user_id)) {
      ++overlaps_;
      result = {StartStatus::user_unavailable, "User already on a call"};
    } else {
      if (busy_numbers_.contains(call.to)) ++overlaps_;
      auto id = next_id_++;
      auto now = clock_.now_ms();
      std::uniform_real_distribution<double> draw{0.0, 1.0};
      auto roll = draw(random_);
      using events::CallOutcome;
      auto outcome = roll < options_.answer_rate ? CallOutcome::connected
                     : roll < options_.answer_rate + options_.voicemail_rate
                         ? CallOutcome::voicemail
                     : roll < options_.answer_rate + options_.voicemail_rate + options_.busy_rate
                         ? CallOutcome::busy
                         : CallOutcome::no_answer;
      records_.push_back({call, id, now, outcome});
      calls_[id] = Live{call.aircall_user_id, call.to, now, std::nullopt, std::nullopt};
      busy_users_.insert(call.aircall_user_id);
      busy_numbers_.insert(call.to);

      TelephonyEvent base;
      base.aircall_call_id = id;
      base.aircall_user_id = call.aircall_user_id;
      base.digits = rules::digits_only(call.to);
      base.outbound = true;
      using K = TelephonyEvent::Kind;
      using std::chrono::milliseconds;
      auto created = base;
      created.kind = K::created;
      schedule(milliseconds{0}, created);
      bool picked_up = outcome == CallOutcome::connected || outcome == CallOutcome::voicemail;
      auto ring = milliseconds{outcome == CallOutcome::busy ? 0 : options_.ring_ms};
      if (picked_up) {
        auto answered = base;
        answered.kind = K::answered;
        schedule(ring, answered);
      }
      auto talk = milliseconds{picked_up ? options_.talk_ms : 0};
      if (picked_up && options_.talk_spread_ms > 0) {
        talk += milliseconds{
            std::uniform_int_distribution<std::int64_t>{0, options_.talk_spread_ms}(random_)};
      }
      auto end_at = ring + talk;
      auto hungup = base;
      hungup.kind = K::hungup;
      schedule(end_at, hungup);
      auto ended = base;
      ended.kind = K::ended;
      ended.ended = events::CallEnded{};
      ended.ended->aircall_call_id = id;
      ended.ended->outcome = outcome;
      ended.ended->missed_call_reason = picked_up ? "" : "no_answer";
      schedule(end_at, ended);
    }
  }
  wake_.notify_all();
  done(std::move(result));
}

void SimulatedTelephony::find_call(const CallQuery& query,
                                   std::function<void(Result<std::optional<FoundCall>>)> done) {
  std::optional<FoundCall> found;
  {
    Lock lock{mutex_};
    for (const auto& [id, live] : calls_) {
      bool match = query.aircall_call_id != 0
                       ? id == query.aircall_call_id
                       : live.aircall_user_id == query.aircall_user_id && live.to == query.to &&
                             live.started_at_ms >= query.since_ms;
      if (match) found = FoundCall{id, live.started_at_ms, live.answered_at_ms, live.ended};
    }
  }
  done(std::move(found));
}

void SimulatedTelephony::deliver_loop() {
  Lock lock{mutex_};
  for (;;) {
    if (stopping_) return;
    if (held_ || queue_.empty()) {
      wake_.wait(lock.native());
      continue;
    }
    auto due = queue_.top().due;
    if (std::chrono::steady_clock::now() < due) {
      wake_.wait_until(lock.native(), due);
      continue;
    }
    auto event = queue_.top().event;
    queue_.pop();
    // Times are the injected clock's at the moment of delivery, as Aircall stamps its own.
    event.at_ms = clock_.now_ms();
    auto& live = calls_[event.aircall_call_id];
    using K = TelephonyEvent::Kind;
    if (event.kind == K::answered) live.answered_at_ms = event.at_ms;
    if (event.kind == K::ended) {
      auto& ended = *event.ended;
      ended.started_at_ms = live.started_at_ms;
      ended.answered_at_ms = live.answered_at_ms;
      ended.ended_at_ms = event.at_ms;
      ended.duration_seconds = (event.at_ms - live.started_at_ms) / 1000;
      live.ended = ended;
      busy_users_.erase(live.aircall_user_id);
      busy_numbers_.erase(live.to);
    }
    auto sink = sink_;
    lock.unlock();
    if (sink) sink(std::move(event));
    lock.lock();
  }
}

}  // namespace dialer::actors
