// The /alerts use cases over a fake board: scope, who sees which emails, and acknowledging.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "fake_stores.hpp"
#include "ims/api/use_cases/alerts.hpp"

namespace ims::api {
namespace {

using domain::ErrorCode;
using domain::Role;
using test::FakeAuditTrail;

class FakeAlertBoard final : public infra::AlertBoard {
 public:
  std::vector<infra::AlertRecord> list(const infra::AlertFilter& f) override {
    std::vector<infra::AlertRecord> out;
    for (const auto& [id, a] : alerts) {  // newest first, up to limit + 1
      if (f.location_id && a.location_id != f.location_id) continue;
      if (!f.accounts && a.kind.rfind("account.", 0) == 0) continue;
      out.insert(out.begin(), a);
    }
    const auto most = static_cast<std::size_t>(f.limit) + 1;
    if (out.size() > most) out.resize(most);
    last_filter = f;
    return out;
  }
  std::optional<infra::AlertRecord> find(std::int64_t id, bool) override {
    auto it = alerts.find(id);
    if (it == alerts.end()) return std::nullopt;
    return it->second;
  }
  infra::AlertRecord acknowledge(std::int64_t id, std::int64_t user, bool closes) override {
    auto& a = alerts.at(id);
    a.acked_at = "2026-12-03T10:00:00.000Z";
    a.acked_by = user;
    if (closes) a.closed_at = a.acked_at;
    return a;
  }
  std::vector<infra::EmailDeliveryRecord> deliveries(const std::vector<std::int64_t>& ids) override {
    std::vector<infra::EmailDeliveryRecord> out;
    for (const auto& d : emails) {
      if (std::find(ids.begin(), ids.end(), d.alert_id) != ids.end()) out.push_back(d);
    }
    return out;
  }

  void add(std::int64_t id, std::string kind, std::optional<std::int64_t> location) {
    infra::AlertRecord a;
    a.id = id;
    a.kind = std::move(kind);
    a.location_id = location;
    alerts[id] = a;
  }
  std::map<std::int64_t, infra::AlertRecord> alerts;
  std::vector<infra::EmailDeliveryRecord> emails;
  infra::AlertFilter last_filter;
};

const Caller admin{{1, Role::admin, std::nullopt}, "req-1"};
const Caller maker{{2, Role::manufacturer, std::nullopt}, "req-2"};
const Caller store_user{{7, Role::stockist, 30}, "req-7"};

TEST(AlertUseCases, AStoreSeesItsLocationsAlertsAndOnlyTheEmailsSentToItself) {
  FakeAlertBoard board;
  board.add(1, "stock.low", 30);
  board.add(2, "stock.low", 40);
  board.emails = {
      {1, 1, 7, "me@example.com", "Low", "sent", 1, std::nullopt, "m1", "t", "t", std::nullopt},
      {2, 1, 1, "admin@example.com", "Low", "sent", 1, std::nullopt, "m2", "t", "t", std::nullopt}};
  auto page = list_alerts(store_user, {}, board);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(board.last_filter.location_id, 30);  // the scope is the caller's, whatever was asked
  ASSERT_EQ((*page)["items"].size(), 1u);
  EXPECT_EQ((*page)["items"][0]["deliveries"].size(), 1u);
  EXPECT_EQ((*page)["items"][0]["deliveries"][0]["recipient"], "me@example.com");
  EXPECT_EQ(get_alert(store_user, 2, board).error().code, ErrorCode::not_found);
  EXPECT_EQ((*get_alert(admin, 1, board))["deliveries"].size(), 2u);
}

TEST(AlertUseCases, SignUpAlertsAreForAdminsOnly) {
  FakeAlertBoard board;
  board.add(1, "account.pending", std::nullopt);
  EXPECT_EQ((*list_alerts(maker, {}, board))["items"].size(), 0u);
  EXPECT_EQ((*list_alerts(admin, {}, board))["items"].size(), 1u);
  EXPECT_EQ(get_alert(maker, 1, board).error().code, ErrorCode::not_found);
}

TEST(AlertUseCases, APageCutsAtItsLimitWithACursor) {
  FakeAlertBoard board;
  for (int i = 1; i <= 3; ++i) board.add(i, "stock.low", 30);
  infra::AlertFilter two;
  two.limit = 2;
  auto page = list_alerts(admin, two, board);
  EXPECT_EQ((*page)["items"].size(), 2u);
  EXPECT_EQ((*page)["next_cursor"], "2");
}

TEST(AlertUseCases, AcknowledgingIsAuditedOnceAndClosesAnEventAlert) {
  FakeAlertBoard board;
  FakeAuditTrail audit;
  board.add(5, "transfer.discrepancy", 30);
  EXPECT_EQ(acknowledge_alert(store_user, 5, board, audit).error().code, ErrorCode::forbidden);
  auto acked = acknowledge_alert(maker, 5, board, audit);
  ASSERT_TRUE(acked.ok());
  EXPECT_EQ((*acked)["status"], "closed");
  EXPECT_EQ((*acked)["acked_by"], 2);
  ASSERT_EQ(audit.entries.size(), 1u);
  EXPECT_EQ(audit.entries[0].action, "alert.ack");
  EXPECT_EQ(acknowledge_alert(maker, 5, board, audit).error().code, ErrorCode::conflict);
}

}  // namespace
}  // namespace ims::api
