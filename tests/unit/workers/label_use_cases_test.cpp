// The labels worker's use cases over hand-written fakes: a label renders once and stores its
// bytes; a subject that cannot make one fails the label with the reason; a new order gets one QR.
#include <gtest/gtest.h>

#include <map>

#include "labels/use_cases.hpp"

using namespace ims;
using namespace ims::workers::labels;

namespace {

class FakeLabels final : public infra::LabelStore {
 public:
  std::map<std::int64_t, infra::LabelRecord> rows;
  std::map<std::int64_t, std::string> bytes;
  std::map<std::pair<domain::LabelSubject, std::int64_t>, infra::LabelSubjectRecord> subjects;

  std::optional<infra::LabelSubjectRecord> subject(domain::LabelSubject type, std::int64_t id) override {
    auto it = subjects.find({type, id});
    if (it == subjects.end()) return std::nullopt;
    return it->second;
  }
  std::optional<infra::LabelRecord> create(const infra::NewLabel& n) override {
    for (const auto& [id, r] : rows) {
      if (!n.requested_by && !r.requested_by && r.subject_type == n.subject_type &&
          r.subject_id == n.subject_id)
        return std::nullopt;
    }
    infra::LabelRecord r;
    r.id = static_cast<std::int64_t>(rows.size()) + 1;
    r.subject_type = n.subject_type;
    r.subject_id = n.subject_id;
    r.symbology = n.symbology;
    r.format = n.format;
    r.size = n.size;
    r.requested_by = n.requested_by;
    r.location_id = n.location_id;
    rows[r.id] = r;
    return r;
  }
  std::optional<infra::LabelRecord> find(std::int64_t id, bool) override {
    auto it = rows.find(id);
    if (it == rows.end()) return std::nullopt;
    return it->second;
  }
  void mark_ready(std::int64_t id, const std::string& content, const std::string& type,
                  const std::string& b) override {
    auto& r = rows.at(id);
    r.status = domain::LabelStatus::ready;
    r.content = content;
    r.content_type = type;
    r.byte_size = static_cast<std::int64_t>(b.size());
    bytes[id] = b;
  }
  void mark_failed(std::int64_t id, const std::optional<std::string>& content,
                   const std::string& reason) override {
    auto& r = rows.at(id);
    r.status = domain::LabelStatus::failed;
    r.content = content;
    r.reason = reason;
  }
  std::optional<infra::LabelImage> image(std::int64_t id) override {
    if (!bytes.contains(id)) return std::nullopt;
    return infra::LabelImage{*rows.at(id).content_type, bytes.at(id)};
  }
};

class FakeRenderer final : public infra::BarcodeRenderer {
 public:
  int calls = 0;
  std::optional<std::string> refuse;
  infra::RenderOutcome render(domain::Symbology, const std::string& content, domain::LabelSize,
                              domain::LabelFormat format) override {
    ++calls;
    if (refuse) return infra::RenderFailure{*refuse};
    return infra::RenderedSymbol{std::string(domain::to_string(format)) + ":" + content};
  }
};

const LabelSettings settings{"http://ims.test"};

std::int64_t request(FakeLabels& store, domain::LabelSubject type, std::int64_t subject, domain::Symbology s,
                     domain::LabelFormat f) {
  return store.create({type, subject, s, f, domain::LabelSize::medium, 1, std::nullopt, "req"})->id;
}

FakeLabels with_subjects() {
  FakeLabels store;
  store.subjects[{domain::LabelSubject::product, 7}] = {
      {domain::LabelSubject::product, 7, "SKU-7", std::nullopt, std::nullopt}, {}, std::nullopt};
  store.subjects[{domain::LabelSubject::product, 8}] = {
      {domain::LabelSubject::product, 8, "SKU-8", "4006381333931", std::nullopt}, {}, std::nullopt};
  store.subjects[{domain::LabelSubject::order, 3}] = {
      {domain::LabelSubject::order, 3, "SO-000003", std::nullopt, std::nullopt}, {40, -1}, 40};
  return store;
}

}  // namespace

TEST(RenderLabel, StoresTheRenderedBytesAndContent) {
  auto store = with_subjects();
  FakeRenderer renderer;
  const auto id =
      request(store, domain::LabelSubject::product, 7, domain::Symbology::code128, domain::LabelFormat::png);
  auto out = render_label(store, renderer, id, settings);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, domain::LabelStatus::ready);
  EXPECT_EQ(store.rows[id].content, "SKU-7");
  EXPECT_EQ(store.rows[id].content_type, "image/png");
  EXPECT_EQ(store.bytes[id], "png:SKU-7");
}

TEST(RenderLabel, ZplIsWrittenByTheDomainNotTheRenderer) {
  auto store = with_subjects();
  FakeRenderer renderer;
  const auto id =
      request(store, domain::LabelSubject::order, 3, domain::Symbology::qr, domain::LabelFormat::zpl);
  ASSERT_EQ(render_label(store, renderer, id, settings)->status, domain::LabelStatus::ready);
  EXPECT_EQ(renderer.calls, 0);
  EXPECT_NE(store.bytes[id].find("^BQN"), std::string::npos);
  EXPECT_EQ(store.rows[id].content_type, "application/zpl");
}

TEST(RenderLabel, AProductWithoutGtinFailsItsEan13WithAReasonAndTheNextStillRenders) {
  auto store = with_subjects();
  FakeRenderer renderer;
  const auto bad =
      request(store, domain::LabelSubject::product, 7, domain::Symbology::ean13, domain::LabelFormat::svg);
  const auto good =
      request(store, domain::LabelSubject::product, 8, domain::Symbology::ean13, domain::LabelFormat::svg);
  EXPECT_EQ(render_label(store, renderer, bad, settings)->status, domain::LabelStatus::failed);
  EXPECT_NE(store.rows[bad].reason->find("no GTIN"), std::string::npos);
  EXPECT_EQ(render_label(store, renderer, good, settings)->status, domain::LabelStatus::ready);
  EXPECT_EQ(store.rows[good].content, "4006381333931");
}

TEST(RenderLabel, AMissingSubjectOrARefusedSymbolFailsTheLabel) {
  auto store = with_subjects();
  FakeRenderer renderer;
  const auto gone =
      request(store, domain::LabelSubject::transfer, 99, domain::Symbology::qr, domain::LabelFormat::png);
  EXPECT_EQ(render_label(store, renderer, gone, settings)->status, domain::LabelStatus::failed);
  EXPECT_EQ(store.rows[gone].reason, "the transfer 99 does not exist");
  renderer.refuse = "zint: Invalid character in data";
  const auto refused =
      request(store, domain::LabelSubject::product, 7, domain::Symbology::qr, domain::LabelFormat::png);
  EXPECT_EQ(render_label(store, renderer, refused, settings)->status, domain::LabelStatus::failed);
  EXPECT_EQ(store.rows[refused].reason, "zint: Invalid character in data");
  EXPECT_EQ(store.rows[refused].content, "SKU-7");  // what it would have encoded
}

TEST(RenderLabel, ARedeliveryLeavesADoneLabelAlone) {
  auto store = with_subjects();
  FakeRenderer renderer;
  const auto id =
      request(store, domain::LabelSubject::product, 7, domain::Symbology::qr, domain::LabelFormat::png);
  render_label(store, renderer, id, settings);
  auto again = render_label(store, renderer, id, settings);
  EXPECT_FALSE(again->rendered_now);
  EXPECT_EQ(renderer.calls, 1);
  EXPECT_FALSE(render_label(store, renderer, 404, settings));
}

TEST(LabelNewOrder, OneQrLabelLinkingToTheOrder) {
  auto store = with_subjects();
  FakeRenderer renderer;
  auto out = label_new_order(store, renderer, 3, "corr", settings);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, domain::LabelStatus::ready);
  const auto& row = store.rows[out->label_id];
  EXPECT_EQ(row.symbology, domain::Symbology::qr);
  EXPECT_EQ(row.location_id, 40);
  EXPECT_FALSE(row.requested_by);
  EXPECT_EQ(row.content, "SO-000003\nhttp://ims.test/#/orders/3");
  EXPECT_FALSE(label_new_order(store, renderer, 3, "corr", settings));  // one per order
}
