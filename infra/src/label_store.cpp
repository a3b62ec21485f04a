#include "ims/infra/label_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

std::string utc(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

const std::string label_columns =
    "l.id, l.subject_type, l.subject_id, l.symbology, l.format, l.size, l.status, l.content, l.reason,"
    " l.content_type, coalesce(octet_length(l.bytes), 0), l.requested_by, l.location_id, " +
    utc("l.created_at") + ", " + utc("l.rendered_at");

template <typename E>
E parsed(std::optional<E> value, const char* what) {
  if (!value) throw std::runtime_error(std::string("reporting.labels holds an unknown ") + what);
  return *value;
}

LabelRecord read_label(const pqxx::row& r) {
  LabelRecord l;
  l.id = r[0].as<std::int64_t>();
  l.subject_type = parsed(domain::parse_label_subject(r[1].as<std::string>()), "subject_type");
  l.subject_id = r[2].as<std::int64_t>();
  l.symbology = parsed(domain::parse_symbology(r[3].as<std::string>()), "symbology");
  l.format = parsed(domain::parse_label_format(r[4].as<std::string>()), "format");
  l.size = parsed(domain::parse_label_size(r[5].as<std::string>()), "size");
  l.status = parsed(domain::parse_label_status(r[6].as<std::string>()), "status");
  l.content = nullable<std::string>(r[7]);
  l.reason = nullable<std::string>(r[8]);
  l.content_type = nullable<std::string>(r[9]);
  l.byte_size = r[10].as<std::int64_t>();
  l.requested_by = nullable<std::int64_t>(r[11]);
  l.location_id = nullable<std::int64_t>(r[12]);
  l.created_at = r[13].as<std::string>();
  l.rendered_at = nullable<std::string>(r[14]);
  return l;
}

std::string hex(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 0xf];
  }
  return out;
}

domain::LabelFacts facts(domain::LabelSubject type, std::int64_t id, const pqxx::row& r) {
  domain::LabelFacts f;
  f.subject = type;
  f.id = id;
  f.code = r[0].as<std::string>();
  f.gtin = nullable<std::string>(r[1]);
  f.expires_on = nullable<std::string>(r[2]);
  return f;
}

// Each subject as (code, gtin, expires_on, locations, scope location).
std::string subject_sql(domain::LabelSubject type) {
  switch (type) {
    case domain::LabelSubject::product:
      return "SELECT sku, gtin, NULL::text, '{}'::bigint[], NULL::bigint FROM catalog.products WHERE id = $1";
    case domain::LabelSubject::lot:
      return "SELECT l.lot_code, p.gtin, l.expires_on::text,"
             " ARRAY(SELECT DISTINCT s.location_id FROM inventory.stock s WHERE s.lot_id = l.id ORDER BY 1), "
             "NULL::bigint"
             " FROM inventory.lots l JOIN catalog.products p ON p.id = l.product_id WHERE l.id = $1";
    case domain::LabelSubject::order:
      return "SELECT number, NULL::text, NULL::text,"
             " ARRAY[coalesce(seller_location_id, -1), coalesce(buyer_location_id, -1)],"
             " coalesce(seller_location_id, buyer_location_id) FROM sales.orders WHERE id = $1";
    case domain::LabelSubject::location:
      return "SELECT code, NULL::text, NULL::text, '{}'::bigint[], id FROM inventory.locations WHERE id = $1";
    case domain::LabelSubject::transfer:
      return "SELECT number, NULL::text, NULL::text, ARRAY[from_location_id, to_location_id], "
             "from_location_id"
             " FROM inventory.transfers WHERE id = $1";
  }
  return "";
}

std::vector<std::int64_t> id_array(const pqxx::field& f) {
  std::vector<std::int64_t> out;
  auto parser = f.as_array();
  for (auto [kind, text] = parser.get_next(); kind != pqxx::array_parser::done;
       std::tie(kind, text) = parser.get_next()) {
    if (kind == pqxx::array_parser::string_value) out.push_back(std::stoll(text));
  }
  return out;
}

}  // namespace

std::optional<LabelSubjectRecord> PgLabelStore::subject(domain::LabelSubject type, std::int64_t id) {
  auto rows = txn_.exec_params(subject_sql(type), id);
  if (rows.empty()) return std::nullopt;
  LabelSubjectRecord s;
  s.facts = facts(type, id, rows[0]);
  s.locations = id_array(rows[0][3]);
  s.scope_location = nullable<std::int64_t>(rows[0][4]);
  return s;
}

std::optional<LabelRecord> PgLabelStore::create(const NewLabel& n) {
  auto rows = txn_.exec_params(
      "WITH l AS (INSERT INTO reporting.labels (subject_type, subject_id, symbology, format, size, "
      "requested_by,"
      "             location_id, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
      "           ON CONFLICT DO NOTHING RETURNING *)"
      " SELECT " +
          label_columns + " FROM l",
      std::string(domain::to_string(n.subject_type)), n.subject_id,
      std::string(domain::to_string(n.symbology)), std::string(domain::to_string(n.format)),
      std::string(domain::to_string(n.size)), n.requested_by, n.location_id, n.request_id);
  if (rows.empty()) return std::nullopt;
  return read_label(rows[0]);
}

std::optional<LabelRecord> PgLabelStore::find(std::int64_t id, bool for_update) {
  auto rows = txn_.exec_params("SELECT " + label_columns + " FROM reporting.labels l WHERE l.id = $1" +
                                   (for_update ? " FOR UPDATE" : ""),
                               id);
  if (rows.empty()) return std::nullopt;
  return read_label(rows[0]);
}

void PgLabelStore::mark_ready(std::int64_t id, const std::string& content, const std::string& content_type,
                              const std::string& bytes) {
  txn_.exec_params(
      "UPDATE reporting.labels SET status = 'ready', content = $2, content_type = $3, bytes = decode($4, "
      "'hex'),"
      " reason = NULL, rendered_at = now() WHERE id = $1",
      id, content, content_type, hex(bytes));
}

void PgLabelStore::mark_failed(std::int64_t id, const std::optional<std::string>& content,
                               const std::string& reason) {
  txn_.exec_params(
      "UPDATE reporting.labels SET status = 'failed', content = left($2, 4000), reason = left($3, 1000),"
      " rendered_at = now() WHERE id = $1",
      id, content, reason);
}

std::optional<LabelImage> PgLabelStore::image(std::int64_t id) {
  auto rows = txn_.exec_params(
      "SELECT content_type, bytes FROM reporting.labels WHERE id = $1 AND status = 'ready'", id);
  if (rows.empty()) return std::nullopt;
  pqxx::binarystring bytes(rows[0][1]);
  return LabelImage{rows[0][0].as<std::string>(), bytes.str()};
}

PgLabelStore::PgLabelStore(UnitOfWork& unit) : txn_(unit.txn()) {}

}  // namespace ims::infra
