// account.registered: a sign-up waits for an admin (issue 13); admins get an in-app alert and an
// email. account.activated / account.rejected: the admin decided, the alert closes.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void account_registered(MessageContext& ctx, const AlertSettings& settings) {
  const auto& d = ctx.event.data;
  const auto user_id = id_at(d, "user_id");
  domain::AlertEmailFacts facts;
  facts.account_username = text_at(d, "username");
  facts.requested_role = text_at(d, "requested_role");
  if (d.contains("requested_location") && d["requested_location"].is_string()) {
    facts.requested_location = d["requested_location"].get<std::string>();
  }
  auto key = domain::account_pending_key(user_id);
  infra::PgAlertStore store(ctx.txn);
  raise_alert(store, raised(ctx, key, domain::alert_severity(key.kind, false)), facts, settings);
}

void account_decided(MessageContext& ctx, const AlertSettings&) {
  const auto user_id = id_at(ctx.event.data, "user_id");
  infra::PgAlertStore store(ctx.txn);
  clear_subject(store, "account.pending", "user:" + std::to_string(user_id), ctx.event.id,
                "the account was " + ctx.event.type.substr(ctx.event.type.find('.') + 1));
}

}  // namespace ims::workers::alerts
