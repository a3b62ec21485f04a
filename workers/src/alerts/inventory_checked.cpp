// inventory.check.completed: the check lists every condition it found; open alerts of those kinds
// that it did not find (and that nothing reported since it looked) have cleared.
#include "alerts/handlers.hpp"

namespace ims::workers::alerts {

void inventory_checked(MessageContext& ctx, const AlertSettings&) {
  const auto& d = ctx.event.data;
  std::vector<domain::AlertKey> seen;
  auto list = [&](const char* field) -> const nlohmann::json& {
    if (!d.contains(field) || !d[field].is_array())
      throw MalformedMessage(std::string("data.") + field + " must be a list");
    return d[field];
  };
  for (const auto& k : list("low"))
    seen.push_back(domain::stock_low_key(k.at(0).get<std::int64_t>(), k.at(1).get<std::int64_t>()));
  for (const auto& k : list("expiring")) {
    seen.push_back(domain::lot_expiring_key(k.at(0).get<std::int64_t>(), k.at(1).get<std::int64_t>(),
                                            k.at(2).get<std::int64_t>()));
  }
  for (const auto& k : list("drift")) {
    const auto lot =
        k.at(2).is_null() ? std::nullopt : std::optional<std::int64_t>(k.at(2).get<std::int64_t>());
    seen.push_back(domain::drift_key(k.at(0).get<std::int64_t>(), k.at(1).get<std::int64_t>(), lot));
  }
  infra::PgAlertStore store(ctx.txn);
  const auto closed = clear_unseen(store, {"stock.low", "lot.expiring", "inventory.drift"}, seen,
                                   text_at(d, "checked_at"), ctx.event.id);
  if (!closed.empty())
    ctx.log.info("alerts cleared by the inventory check", {{"count", std::to_string(closed.size())}});
}

}  // namespace ims::workers::alerts
