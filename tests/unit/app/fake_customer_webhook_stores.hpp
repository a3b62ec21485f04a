#pragma once
// Hand-written in-memory customer and webhook stores for the use-case tests: the behaviour the use
// cases rely on (ids, versions bumped on change, one phone per location, deliveries newest first,
// the filter a list was asked with), no SQL, no services. FOR UPDATE is ignored.
#include <algorithm>
#include <map>
#include <vector>

#include "ims/infra/customer_records.hpp"
#include "ims/infra/webhook_records.hpp"

namespace ims::test {

class FakeCustomerStore final : public infra::CustomerStore {
 public:
  std::optional<infra::CustomerRecord> find(std::int64_t id) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  std::optional<infra::CustomerRecord> find_locked(std::int64_t id) override { return find(id); }
  std::vector<infra::CustomerRecord> list(const infra::CustomerFilter& f) override {
    filters.push_back(f);
    std::vector<infra::CustomerRecord> out;
    for (const auto& [id, c] : rows) {
      if (f.after_id && id <= *f.after_id) continue;
      if (f.location_id && c.location_id != *f.location_id) continue;
      if (f.is_active && c.is_active != *f.is_active) continue;
      if (f.q && c.name.find(*f.q) == std::string::npos &&
          !(f.q_personal && c.phone && c.phone->find(*f.q) != std::string::npos))
        continue;
      if (static_cast<int>(out.size()) == f.limit + 1) break;
      out.push_back(c);
    }
    return out;
  }
  std::optional<infra::CustomerRecord> match(std::int64_t location_id,
                                             const std::optional<std::string>& phone,
                                             const std::optional<std::string>& email) override {
    for (const auto& [id, c] : rows) {
      if (c.location_id == location_id && ((phone && c.phone == phone) || (email && c.email == email)))
        return c;
    }
    return std::nullopt;
  }
  std::optional<std::int64_t> insert(std::int64_t location_id, const infra::CustomerFields& fields,
                                     std::int64_t) override {
    if (phone_taken(location_id, fields.phone, 0)) return std::nullopt;
    const auto id = next_id++;
    infra::CustomerRecord c;
    c.id = id;
    c.location_id = location_id;
    assign(c, fields);
    rows[id] = c;
    return id;
  }
  bool update(std::int64_t id, const infra::CustomerFields& fields) override {
    auto& c = rows.at(id);
    if (phone_taken(c.location_id, fields.phone, id)) return false;
    assign(c, fields);
    ++c.version;
    return true;
  }
  void deactivate(std::int64_t id) override {
    rows.at(id).is_active = false;
    ++rows.at(id).version;
  }
  void anonymize(std::int64_t id) override {
    auto& c = rows.at(id);
    assign(c, {"Anonymized customer", std::nullopt, std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    c.is_active = false;
    c.anonymized = true;
    ++c.version;
    anonymized.push_back(id);
  }

  std::map<std::int64_t, infra::CustomerRecord> rows;
  std::vector<infra::CustomerFilter> filters;  // every list, as the store was asked
  std::vector<std::int64_t> anonymized;        // their orders and audit rows lost the name too
  std::int64_t next_id = 1;

 private:
  static void assign(infra::CustomerRecord& c, const infra::CustomerFields& f) {
    c.name = f.name;
    c.phone = f.phone;
    c.email = f.email;
    c.address = f.address;
    c.tax_id = f.tax_id;
    c.notes = f.notes;
  }
  bool phone_taken(std::int64_t location_id, const std::optional<std::string>& phone,
                   std::int64_t other_than) {
    if (!phone) return false;
    return std::any_of(rows.begin(), rows.end(), [&](const auto& row) {
      return row.first != other_than && row.second.location_id == location_id && row.second.phone == phone;
    });
  }
};

class FakeWebhookStore final : public infra::WebhookStore {
 public:
  infra::WebhookRecord create(const infra::WebhookFields& f, const std::string& secret,
                              std::optional<std::int64_t> created_by) override {
    infra::WebhookRecord w;
    w.id = next_id++;
    w.url = f.url;
    w.event_types = f.event_types;
    w.description = f.description;
    w.secret = secret;
    w.created_by = created_by;
    webhooks[w.id] = w;
    return w;
  }
  std::vector<infra::WebhookRecord> list(std::optional<std::int64_t> after_id, int limit) override {
    std::vector<infra::WebhookRecord> out;
    for (const auto& [id, w] : webhooks) {
      if (after_id && id <= *after_id) continue;
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(w);
    }
    return out;
  }
  std::optional<infra::WebhookRecord> find(std::int64_t id, bool = false) override {
    auto it = webhooks.find(id);
    if (it == webhooks.end()) return std::nullopt;
    return it->second;
  }
  infra::WebhookRecord update(std::int64_t id, const infra::WebhookFields& f, std::optional<bool> enabled,
                              const std::string& reason) override {
    auto& w = webhooks.at(id);
    w.url = f.url;
    w.event_types = f.event_types;
    w.description = f.description;
    if (enabled) {
      w.enabled = *enabled;
      w.disabled_reason = *enabled ? std::nullopt : std::optional(reason);
    }
    ++w.version;
    return w;
  }
  void remove(std::int64_t id) override { webhooks.erase(id); }
  std::vector<infra::WebhookRecord> enabled() override {
    std::vector<infra::WebhookRecord> out;
    for (const auto& [id, w] : webhooks)
      if (w.enabled) out.push_back(w);
    return out;
  }
  std::optional<infra::DeliveryRecord> add_delivery(std::int64_t webhook_id, const std::string& event_id,
                                                    const std::string& event_type,
                                                    const std::string& body) override {
    for (const auto& [id, d] : delivered)
      if (d.webhook_id == webhook_id && d.event_id == event_id) return std::nullopt;
    infra::DeliveryRecord d;
    d.id = next_delivery_id++;
    d.webhook_id = webhook_id;
    d.event_id = event_id;
    d.event_type = event_type;
    delivered[d.id] = d;
    bodies[d.id] = body;
    return d;
  }
  std::vector<infra::DeliveryRecord> deliveries(std::int64_t webhook_id,
                                                std::optional<std::int64_t> before_id, int limit) override {
    std::vector<infra::DeliveryRecord> out;
    // Newest first. NOLINTNEXTLINE(modernize-loop-convert)
    for (auto it = delivered.rbegin(); it != delivered.rend(); ++it) {
      if (it->second.webhook_id != webhook_id || (before_id && it->first >= *before_id)) continue;
      if (static_cast<int>(out.size()) == limit) break;
      out.push_back(it->second);
    }
    return out;
  }
  std::vector<infra::AttemptRecord> attempts(std::int64_t delivery_id, int limit) override {
    ++attempt_reads;
    auto all = tries.count(delivery_id) ? tries.at(delivery_id) : std::vector<infra::AttemptRecord>{};
    if (static_cast<int>(all.size()) > limit) all.resize(static_cast<std::size_t>(limit));
    return all;
  }
  std::optional<infra::DeliveryRecord> find_delivery(std::int64_t webhook_id, std::int64_t delivery_id,
                                                     bool = false) override {
    auto it = delivered.find(delivery_id);
    if (it == delivered.end() || it->second.webhook_id != webhook_id) return std::nullopt;
    return it->second;
  }
  infra::DeliveryRecord restart(std::int64_t delivery_id) override {
    auto& d = delivered.at(delivery_id);
    d.status = domain::DeliveryStatus::pending;
    d.delivered_at.reset();
    ++restarts;
    return d;
  }

  std::map<std::int64_t, infra::WebhookRecord> webhooks;
  std::map<std::int64_t, infra::DeliveryRecord> delivered;
  std::map<std::int64_t, std::string> bodies;                       // delivery id → event JSON
  std::map<std::int64_t, std::vector<infra::AttemptRecord>> tries;  // delivery id → newest first
  int attempt_reads = 0;
  int restarts = 0;
  std::int64_t next_id = 1;
  std::int64_t next_delivery_id = 1;
};

}  // namespace ims::test
