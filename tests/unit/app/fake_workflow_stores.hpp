#pragma once
// In-memory transfer, request and batch stores for the use-case tests: ids, versions bumped on
// every change, what the use cases read back; no SQL, no services.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "ims/infra/batch_store.hpp"
#include "ims/infra/request_store.hpp"
#include "ims/infra/transfer_store.hpp"

namespace ims::test {

class FakeTransferStore final : public infra::TransferStore {
 public:
  bool locations_active(std::int64_t from, std::int64_t to) override {
    return active_locations.count(from) && active_locations.count(to);
  }
  bool product_active(std::int64_t id) override { return active_products.count(id) > 0; }
  bool lot_of_product(std::int64_t lot, std::int64_t product) override {
    auto it = lots.find(lot);
    return it != lots.end() && it->second == product;
  }
  std::int64_t insert(const infra::NewTransfer& t) override {
    const auto id = next_id++;
    infra::TransferRecord r;
    r.id = id;
    r.number = "TR-" + std::to_string(id);
    r.from_location_id = t.from_location_id;
    r.to_location_id = t.to_location_id;
    r.status = "pending";
    rows[id] = r;
    for (const auto& l : t.lines) {
      infra::TransferLineRecord line;
      line.id = next_line_id++;
      line.line_no = l.line_no;
      line.product_id = l.product_id;
      line.sku = "SKU-" + std::to_string(l.product_id);
      line.lot_id = l.lot_id;
      line.quantity = l.quantity;
      line_rows[id].push_back(line);
    }
    return id;
  }
  std::optional<infra::TransferRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::vector<infra::TransferRecord> page(const infra::TransferFilter& f) override {
    std::vector<infra::TransferRecord> out;
    for (const auto& [id, t] : rows) {  // newest first
      if (f.location && t.from_location_id != *f.location && t.to_location_id != *f.location) continue;
      if (f.status && t.status != *f.status) continue;
      out.insert(out.begin(), t);
    }
    return out;
  }
  std::vector<infra::TransferLineRecord> lines(std::int64_t id) override { return line_rows[id]; }
  void request_step(std::int64_t id, const std::string& step) override {
    bump(id).pending_step = step;
    rows.at(id).failure_reason.reset();
  }
  void mark_arrived(std::int64_t id) override { bump(id).status = "arrived"; }
  void mark_canceled(std::int64_t id) override { bump(id).status = "canceled"; }
  void record_received(std::int64_t line_id, const std::string& quantity) override {
    for (auto& [id, lines] : line_rows) {
      for (auto& l : lines) {
        if (l.id == line_id) l.received_quantity = quantity;
      }
    }
  }

  infra::TransferRecord& bump(std::int64_t id) {
    auto& r = rows.at(id);
    ++r.version;
    return r;
  }

  std::set<std::int64_t> active_locations, active_products;
  std::map<std::int64_t, std::int64_t> lots;  // lot id → product id
  std::map<std::int64_t, infra::TransferRecord> rows;
  std::map<std::int64_t, std::vector<infra::TransferLineRecord>> line_rows;
  std::int64_t next_id = 1, next_line_id = 100;
};

class FakeRequestStore final : public infra::RequestStore {
 public:
  bool product_active(std::int64_t id) override { return active_products.count(id) > 0; }
  bool location_active(std::int64_t id) override { return active_locations.count(id) > 0; }
  bool source_is_up_the_chain(std::int64_t source, std::int64_t requester_location) override {
    auto it = upstream_of.find(requester_location);
    return factories.count(source) || (it != upstream_of.end() && it->second == source);
  }
  int lock_and_count_open_holds(std::int64_t requester) override {
    ++hold_locks;
    int n = 0;
    for (const auto& [id, r] : rows) {
      if (r.requested_by == requester && r.action == "transfer" &&
          (r.hold == "requested" || r.hold == "held"))
        ++n;
    }
    return n;
  }
  std::int64_t insert(const infra::NewRequest& q) override {
    const auto id = next_id++;
    infra::RequestRecord r;
    r.id = id;
    r.number = "RQ-" + std::to_string(id);
    r.action = q.action;
    r.product_id = q.product_id;
    r.quantity = q.quantity;
    r.from_location_id = q.from_location_id;
    r.to_location_id = q.to_location_id;
    r.reason = q.reason;
    r.status = "pending";
    r.hold = q.hold;
    r.requested_by = q.requested_by;
    rows[id] = r;
    return id;
  }
  std::optional<infra::RequestRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::vector<infra::RequestRecord> page(const infra::RequestFilter& f) override {
    std::vector<infra::RequestRecord> out;
    for (const auto& [id, r] : rows) {  // newest first
      if (f.requested_by && r.requested_by != *f.requested_by) continue;
      out.insert(out.begin(), r);
    }
    return out;
  }
  void link_transfer(std::int64_t id, std::int64_t transfer_id) override {
    rows.at(id).transfer_id = transfer_id;
  }
  std::int64_t insert_adjustment(const infra::NewAdjustment& a) override {
    adjustments.push_back(a);
    return 500 + static_cast<std::int64_t>(adjustments.size());
  }
  void link_adjustment(std::int64_t id, std::int64_t adjustment_id) override {
    rows.at(id).adjustment_id = adjustment_id;
  }
  void decide(std::int64_t id, const std::string& status, std::int64_t by,
              const std::optional<std::string>& comment) override {
    auto& r = rows.at(id);
    r.status = status;
    r.decided_by = by;
    r.decision_comment = comment;
    ++r.version;
  }

  std::set<std::int64_t> active_products, active_locations, factories;
  std::map<std::int64_t, std::int64_t> upstream_of;  // location → its upstream
  std::map<std::int64_t, infra::RequestRecord> rows;
  std::vector<infra::NewAdjustment> adjustments;
  int hold_locks = 0;
  std::int64_t next_id = 1;
};

class FakeBatchStore final : public infra::BatchStore {
 public:
  std::optional<infra::BatchProductFacts> product(std::int64_t id) override {
    auto it = products.find(id);
    if (it == products.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> location_kind(std::int64_t id) override {
    auto it = location_kinds.find(id);
    if (it == location_kinds.end()) return std::nullopt;
    return it->second;
  }
  std::int64_t insert(const infra::NewBatch& b) override {
    const auto id = next_id++;
    infra::BatchRecord r;
    r.id = id;
    r.number = "PB-" + std::to_string(id);
    r.product_id = b.product_id;
    r.location_id = b.location_id;
    r.planned_quantity = b.planned_quantity;
    r.status = "planned";
    rows[id] = r;
    return id;
  }
  std::optional<infra::BatchRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::vector<infra::BatchRecord> page(const infra::BatchFilter&) override {
    std::vector<infra::BatchRecord> out;
    for (const auto& [id, b] : rows) out.insert(out.begin(), b);  // newest first
    return out;
  }
  bool lot_code_taken(std::int64_t product, const std::string& code) override {
    return taken_lots.count({product, code}) > 0;
  }
  std::vector<infra::MaterialStock> materials(std::int64_t, std::int64_t) override { return bom; }
  void mark_started(std::int64_t id) override { bump(id).status = "in_progress"; }
  void mark_canceled(std::int64_t id) override { bump(id).status = "canceled"; }
  void request_completion(const infra::BatchCompletion& c) override {
    auto& r = bump(c.id);
    r.completion = "requested";
    r.produced_quantity = c.produced_quantity;
    r.lot_code = c.lot_code;
    r.expires_on = c.expires_on;
  }
  void mark_qc_failed(std::int64_t id, const std::string& reason) override {
    auto& r = bump(id);
    r.status = "qc_failed";
    r.qc_reason = reason;
    r.completion.reset();
  }

  infra::BatchRecord& bump(std::int64_t id) {
    auto& r = rows.at(id);
    ++r.version;
    return r;
  }

  std::map<std::int64_t, infra::BatchProductFacts> products;
  std::map<std::int64_t, std::string> location_kinds;
  std::set<std::pair<std::int64_t, std::string>> taken_lots;
  std::vector<infra::MaterialStock> bom;
  std::map<std::int64_t, infra::BatchRecord> rows;
  std::int64_t next_id = 1;
};

}  // namespace ims::test
