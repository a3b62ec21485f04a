#pragma once
// A WebhookStore in memory for use-case tests: webhooks and deliveries in vectors.
#include <stdexcept>

#include "ims/infra/webhook_store.hpp"

namespace ims::testing {

class FakeWebhookStore final : public infra::WebhookStore {
 public:
  std::vector<infra::WebhookRecord> webhooks;
  std::vector<infra::DeliveryRecord> delivered;  // every delivery row, with its body below
  std::vector<std::string> bodies;

  infra::WebhookRecord create(const infra::WebhookFields& f, const std::string& secret,
                              std::optional<std::int64_t> by) override {
    infra::WebhookRecord w;
    w.id = static_cast<std::int64_t>(webhooks.size()) + 1;
    w.url = f.url;
    w.event_types = f.event_types;
    w.description = f.description;
    w.secret = secret;
    w.created_by = by;
    webhooks.push_back(w);
    return w;
  }
  std::vector<infra::WebhookRecord> list(std::optional<std::int64_t>, int) override { return webhooks; }
  std::optional<infra::WebhookRecord> find(std::int64_t id, bool = false) override {
    for (const auto& w : webhooks)
      if (w.id == id) return w;
    return std::nullopt;
  }
  infra::WebhookRecord update(std::int64_t id, const infra::WebhookFields& f, std::optional<bool> enabled,
                              const std::string& reason) override {
    for (auto& w : webhooks) {
      if (w.id != id) continue;
      w.url = f.url;
      w.event_types = f.event_types;
      if (enabled) {
        w.enabled = *enabled;
        w.disabled_reason = *enabled ? std::nullopt : std::optional(reason);
      }
      return w;
    }
    throw std::logic_error("no such webhook");
  }
  void remove(std::int64_t id) override {
    std::erase_if(webhooks, [&](const auto& w) { return w.id == id; });
  }
  std::vector<infra::WebhookRecord> enabled() override {
    std::vector<infra::WebhookRecord> out;
    for (const auto& w : webhooks)
      if (w.enabled) out.push_back(w);
    return out;
  }
  std::optional<infra::DeliveryRecord> add_delivery(std::int64_t webhook_id, const std::string& event_id,
                                                    const std::string& type,
                                                    const std::string& body) override {
    for (const auto& d : delivered)
      if (d.webhook_id == webhook_id && d.event_id == event_id) return std::nullopt;
    infra::DeliveryRecord d;
    d.id = static_cast<std::int64_t>(delivered.size()) + 1;
    d.webhook_id = webhook_id;
    d.event_id = event_id;
    d.event_type = type;
    delivered.push_back(d);
    bodies.push_back(body);
    return d;
  }
  std::vector<infra::DeliveryRecord> deliveries(std::int64_t, std::optional<std::int64_t>, int) override {
    return delivered;
  }
  std::vector<infra::AttemptRecord> attempts(std::int64_t, int) override { return {}; }
  std::optional<infra::DeliveryRecord> find_delivery(std::int64_t webhook_id, std::int64_t id,
                                                     bool = false) override {
    for (const auto& d : delivered)
      if (d.id == id && d.webhook_id == webhook_id) return d;
    return std::nullopt;
  }
  infra::DeliveryRecord restart(std::int64_t id) override {
    auto& d = delivered.at(static_cast<std::size_t>(id - 1));
    d.status = domain::DeliveryStatus::pending;
    return d;
  }
};

}  // namespace ims::testing
