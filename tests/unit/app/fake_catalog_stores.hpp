#pragma once
// In-memory product and bill-of-materials stores for the use-case tests (see fake_stores.hpp).
#include <map>
#include <set>
#include <vector>

#include "ims/infra/bom_store.hpp"
#include "ims/infra/product_store.hpp"

namespace ims::test {

class FakeProductStore final : public infra::ProductStore {
 public:
  std::optional<infra::ProductRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::vector<infra::ProductRecord> list(const infra::ProductFilter& f) override {
    std::vector<infra::ProductRecord> out;
    for (const auto& [id, p] : rows) {
      if (f.after_id && id <= *f.after_id) continue;
      if (f.kind && p.fields.kind != *f.kind) continue;
      if (static_cast<int>(out.size()) == f.limit + 1) break;
      out.push_back(p);
    }
    return out;
  }
  bool sku_taken(const std::string& sku, std::optional<std::int64_t> other_than) override {
    for (const auto& [id, p] : rows) {
      if (p.fields.sku == sku && id != other_than.value_or(0)) return true;
    }
    return false;
  }
  bool gtin_taken(const std::string& gtin, std::optional<std::int64_t> other_than) override {
    for (const auto& [id, p] : rows) {
      if (p.fields.gtin == gtin && id != other_than.value_or(0)) return true;
    }
    return false;
  }
  bool supplier_exists(std::int64_t supplier_id) override { return suppliers.count(supplier_id) > 0; }
  std::int64_t insert(const infra::ProductFields& fields) override {
    const auto id = next_id++;
    rows[id] = infra::ProductRecord{id, fields, 1, "2026-12-01T08:00:00Z", "2026-12-01T08:00:00Z"};
    return id;
  }
  void update(std::int64_t id, const infra::ProductFields& fields) override {
    rows.at(id).fields = fields;
    ++rows.at(id).version;
  }
  void remove(std::int64_t id) override { rows.erase(id); }

  std::map<std::int64_t, infra::ProductRecord> rows;
  std::set<std::int64_t> suppliers;
  std::int64_t next_id = 1;
};

// Reads products' kinds from a FakeProductStore; keeps the lines per finished good.
class FakeBomStore final : public infra::BomStore {
 public:
  explicit FakeBomStore(FakeProductStore& products) : products_(products) {}
  bool product_exists(std::int64_t id) override { return products_.rows.count(id) > 0; }
  std::optional<std::string> product_kind(std::int64_t id, bool) override {
    auto p = products_.find(id, false);
    if (!p) return std::nullopt;
    return p->fields.kind;
  }
  std::vector<infra::BomLineRecord> lines(std::int64_t product_id) override {
    std::vector<infra::BomLineRecord> out;
    for (const auto& l : boms[product_id]) {
      const auto& m = products_.rows.at(l.material_id).fields;
      out.push_back({l.material_id, m.sku, m.name, m.unit_of_measure, l.quantity_per_unit});
    }
    return out;
  }
  void replace(std::int64_t product_id, const std::vector<infra::BomLine>& lines) override {
    boms[product_id] = lines;
  }

  std::map<std::int64_t, std::vector<infra::BomLine>> boms;

 private:
  FakeProductStore& products_;
};

}  // namespace ims::test
