#pragma once
// The labels worker's use cases: render a requested label, and give a new order its QR label.
// Each works through the stores it is given, inside the caller's transaction. A subject or data
// that cannot make a label fails the label with a reason; only broken infrastructure throws.
#include <cstdint>
#include <optional>
#include <string>

#include "ims/infra/barcode.hpp"
#include "ims/infra/label_store.hpp"

namespace ims::workers::labels {

struct LabelSettings {
  std::string dashboard_url;  // an order's QR label links to <dashboard_url>/#/orders/<id>
};

struct LabelOutcome {
  std::int64_t label_id = 0;
  domain::LabelStatus status = domain::LabelStatus::pending;
  std::optional<std::string> reason;  // failed: why
  bool rendered_now = false;          // false: it was ready or failed already (a redelivery)
};

// Renders the pending label `id` (PNG or SVG through the renderer, ZPL as text) and stores the
// bytes, or fails it with the reason. nullopt when no such label exists.
std::optional<LabelOutcome> render_label(infra::LabelStore& store, infra::BarcodeRenderer& renderer,
                                         std::int64_t id, const LabelSettings& settings);

// order.created: the order's automatic QR label (PNG, medium), rendered at once. nullopt when the
// order has one already.
std::optional<LabelOutcome> label_new_order(infra::LabelStore& store, infra::BarcodeRenderer& renderer,
                                            std::int64_t order_id, const std::string& request_id,
                                            const LabelSettings& settings);

}  // namespace ims::workers::labels
