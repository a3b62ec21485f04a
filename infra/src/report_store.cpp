#include "ims/infra/report_store.hpp"

#include "ims/infra/pg.hpp"

namespace ims::infra {
namespace {

using domain::ReportType;
using nlohmann::json;

std::string utc(const std::string& column) {
  return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')";
}

const std::string report_columns_sql =
    "r.id, r.type, r.format, r.params::text, r.status, r.location_id, r.requested_by, r.file_name, "
    "r.row_count,"
    " r.size_bytes, r.reason, " +
    utc("r.created_at") + ", " + utc("r.finished_at");

template <typename E>
E parsed(std::optional<E> value, const char* what) {
  if (!value) throw std::runtime_error(std::string("reporting.reports holds an unknown ") + what);
  return *value;
}

ReportRecord read_report(const pqxx::row& r) {
  ReportRecord out;
  out.id = r[0].as<std::int64_t>();
  out.type = parsed(domain::parse_report_type(r[1].as<std::string>()), "type");
  out.format = parsed(domain::parse_report_format(r[2].as<std::string>()), "format");
  auto params = report_params_from_json(json::parse(r[3].as<std::string>()));
  if (!params) throw std::runtime_error("reporting.reports holds unreadable params");
  out.params = *params;
  out.status = parsed(domain::parse_report_status(r[4].as<std::string>()), "status");
  out.location_id = nullable<std::int64_t>(r[5]);
  out.requested_by = nullable<std::int64_t>(r[6]);
  out.file_name = nullable<std::string>(r[7]);
  out.row_count = nullable<std::int64_t>(r[8]);
  out.size_bytes = nullable<std::int64_t>(r[9]);
  out.reason = nullable<std::string>(r[10]);
  out.created_at = r[11].as<std::string>();
  out.finished_at = nullable<std::string>(r[12]);
  return out;
}

// A numeric without trailing zeros, money with at least two decimals; exact either way.
std::string exact(const std::string& expr, int min_scale = 0) {
  if (min_scale == 0) return "trim_scale(" + expr + ")::text";
  return "round(" + expr + ", greatest(" + std::to_string(min_scale) + ", scale(trim_scale(" + expr +
         "))))::text";
}

// Every query sees its parameters as p(f, t, loc, days), so each binds the same four.
const std::string params_cte =
    "WITH p AS (SELECT $1::date AS f, $2::date AS t, $3::bigint AS loc, $4::int AS days) ";

std::string daily_sales_query() {
  return params_cte +
         "SELECT (o.created_at AT TIME ZONE 'UTC')::date::text, o.seller_location_id, lc.code,"
         " count(DISTINCT o.id), count(l.id), " +
         exact("sum(l.quantity)") + ", " + exact("sum(l.amount)", 2) +
         " FROM sales.orders o JOIN sales.order_lines l ON l.order_id = o.id"
         " JOIN inventory.locations lc ON lc.id = o.seller_location_id, p"
         " WHERE o.kind = 'sale' AND o.status IN ('confirmed', 'processing', 'shipped', 'delivered')"
         "   AND (o.created_at AT TIME ZONE 'UTC')::date"
         "       BETWEEN coalesce(p.f, current_date - 29) AND coalesce(p.t, current_date)"
         "   AND (p.loc IS NULL OR o.seller_location_id = p.loc)"
         " GROUP BY 1, 2, 3 ORDER BY 1, 3";
}

std::string stock_valuation_query() {
  return params_cte +
         ", s AS (SELECT s.location_id, s.product_id, sum(s.on_hand) AS on_hand FROM inventory.stock s, p"
         "        WHERE p.loc IS NULL OR s.location_id = p.loc GROUP BY 1, 2)"
         " SELECT CASE WHEN grouping(lc.id) = 1 THEN 'total' WHEN grouping(pr.id) = 1 THEN 'subtotal'"
         "             ELSE 'item' END,"
         " lc.id, lc.code, lc.name, pr.id, pr.sku, pr.name,"
         " CASE WHEN grouping(pr.id) = 0 THEN " +
         exact("sum(s.on_hand)") + " END, CASE WHEN grouping(pr.id) = 0 THEN " + exact("min(pr.cost)", 2) +
         " END, " + exact("coalesce(sum(s.on_hand * pr.cost), 0)", 2) +
         " FROM s JOIN catalog.products pr ON pr.id = s.product_id"
         " JOIN inventory.locations lc ON lc.id = s.location_id"
         " GROUP BY GROUPING SETS ((lc.id, lc.code, lc.name, pr.id, pr.sku, pr.name), (lc.id, lc.code, "
         "lc.name), ())"
         " ORDER BY grouping(lc.id), lc.code, grouping(pr.id), pr.sku";
}

std::string movements_query() {
  return params_cte + "SELECT " + utc("m.at") + ", m.id, lc.code, pr.sku, pr.name, lt.lot_code, " +
         exact("m.quantity") +
         ", m.reason, m.reference, u.username, m.message_id"
         " FROM inventory.movements m JOIN catalog.products pr ON pr.id = m.product_id"
         " JOIN inventory.locations lc ON lc.id = m.location_id"
         " LEFT JOIN inventory.lots lt ON lt.id = m.lot_id LEFT JOIN auth.users u ON u.id = m.actor_id, p"
         " WHERE m.at >= (coalesce(p.f, current_date - 29)::timestamp AT TIME ZONE 'UTC')"
         "   AND m.at < ((coalesce(p.t, current_date) + 1)::timestamp AT TIME ZONE 'UTC')"
         "   AND (p.loc IS NULL OR m.location_id = p.loc)"
         " ORDER BY m.at, m.id";
}

std::string low_stock_query() {
  return params_cte + "SELECT lc.code, lc.name, pr.sku, pr.name, " + exact("coalesce(st.on_hand, 0)") + ", " +
         exact("coalesce(st.reserved, 0)") + ", " + exact("coalesce(st.on_hand - st.reserved, 0)") + ", " +
         exact("r.min_quantity") + ", " + exact("r.max_quantity") + ", " +
         exact("r.max_quantity - coalesce(st.on_hand - st.reserved, 0)") +
         " FROM inventory.reorder_rules r JOIN catalog.products pr ON pr.id = r.product_id"
         " JOIN inventory.locations lc ON lc.id = r.location_id"
         " LEFT JOIN LATERAL (SELECT sum(s.on_hand) AS on_hand, sum(s.reserved) AS reserved"
         "                    FROM inventory.stock s"
         "                    WHERE s.product_id = r.product_id AND s.location_id = r.location_id) st ON "
         "true, p"
         " WHERE (p.loc IS NULL OR r.location_id = p.loc)"
         "   AND coalesce(st.on_hand - st.reserved, 0) <= r.min_quantity"
         " ORDER BY lc.code, pr.sku";
}

std::string expiry_query() {
  return params_cte +
         "SELECT lt.lot_code, pr.sku, pr.name, lc.code, lt.expires_on::text, lt.expires_on - "
         "current_date, " +
         exact("s.on_hand") + ", " + exact("s.reserved") +
         " FROM inventory.stock s JOIN inventory.lots lt ON lt.id = s.lot_id"
         " JOIN catalog.products pr ON pr.id = s.product_id JOIN inventory.locations lc ON lc.id = "
         "s.location_id, p"
         " WHERE lt.expires_on IS NOT NULL AND lt.expires_on <= current_date + coalesce(p.days, 30)"
         "   AND s.on_hand > 0 AND (p.loc IS NULL OR s.location_id = p.loc)"
         " ORDER BY lt.expires_on, lc.code, pr.sku, lt.lot_code";
}

std::string query_of(ReportType type) {
  switch (type) {
    case ReportType::daily_sales:
      return daily_sales_query();
    case ReportType::stock_valuation:
      return stock_valuation_query();
    case ReportType::movements:
      return movements_query();
    case ReportType::low_stock:
      return low_stock_query();
    case ReportType::expiry:
      return expiry_query();
  }
  return "";
}

ReportRow cells(const pqxx::row& r) {
  ReportRow row;
  row.reserve(r.size());
  for (const auto& f : r) row.push_back(f.is_null() ? std::nullopt : std::optional<std::string>(f.c_str()));
  return row;
}

}  // namespace

const std::vector<ReportColumn>& report_columns(ReportType type) {
  using K = ColumnKind;
  static const std::vector<ReportColumn> daily{
      {"day", K::text},      {"location_id", K::integer}, {"location_code", K::text}, {"orders", K::integer},
      {"lines", K::integer}, {"quantity", K::decimal},    {"revenue", K::decimal}};
  static const std::vector<ReportColumn> valuation{{"row_type", K::text},      {"location_id", K::integer},
                                                   {"location_code", K::text}, {"location_name", K::text},
                                                   {"product_id", K::integer}, {"sku", K::text},
                                                   {"product_name", K::text},  {"on_hand", K::decimal},
                                                   {"unit_cost", K::decimal},  {"value", K::decimal}};
  static const std::vector<ReportColumn> movements{
      {"at", K::text},           {"movement_id", K::integer}, {"location_code", K::text}, {"sku", K::text},
      {"product_name", K::text}, {"lot_code", K::text},       {"quantity", K::decimal},   {"reason", K::text},
      {"reference", K::text},    {"actor", K::text},          {"message_id", K::text}};
  static const std::vector<ReportColumn> low{{"location_code", K::text}, {"location_name", K::text},
                                             {"sku", K::text},           {"product_name", K::text},
                                             {"on_hand", K::decimal},    {"reserved", K::decimal},
                                             {"available", K::decimal},  {"min", K::decimal},
                                             {"max", K::decimal},        {"shortfall", K::decimal}};
  static const std::vector<ReportColumn> expiry{{"lot_code", K::text},     {"sku", K::text},
                                                {"product_name", K::text}, {"location_code", K::text},
                                                {"expires_on", K::text},   {"days_left", K::integer},
                                                {"on_hand", K::decimal},   {"reserved", K::decimal}};
  switch (type) {
    case ReportType::daily_sales:
      return daily;
    case ReportType::stock_valuation:
      return valuation;
    case ReportType::movements:
      return movements;
    case ReportType::low_stock:
      return low;
    case ReportType::expiry:
      return expiry;
  }
  return daily;
}

std::optional<ReportRecord> PgReportStore::create(const NewReport& n) {
  auto rows = txn_.exec_params(
      "WITH r AS (INSERT INTO reporting.reports (type, format, params, location_id, requested_by, "
      "source_event,"
      "                                          request_id)"
      "           VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7) ON CONFLICT DO NOTHING RETURNING *)"
      " SELECT " +
          report_columns_sql + " FROM r",
      std::string(domain::to_string(n.type)), std::string(domain::to_string(n.format)),
      to_json(n.params).dump(), n.location_id, n.requested_by, n.source_event, n.request_id);
  if (rows.empty()) return std::nullopt;
  return read_report(rows[0]);
}

std::optional<ReportRecord> PgReportStore::find(std::int64_t id, bool for_update) {
  auto rows = txn_.exec_params("SELECT " + report_columns_sql + " FROM reporting.reports r WHERE r.id = $1" +
                                   (for_update ? " FOR UPDATE" : ""),
                               id);
  if (rows.empty()) return std::nullopt;
  return read_report(rows[0]);
}

std::vector<ReportRecord> PgReportStore::list(std::optional<std::int64_t> location_id,
                                              std::optional<std::int64_t> before_id, int limit) {
  // reports_location (location_id, id DESC) serves a location's page; the primary key the rest.
  const auto rows = txn_.exec_params("SELECT " + report_columns_sql +
                                         " FROM reporting.reports r"
                                         " WHERE ($1::bigint IS NULL OR r.location_id = $1)"
                                         "   AND ($2::bigint IS NULL OR r.id < $2)"
                                         " ORDER BY r.id DESC LIMIT $3",
                                     location_id, before_id, limit);
  std::vector<ReportRecord> out;
  out.reserve(rows.size());
  for (const auto& row : rows) out.push_back(read_report(row));
  return out;
}

bool PgReportStore::location_exists(std::int64_t id) {
  return !txn_.exec_params("SELECT 1 FROM inventory.locations WHERE id = $1", id).empty();
}

std::vector<std::int64_t> PgReportStore::selling_locations() {
  std::vector<std::int64_t> out;
  for (const auto& r :
       txn_.exec("SELECT id FROM inventory.locations WHERE kind IN ('stockist', 'retail') ORDER BY id"))
    out.push_back(r[0].as<std::int64_t>());
  return out;
}

void PgReportStore::mark_ready(std::int64_t id, const std::string& file_name, std::int64_t row_count,
                               std::int64_t size_bytes) {
  txn_.exec_params(
      "UPDATE reporting.reports SET status = 'ready', file_name = $2, row_count = $3, size_bytes = $4,"
      " reason = NULL, finished_at = now() WHERE id = $1",
      id, file_name, row_count, size_bytes);
}

void PgReportStore::mark_failed(std::int64_t id, const std::string& reason) {
  txn_.exec_params(
      "UPDATE reporting.reports SET status = 'failed', reason = left($2, 1000), finished_at = now() WHERE id "
      "= $1",
      id, reason);
}

std::optional<LocationName> PgReportStore::location_name(std::int64_t id) {
  auto rows = txn_.exec_params("SELECT code, name FROM inventory.locations WHERE id = $1", id);
  if (rows.empty()) return std::nullopt;
  return LocationName{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
}

std::vector<ReportRecipient> PgReportStore::location_recipients(std::int64_t location_id) {
  std::vector<ReportRecipient> out;
  for (const auto& r : txn_.exec_params(
           "SELECT id, email FROM auth.users WHERE is_active AND email_alerts AND location_id = $1"
           " AND position('@' IN email) > 1 AND email !~ '[\\r\\n]' ORDER BY id",
           location_id))
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>()});
  return out;
}

void PgReportStore::queue_email(const QueuedReportEmail& e) {
  txn_.exec_params(
      "INSERT INTO reporting.email_deliveries (report_id, user_id, recipient, subject, body_text, body_html,"
      " message_id) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (message_id) DO NOTHING",
      e.report_id, e.user_id, e.recipient, e.subject, e.text, e.html, e.message_id);
  txn_.exec("SELECT pg_notify('ims_email', '')");  // wakes the sender at commit
}

std::vector<ExpiredReport> PgReportStore::expire_ready(int retention_days, int limit) {
  std::vector<ExpiredReport> out;
  for (const auto& r :
       txn_.exec_params("WITH old AS (SELECT id FROM reporting.reports WHERE status = 'ready'"
                        " AND finished_at < now() - make_interval(days => $1) ORDER BY finished_at LIMIT $2"
                        " FOR UPDATE SKIP LOCKED)"
                        " UPDATE reporting.reports r SET status = 'expired', expired_at = now() FROM old "
                        "WHERE r.id = old.id"
                        " RETURNING r.id, r.file_name",
                        retention_days, limit))
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>()});
  return out;
}

std::vector<std::string> PgReportStore::files_expired_within(int hours) {
  std::vector<std::string> out;
  for (const auto& r : txn_.exec_params("SELECT file_name FROM reporting.reports WHERE status = 'expired'"
                                        " AND expired_at > now() - make_interval(hours => $1) ORDER BY id",
                                        hours))
    out.push_back(r[0].as<std::string>());
  return out;
}

std::optional<std::string> PgReportSource::stream(const ReportQuery& q, RowSink& sink) {
  const std::optional<std::int64_t> days = q.params.days;
  try {
    pqxx::subtransaction sub(txn_, "report");
    sub.exec_params("DECLARE ims_report NO SCROLL CURSOR FOR " + query_of(q.type), q.params.from, q.params.to,
                    q.location_id, days);
    for (bool more = true; more;) {
      auto batch = sub.exec("FETCH 1000 FROM ims_report");
      for (const auto& r : batch) {
        if (!sink.row(cells(r))) {
          more = false;
          break;
        }
      }
      if (batch.size() < 1000) more = false;
    }
    sub.exec("CLOSE ims_report");
    sub.commit();
    return std::nullopt;
  } catch (const pqxx::transaction_rollback&) {
    throw;  // serialization failure or deadlock: the whole unit of work is retried
  } catch (const pqxx::sql_error& e) {
    return std::string("the database refused the report: ") + e.what();
  }
}

json to_json(const domain::ReportParams& p) {
  json out = json::object();
  if (p.from) out["from"] = *p.from;
  if (p.to) out["to"] = *p.to;
  if (p.location_id) out["location_id"] = *p.location_id;
  if (p.days) out["days"] = *p.days;
  return out;
}

domain::Result<domain::ReportParams> report_params_from_json(const json& params) {
  std::vector<domain::FieldError> errors;
  domain::ReportParams p;
  if (params.is_null()) return p;
  if (!params.is_object()) return domain::Error::validation({{"params", "must be an object"}});
  auto text = [&](const char* field, std::optional<std::string>& into) {
    if (!params.contains(field) || params[field].is_null()) return;
    if (params[field].is_string() && params[field].get_ref<const std::string&>().size() <= 32)
      into = params[field].get<std::string>();
    else
      errors.push_back({std::string("params.") + field, "must be a date, YYYY-MM-DD"});
  };
  text("from", p.from);
  text("to", p.to);
  if (params.contains("location_id") && !params["location_id"].is_null()) {
    if (params["location_id"].is_number_integer() && params["location_id"].get<std::int64_t>() > 0)
      p.location_id = params["location_id"].get<std::int64_t>();
    else
      errors.push_back({"params.location_id", "must be a positive integer id"});
  }
  if (params.contains("days") && !params["days"].is_null()) {
    const auto& d = params["days"];
    if (d.is_number_integer() && d.get<std::int64_t>() >= 0 &&
        d.get<std::int64_t>() <= domain::max_report_days)
      p.days = static_cast<int>(d.get<std::int64_t>());
    else
      errors.push_back(
          {"params.days", "must be an integer, 0 to " + std::to_string(domain::max_report_days)});
  }
  for (const auto& [key, value] : params.items()) {
    if (key != "from" && key != "to" && key != "location_id" && key != "days")
      errors.push_back({"params." + key, "is not a report parameter"});
  }
  if (!errors.empty()) return domain::Error::validation(std::move(errors));
  return p;
}

PgReportStore::PgReportStore(UnitOfWork& unit) : txn_(unit.txn()) {}

}  // namespace ims::infra
