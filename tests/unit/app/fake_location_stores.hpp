#pragma once
// Hand-written in-memory location and reorder-rule stores for the use-case tests: the behaviour the
// use cases rely on (ids, versions bumped on change, the chain, references that block a delete),
// no SQL, no services. FOR UPDATE is ignored.
#include <map>
#include <set>
#include <vector>

#include "ims/infra/location_store.hpp"
#include "ims/infra/reorder_rule_store.hpp"

namespace ims::test {

class FakeLocationStore final : public infra::LocationStore {
 public:
  std::optional<infra::LocationRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::vector<infra::LocationRecord> list(const infra::LocationFilter& f) override {
    std::vector<infra::LocationRecord> out;
    for (const auto& [id, l] : rows) {
      if (f.after_id && id <= *f.after_id) continue;
      if (f.kind && l.fields.kind != *f.kind) continue;
      if (f.q && l.fields.code.find(*f.q) == std::string::npos &&
          l.fields.name.find(*f.q) == std::string::npos)
        continue;
      if (static_cast<int>(out.size()) == f.limit + 1) break;
      out.push_back(l);
    }
    return out;
  }
  bool exists(std::int64_t id) override { return rows.count(id) > 0; }
  bool upstream_reaches(std::int64_t upstream, std::int64_t location) override {
    std::set<std::int64_t> seen;
    for (std::optional<std::int64_t> at = upstream; at && rows.count(*at) && seen.insert(*at).second;
         at = rows.at(*at).fields.upstream_location_id) {
      if (*at == location) return true;
    }
    return false;
  }
  bool code_taken(const std::string& code, std::optional<std::int64_t> other_than) override {
    for (const auto& [id, l] : rows) {
      if (l.fields.code == code && (!other_than || id != *other_than)) return true;
    }
    return false;
  }
  std::int64_t insert(const infra::LocationFields& fields) override {
    const auto id = next_id++;
    rows[id] = infra::LocationRecord{id, fields, true, 1};
    return id;
  }
  void update(std::int64_t id, const infra::LocationFields& fields) override {
    rows.at(id).fields = fields;
    ++rows.at(id).version;
  }
  // Refused, as the foreign keys would, while a downstream location or anything in `referenced`
  // (users, stock, …) points at it.
  bool remove(std::int64_t id) override {
    if (referenced.count(id)) return false;
    for (const auto& [other, l] : rows) {
      if (l.fields.upstream_location_id == id) return false;
    }
    rows.erase(id);
    return true;
  }

  std::map<std::int64_t, infra::LocationRecord> rows;
  std::set<std::int64_t> referenced;
  std::int64_t next_id = 1;
};

class FakeReorderRuleStore final : public infra::ReorderRuleStore {
 public:
  std::optional<infra::ReorderRuleRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::vector<infra::ReorderRuleRecord> list(const infra::ReorderRuleFilter& f) override {
    std::vector<infra::ReorderRuleRecord> out;
    for (const auto& [id, r] : rows) {
      if (f.after_id && id <= *f.after_id) continue;
      if (f.product_id && r.product_id != *f.product_id) continue;
      if (f.location_id && r.location_id != *f.location_id) continue;
      if (static_cast<int>(out.size()) == f.limit + 1) break;
      out.push_back(r);
    }
    return out;
  }
  bool product_exists(std::int64_t id) override { return products.count(id) > 0; }
  bool location_exists(std::int64_t id) override { return locations.count(id) > 0; }
  bool rule_exists(std::int64_t product_id, std::int64_t location_id) override {
    for (const auto& [id, r] : rows) {
      if (r.product_id == product_id && r.location_id == location_id) return true;
    }
    return false;
  }
  std::int64_t insert(std::int64_t product_id, std::int64_t location_id, domain::Quantity min,
                      domain::Quantity max) override {
    const auto id = next_id++;
    rows[id] = infra::ReorderRuleRecord{id, product_id, location_id, min, max, 1, std::nullopt};
    return id;
  }
  void update(std::int64_t id, domain::Quantity min, domain::Quantity max) override {
    rows.at(id).min = min;
    rows.at(id).max = max;
    ++rows.at(id).version;
  }
  void remove(std::int64_t id) override { rows.erase(id); }

  std::map<std::int64_t, infra::ReorderRuleRecord> rows;
  std::set<std::int64_t> products;
  std::set<std::int64_t> locations;
  std::int64_t next_id = 1;
};

}  // namespace ims::test
