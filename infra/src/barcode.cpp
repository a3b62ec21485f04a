#include "ims/infra/barcode.hpp"

#include <zint.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace ims::infra {
namespace {

struct SymbolDeleter {
  void operator()(zint_symbol* s) const { ZBarcode_Delete(s); }
};
using Symbol = std::unique_ptr<zint_symbol, SymbolDeleter>;

// A directory of our own under TMPDIR, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    auto pattern = (std::filesystem::temp_directory_path() / "ims-label-XXXXXX").string();
    if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary directory for a label");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

int zint_symbology(domain::Symbology s) {
  switch (s) {
    case domain::Symbology::qr:
      return BARCODE_QRCODE;
    case domain::Symbology::code128:
      return BARCODE_CODE128;
    case domain::Symbology::ean13:
      return BARCODE_EANX;
    case domain::Symbology::gs1_128:
      return BARCODE_GS1_128;
    case domain::Symbology::gs1_datamatrix:
      return BARCODE_DATAMATRIX;
  }
  return BARCODE_CODE128;
}

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("zint wrote no file for a label");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace

RenderOutcome ZintRenderer::render(domain::Symbology symbology, const std::string& content,
                                   domain::LabelSize size, domain::LabelFormat format) {
  if (format == domain::LabelFormat::zpl) throw std::logic_error("ZPL labels are text, not rendered by zint");
  Symbol symbol(ZBarcode_Create());
  if (!symbol) throw std::bad_alloc();
  symbol->symbology = zint_symbology(symbology);
  // zint draws 2 pixels per module at scale 1.
  symbol->scale = static_cast<float>(domain::module_dots(size)) / 2.0f;
  symbol->output_options |= BARCODE_QUIET_ZONES;
  symbol->input_mode = domain::is_gs1(symbology) ? (GS1_MODE | GS1PARENS_MODE) : UNICODE_MODE;
  if (symbology == domain::Symbology::qr) symbol->option_1 = 2;  // error correction M
  TempDir dir;
  const auto file = dir.path() / (format == domain::LabelFormat::png ? "label.png" : "label.svg");
  const auto name = file.string();
  if (name.size() >= sizeof(symbol->outfile)) throw std::runtime_error("temporary path too long for zint");
  std::memcpy(symbol->outfile, name.c_str(), name.size() + 1);
  const int encoded = ZBarcode_Encode(symbol.get(), reinterpret_cast<const unsigned char*>(content.data()),
                                      static_cast<int>(content.size()));
  if (encoded >= ZINT_ERROR) return RenderFailure{std::string("zint: ") + symbol->errtxt};
  const int printed = ZBarcode_Print(symbol.get(), 0);
  if (printed >= ZINT_ERROR) {
    // Encoding succeeded; a failure to write is the machine's, not the data's.
    throw std::runtime_error(std::string("zint could not write the label: ") + symbol->errtxt);
  }
  return RenderedSymbol{read_all(file)};
}

}  // namespace ims::infra
