#include "actors/domain/call_process.hpp"

#include <algorithm>
#include <array>

#include "actors/domain/settlement.hpp"
#include "actors/rules/phone.hpp"

namespace dialer::domain::call_process {
namespace {

// What each party's grant sets, in Party's order.
constexpr std::array<bool Process::*, 4> kGrantedBy{
    &Process::item_reserved, &Process::agent_reserved, &Process::attempt_recorded,
    &Process::requested};

bool waiting_for_creation(const CallState& call) {
  return call.phase == CallPhase::requested || call.phase == CallPhase::accepted;
}

// One step's work: the process, the call as the log has it, and the effects gathered so far.
class Stepper {
 public:
  Stepper(Process& process, const CallState& call, const Context& context)
      : p_(process), call_(call), context_(context) {}

  Effects take() { return std::move(effects_); }

  void operator()(const Dial& dial) {
    p_.item_id = dial.request.queue_item_id;
    p_.agent_id = dial.request.agent_id;
    p_.start_at_ms = dial.start_at_ms;
    // Ahead of the agent's wrap-up end, both are reserved for when the call is to start.
    auto at_ms = std::max(context_.now_ms(), dial.start_at_ms);
    p_.answers_due = 4;
    emit(AskItem{p_.item_id, queue_item::Assign{p_.agent_id, p_.call_id, at_ms}, Then::reserved});
    emit(AskAgent{p_.agent_id, agent::Reserve{p_.call_id, p_.item_id, at_ms}, Then::reserved});
    // The number counts the attempt before it rings: compliance caps hold across restarts.
    emit(AskNumber{dial.request.phone_number, number::RecordAttempt{p_.item_id, p_.call_id},
                   Then::reserved});
    emit(Submit{call::Request{dial.request}, Then::reserved});
  }

  void operator()(const Reserved& answer) {
    p_.*kGrantedBy[static_cast<std::size_t>(answer.party)] = !answer.refusal;
    if (answer.refusal && answer.party != Party::request) p_.refusal = *answer.refusal;
    if (--p_.answers_due > 0) return;
    if (p_.item_reserved && p_.agent_reserved && p_.requested && p_.attempt_recorded) {
      return emit(ReadAgent{});
    }
    if (!p_.item_reserved) p_.item_id.clear();
    if (!p_.agent_reserved) p_.agent_id.clear();
    // Closing the request settles the call, which releases whichever side was reserved.
    if (p_.requested) {
      return emit(Submit{call::StartFailed{events::CallFailure::not_reserved, p_.refusal}});
    }
    settle();
  }

  void operator()(const Go&) {
    if (call_.phase == CallPhase::requested) emit(ReadAgent{});
  }

  // A call reserved ahead of its agent's wrap-up starts the moment that ends, if the agent is
  // still there to take it; if not, the reservation is given back.
  void operator()(const AgentIs& seen) {
    if (call_.phase != CallPhase::requested) return;
    const auto* agent = seen.agent;
    if (!agent || agent->mode != AgentMode::active || agent->call_id != p_.call_id ||
        !aircall_available(*agent)) {
      return emit(Submit{call::StartFailed{events::CallFailure::agent_left,
                                           "the agent left before the call started"}});
    }
    auto wait_us = p_.start_at_ms * 1000 - context_.now_us;
    if (wait_us > 0) return emit(ArmGo{wait_us});
    start_call();
  }

  void operator()(const Started& started) {
    using events::CallFailure;
    auto fail = [&](CallFailure code) {
      emit(Submit{call::StartFailed{code, started.result.message}});
    };
    switch (started.result.status) {
      case StartStatus::accepted:
        return emit(Submit{call::StartAccepted{}});
      case StartStatus::unknown:
        return;  // the timeout armed at the start asks Aircall
      case StartStatus::user_unavailable:
        return fail(CallFailure::user_unavailable);
      case StartStatus::bad_number:
        return fail(CallFailure::bad_number);
      case StartStatus::refused:
        return fail(CallFailure::refused);
      case StartStatus::rate_limited:
        return fail(CallFailure::rate_limited);
    }
  }

  // Picks up a call recovery (or a late message) found: settles what ended, asks Aircall
  // about what is still open.
  void operator()(const Resume&) {
    if (call_.phase == CallPhase::none || finished(call_)) return settle();
    if (call_.aircall_call_id != 0) {
      emit(Known{call_.aircall_call_id, p_.call_id});
      // Known to Aircall: its call list says at once how far the call got meanwhile.
      lookup();
      return arm_live_check();
    }
    emit(Expect{call_.request.aircall_user_id, rules::digits_only(call_.request.phone_number),
                p_.call_id});
    // Not seen yet: its call.created may be among the deliveries stored before the stop, or
    // among those Aircall redelivers now. Aircall's list is asked if none comes in time.
    emit(ArmTimeout{});
  }

  void operator()(const Timeout&) {
    if (waiting_for_creation(call_)) lookup();
  }

  void operator()(const LiveCheck&) {
    p_.check_armed = false;
    if (finished(call_)) return;
    lookup();
    arm_live_check();
  }

  void operator()(const Found& answer) {
    p_.asking = false;
    if (!answer.found) return emit(ArmTimeout{});
    if (!*answer.found) {
      if (waiting_for_creation(call_)) {
        return emit(
            Submit{call::Lost{"no call.created came, and Aircall's call list has no such call"}});
      }
      return emit(Submit{
          call::Vanished{"the telephony has no trace of the call any more", context_.now_ms()}});
    }
    const auto& known = **answer.found;
    emit(Submit{call::Created{known.aircall_call_id, known.started_at_ms}});
    if (known.answered_at_ms) {
      emit(Submit{call::Answered{known.aircall_call_id, *known.answered_at_ms}});
    }
    if (known.ended) emit(Submit{call::Ended{*known.ended}});
  }

  void operator()(const HangUpAsked&) {
    if (finished(call_) || !context_.can_hang_up) return;
    if (call_.aircall_call_id == 0) {
      p_.hang_up_on_creation = true;  // its id is not known yet
      return;
    }
    emit(HangUp{call_.aircall_call_id});
  }

  void operator()(const Heard& heard) {
    const auto& event = heard.event;
    using K = TelephonyEvent::Kind;
    switch (event.kind) {
      case K::created:
        return emit(Submit{call::Created{event.aircall_call_id, event.at_ms}});
      case K::answered:
        return emit(Submit{call::Answered{event.aircall_call_id, event.at_ms}});
      case K::hungup:
        return emit(Submit{call::HungUp{event.aircall_call_id, event.at_ms}});
      case K::ended:
        if (event.ended) emit(Submit{call::Ended{*event.ended}});
        return;
      case K::user_status:
        return;
    }
  }

  void operator()(const Changed& change) {
    const auto& before = change.before;
    if (call_.aircall_call_id != 0 && before.aircall_call_id == 0) {
      emit(Known{call_.aircall_call_id, p_.call_id});
      arm_live_check();
      if (p_.hang_up_on_creation && !finished(call_)) emit(HangUp{call_.aircall_call_id});
    }
    if (call_.answered_at_ms && !before.answered_at_ms && !finished(call_) &&
        !p_.agent_id.empty()) {
      emit(AskAgent{p_.agent_id, agent::CallAnswered{p_.call_id}});
    }
    if (finished(call_) && !finished(before)) settle();
  }

  void operator()(const Settled&) {
    if (--p_.answers_due == 0) emit(Finish{});
  }

 private:
  void emit(Effect effect) { effects_.push_back(std::move(effect)); }

  // The end is known: tell the item its outcome and the agent it is free again, as the
  // settlement says.
  void settle() {
    if (p_.settling) return;
    p_.settling = true;
    emit(Forget{p_.call_id});
    auto [for_item, for_agent] =
        domain::settle(p_.call_id, call_, context_.settings, context_.now_ms());
    p_.answers_due = 0;
    if (!p_.item_id.empty()) {
      ++p_.answers_due;
      emit(AskItem{p_.item_id, std::move(for_item), Then::settled});
    }
    if (!p_.agent_id.empty()) {
      ++p_.answers_due;
      emit(AskAgent{p_.agent_id, std::move(for_agent), Then::settled});
    }
    if (p_.answers_due == 0) emit(Finish{});
  }

  void lookup() {
    if (p_.asking) return;
    p_.asking = true;
    const auto& request = call_.request;
    emit(FindCall{CallQuery{call_.aircall_call_id, request.aircall_user_id, request.phone_number,
                            call_.requested_at_ms - kLookupSlackMs, request.mock_mode}});
  }

  // One check at a time, for as long as Aircall knows the call and has not said it ended.
  void arm_live_check() {
    if (p_.check_armed || call_.aircall_call_id == 0 || finished(call_)) return;
    p_.check_armed = true;
    emit(ArmLiveCheck{});
  }

  void start_call() {
    const auto& request = call_.request;
    emit(
        Expect{request.aircall_user_id, rules::digits_only(request.phone_number), request.call_id});
    // Armed now, not on the answer: a start that is never answered must be asked about too.
    emit(ArmTimeout{});
    emit(StartTelephony{StartCall{request.call_id, request.aircall_user_id, request.number_id,
                                  request.phone_number, request.mock_mode}});
  }

  Process& p_;
  const CallState& call_;
  const Context& context_;
  Effects effects_;
};

}  // namespace

Effects step(Process& process, const CallState& call, const Input& input, const Context& context) {
  Stepper stepper{process, call, context};
  std::visit(stepper, input);
  return stepper.take();
}

}  // namespace dialer::domain::call_process
