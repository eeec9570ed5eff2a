// Dialer::dispose: an agent's disposition of a call settles its item as the team's list
// says, and ends the agent's wrap-up.

#include "actors/dialer.hpp"
#include "actors/domain/settlement.hpp"

namespace dialer::actors {

Result<Disposed> Dialer::dispose(const std::string& call_id,
                                 const domain::DispositionRequest& request) {
  // A call actor for a call that never was would settle nothing and go: ask the log first.
  auto version = services_.store->stream_version(CallTraits::stream(call_id));
  if (!version) return version.error();
  if (*version == 0) return Error{ErrorCode::not_found, "no such call " + call_id, "callId"};
  auto call = this->call(call_id);
  if (!call) return call.error();
  auto settings = services_.settings();
  auto now = services_.clock->now_ms();
  auto checked = domain::check_disposition(*settings, call_id, *call, request, now);
  if (!checked) return checked.error();
  const auto& item_id = call->request.queue_item_id;
  if (checked->callback_at_ms) {
    auto before = this->item(item_id);
    if (!before) return before.error();
    checked->callback_dials_at_ms =
        domain::first_dialable(*settings, before->details, *checked->callback_at_ms);
  }
  auto item = this->item(item_id,
                         domain::queue_item::Dispose{*checked, now, domain::retry_policy(*settings),
                                                     settings->callback_grace_ms});
  if (!item) return item.error();
  // The item holds the decision from here on; what follows acts on it.
  using events::DispositionAction;
  if (checked->action == DispositionAction::do_not_call) {
    auto listed = do_not_call(domain::do_not_call::Add{
        item->details.phone_number, "disposition " + checked->disposition + " of call " + call_id});
    if (!listed) return listed.error();
  } else if (checked->action == DispositionAction::wrong_number) {
    auto marked =
        ask<NumberTraits>(item->details.phone_number, domain::number::MarkWrong{item_id, call_id});
    if (!marked) return marked.error();
  }
  if (!call->request.agent_id.empty()) {
    auto told = agent(call->request.agent_id,
                      domain::agent::Dispose{call_id, settings->wrap_up_ends_on_disposition});
    if (!told) return told.error();
  }
  // The agent's notes go to Aircall too, where the team reads calls (aircall.pushNotes).
  if (settings->push_notes && checked->source == "api" && !checked->notes.empty() &&
      call->aircall_call_id != 0) {
    services_.telephony->comment(call->aircall_call_id, checked->notes, call->request.mock_mode);
  }
  auto dials_at = checked->callback_dials_at_ms;
  return Disposed{std::move(*checked), std::move(*item), dials_at};
}

Status Dialer::take_aircall_notes(const std::string& call_id, const AircallCallNotes& notes) {
  auto call = this->call(call_id);
  if (!call) return call.error();
  const auto& item_id = call->request.queue_item_id;
  auto item = this->item(item_id);
  if (!item) return item.error();
  for (const auto& [comment_id, text] : notes.comments) {
    item = this->item(item_id, domain::queue_item::Comment{call_id, comment_id, text});
    if (!item) return item.error();
  }
  auto settings = services_.settings();
  const auto* tagged = settings->disposition_of_tags(notes.tags);
  if (!tagged || tagged->action == events::DispositionAction::callback) {
    auto withdrawn = this->item(item_id, domain::queue_item::WithdrawDisposition{call_id});
    if (!withdrawn) return withdrawn.error();
    return ok_status();
  }
  const auto& current = item->disposition;
  bool same_call = current && current->call_id == call_id;
  if (same_call && current->disposition == tagged->code) return ok_status();
  domain::DispositionRequest request;
  request.disposition = tagged->code;
  request.notes = same_call ? current->notes : std::string{};
  request.source = "aircall";
  auto disposed = dispose(call_id, request);
  // Tagged after the item was dialled again: the tag stays Aircall's alone.
  if (!disposed && disposed.error().code != ErrorCode::conflict) return disposed.error();
  return ok_status();
}

Result<Disposed> Dialer::dispose_last(const std::string& user_id,
                                      const domain::DispositionRequest& request) {
  auto known = agent(user_id);
  if (!known) return known.error();
  if (!known->ever_started) {
    return Error{ErrorCode::not_found, "the dialer never ran for agent " + user_id, "userId"};
  }
  const auto& call_id = known->call_id.empty() ? known->last_call_id : known->call_id;
  if (call_id.empty()) {
    return Error{ErrorCode::conflict, "agent " + user_id + " has had no call to disposition"};
  }
  return dispose(call_id, request);
}

}  // namespace dialer::actors
