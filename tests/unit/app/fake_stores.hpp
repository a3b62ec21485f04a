#pragma once
// Hand-written in-memory stores for the use-case tests: the behaviour the use cases rely on (ids,
// versions bumped on change, FOR UPDATE ignored), no SQL, no services.
#include <algorithm>
#include <map>
#include <vector>

#include "ims/infra/audit_store.hpp"
#include "ims/infra/event.hpp"
#include "ims/infra/supplier_store.hpp"

namespace ims::test {

class FakeAuditTrail final : public infra::AuditTrail {
 public:
  void record(const infra::AuditEntry& entry) override { entries.push_back(entry); }
  std::vector<infra::AuditEntry> entries;
};

class FakeOutbox final : public infra::Outbox {
 public:
  std::string append(const infra::EventDraft& event) override {
    events.push_back(event);
    return "event-" + std::to_string(events.size());
  }
  std::vector<std::string> types() const {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.type);
    return out;
  }
  std::vector<infra::EventDraft> events;
};

class FakeSupplierStore final : public infra::SupplierStore {
 public:
  std::optional<infra::SupplierRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::vector<infra::SupplierRecord> list(const infra::SupplierFilter& f) override {
    std::vector<infra::SupplierRecord> out;
    for (const auto& [id, s] : rows) {
      if (f.after_id && id <= *f.after_id) continue;
      if (f.is_active && s.is_active != *f.is_active) continue;
      if (f.q && s.fields.name.find(*f.q) == std::string::npos) continue;
      if (static_cast<int>(out.size()) == f.limit + 1) break;
      out.push_back(s);
    }
    return out;
  }
  std::int64_t insert(const infra::SupplierFields& fields) override {
    const auto id = next_id++;
    rows[id] = infra::SupplierRecord{id, fields, true, 1};
    return id;
  }
  void update(std::int64_t id, const infra::SupplierFields& fields) override {
    rows.at(id).fields = fields;
    ++rows.at(id).version;
  }
  void set_active(std::int64_t id, bool active) override {
    rows.at(id).is_active = active;
    ++rows.at(id).version;
  }
  std::int64_t products_supplied(std::int64_t id) override {
    return products.count(id) ? products.at(id) : 0;
  }
  void remove(std::int64_t id) override { rows.erase(id); }

  std::map<std::int64_t, infra::SupplierRecord> rows;
  std::map<std::int64_t, std::int64_t> products;  // supplier id → products naming it
  std::int64_t next_id = 1;
};

}  // namespace ims::test
