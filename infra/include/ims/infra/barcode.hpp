#pragma once
// The libzint adapter: one symbol rendered to PNG or SVG bytes, or the reason it could not be.
// libzint 2.11 (Debian 12) writes only to files, so each render goes through a private temporary
// directory that is removed before returning.
#include <string>
#include <variant>

#include "ims/domain/label.hpp"

namespace ims::infra {

struct RenderedSymbol {
  std::string bytes;
};
struct RenderFailure {
  std::string reason;  // zint's own words, e.g. "Invalid check digit"
};
using RenderOutcome = std::variant<RenderedSymbol, RenderFailure>;

class BarcodeRenderer {
 public:
  virtual ~BarcodeRenderer() = default;
  // `content` as domain::label_content made it (GS1 element strings with parenthesised AIs).
  // `format` png or svg; ZPL is text the domain writes.
  virtual RenderOutcome render(domain::Symbology symbology, const std::string& content,
                               domain::LabelSize size, domain::LabelFormat format) = 0;
};

class ZintRenderer final : public BarcodeRenderer {
 public:
  RenderOutcome render(domain::Symbology symbology, const std::string& content, domain::LabelSize size,
                       domain::LabelFormat format) override;
};

}  // namespace ims::infra
