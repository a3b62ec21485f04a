// What a production batch consumes and what a transfer takes and corrects, as a warehouse sees it:
// which lots leave, which stay, and why a dispatch or a completion is turned away.
#include <gtest/gtest.h>

#include "ims/domain/ledger_plan.hpp"

using namespace ims::domain;

namespace {

const std::string today = "2026-11-23";

Quantity q(const char* text) {
  return *Quantity::parse(text);
}

// Stock row `id` holds lot `id * 10` (none for lot-less stock).
StockSlot row(std::int64_t id, std::optional<std::string> expiry, const char* on_hand,
              const char* reserved = "0") {
  const auto lot = expiry ? std::optional<std::int64_t>(id * 10) : std::nullopt;
  return StockSlot{id, lot, std::move(expiry), q(on_hand), q(reserved)};
}

// "stock:quantity" per take, in take order, e.g. "3:4 2:-10".
std::string takes_of(const std::vector<Take>& takes) {
  std::string out;
  for (const auto& t : takes)
    out += (out.empty() ? "" : " ") + std::to_string(t.stock_id) + ":" + t.quantity.to_string();
  return out;
}

// --- production ---

struct ConsumptionCase {
  const char* name;
  SlotsByProduct slots;
  std::vector<MaterialNeed> needs;
  std::vector<std::string> takes;       // per covered material, in need order
  std::vector<std::string> short_ones;  // "material:needed/usable"
};

TEST(ConsumptionPlan, TakesEachMaterialFirstExpiryFirstAndNamesWhatIsShort) {
  const std::vector<ConsumptionCase> cases{
      {"one lot covers the need", {{7, {row(1, "2027-01-01", "50")}}}, {{7, q("30"), {}}}, {"1:30"}, {}},
      {"the earlier lot goes first, lot-less stock last",
       {{7, {row(3, std::nullopt, "100"), row(2, "2027-06-01", "10"), row(1, "2027-01-01", "10")}}},
       {{7, q("25"), {}}},
       {"1:10 2:10 3:5"},
       {}},
      {"an expired lot is never consumed, and does not count as usable",
       {{7, {row(1, "2026-11-01", "100"), row(2, "2027-01-01", "5")}}},
       {{7, q("20"), {}}},
       {},
       {"7:20/5"}},
      {"reserved stock is not usable",
       {{7, {row(1, std::nullopt, "10", "8")}}},
       {{7, q("3"), {}}},
       {},
       {"7:3/2"}},
      {"a material with no stock at all is short by all of it", {}, {{9, q("1.5"), {}}}, {}, {"9:1.5/0"}},
      {"one short material does not hide the covered ones",
       {{7, {row(1, std::nullopt, "10")}}, {8, {row(2, std::nullopt, "1")}}},
       {{7, q("4"), {}}, {8, q("2"), {}}},
       {"1:4"},
       {"8:2/1"}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto plan = plan_consumption(c.needs, c.slots, today);
    std::vector<std::string> takes, short_ones;
    for (const auto& [material, t] : plan.takes) takes.push_back(takes_of(t));
    for (const auto& s : plan.shortages)
      short_ones.push_back(std::to_string(s.material_id) + ":" + s.needed.to_string() + "/" +
                           s.available.to_string());
    EXPECT_EQ(takes, c.takes);
    EXPECT_EQ(short_ones, c.short_ones);
    EXPECT_EQ(plan.complete(), c.short_ones.empty());
  }
}

// --- dispatch ---

DispatchLine line(int no, std::int64_t product, const char* quantity, std::optional<std::int64_t> lot = {}) {
  return DispatchLine{100 + no, no, product, "SKU-" + std::to_string(product), lot, q(quantity)};
}

struct DispatchCase {
  const char* name;
  SlotsByProduct slots;
  std::vector<DispatchLine> lines;
  std::vector<std::string> picks;  // per line when dispatched
  std::optional<std::string> failure;
};

TEST(DispatchPlan, TakesEveryLineOrNoneAndSaysWhichLinesAreShort) {
  const std::vector<DispatchCase> cases{
      {"first expiry first out",
       {{5, {row(2, "2027-06-01", "10"), row(1, "2027-01-01", "10")}}},
       {line(1, 5, "15")},
       {"1:10 2:5"},
       std::nullopt},
      {"two lines of one product share its rows: the second takes what the first left",
       {{5, {row(1, "2027-01-01", "10"), row(2, "2027-06-01", "10")}}},
       {line(1, 5, "8"), line(2, 5, "8")},
       {"1:8", "1:2 2:6"},
       std::nullopt},
      {"a named lot is taken as asked, even expired (it may be going back for destruction)",
       {{5, {row(1, "2026-01-01", "10"), row(2, "2027-06-01", "10")}}},
       {line(1, 5, "4", 10)},
       {"1:4"},
       std::nullopt},
      {"without a named lot an expired lot is skipped",
       {{5, {row(1, "2026-01-01", "10"), row(2, "2027-06-01", "10")}}},
       {line(1, 5, "4")},
       {"2:4"},
       std::nullopt},
      {"a short line fails the dispatch and nothing is picked",
       {{5, {row(1, std::nullopt, "10")}}, {6, {row(2, std::nullopt, "1")}}},
       {line(1, 5, "4"), line(2, 6, "3")},
       {},
       "line 2 (SKU-6): only 1 available, 3 needed"},
      {"every short line is named, in line order",
       {},
       {line(1, 5, "4"), line(2, 6, "3")},
       {},
       "line 1 (SKU-5): only 0 available, 4 needed; line 2 (SKU-6): only 0 available, 3 needed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto plan = plan_dispatch(c.lines, c.slots, today);
    std::vector<std::string> picks;
    for (const auto& p : plan.picks) picks.push_back(takes_of(p.takes));
    EXPECT_EQ(picks, c.picks);
    EXPECT_EQ(plan.failure, c.failure);
    EXPECT_EQ(plan.dispatched(), !c.failure.has_value());
  }
}

// --- discrepancies ---

TEST(DiscrepancyCorrection, ExcessGoesToTheFirstArrivalAndShortfallLeavesTheLastFirst) {
  const std::vector<Take> arrivals{{1, 10, q("6")}, {2, 20, q("4")}};
  EXPECT_EQ(takes_of(discrepancy_correction(arrivals, q("2"))), "1:2");
  EXPECT_EQ(takes_of(discrepancy_correction(arrivals, q("-3"))), "2:-3");
  EXPECT_EQ(takes_of(discrepancy_correction(arrivals, q("-7"))), "2:-4 1:-3");
  EXPECT_EQ(takes_of(discrepancy_correction(arrivals, q("0"))), "");
  EXPECT_EQ(takes_of(discrepancy_correction({}, q("-1"))), "");
}

TEST(DiscrepancyCorrection, TheAlertSaysWhatArrivedAgainstWhatWasSent) {
  EXPECT_EQ(describe_discrepancy("TR-000001", "SKU-1", q("8"), q("10")),
            "TR-000001: SKU-1 arrived 8 of 10 (short 2)");
  EXPECT_EQ(describe_discrepancy("TR-000001", "SKU-1", q("10.5"), q("10")),
            "TR-000001: SKU-1 arrived 10.5 of 10 (excess 0.5)");
}

}  // namespace
