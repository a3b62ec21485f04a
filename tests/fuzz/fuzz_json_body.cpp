// The JSON body reader and the field validators of the write endpoints: read_json_object, then
// FieldReader's readers over every field name the handlers read (api/src/handlers/*.cpp), and the
// domain checks and decimal/date helpers the handlers apply to those fields.
//
// Input: the request body, sent as application/json.
#include <cstdio>
#include <limits>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fuzz_check.hpp"
#include "ims/api/http.hpp"
#include "ims/api/input.hpp"
#include "ims/api/resource.hpp"
#include "ims/domain/catalog.hpp"
#include "ims/domain/order.hpp"
#include "ims/domain/role.hpp"
#include "ims/domain/stock.hpp"
#include "ims/domain/user_rules.hpp"
#include "ims/domain/workflow.hpp"

using ims::api::FieldReader;
using ims::domain::Quantity;
using nlohmann::json;

namespace {

struct StringField {
  const char* name;
  std::size_t max_length;
};
// (name, max length) as the handlers read them; some names appear with two limits.
constexpr StringField string_fields[] = {{"username", 64},
                                         {"password", 1024},
                                         {"password", 128},
                                         {"refresh_token", 200},
                                         {"email", 254},
                                         {"role", 32},
                                         {"sku", 64},
                                         {"name", 200},
                                         {"kind", 32},
                                         {"kind", 16},
                                         {"unit_of_measure", 16},
                                         {"category", 100},
                                         {"gtin", 14},
                                         {"code", 32},
                                         {"reason", 500},
                                         {"lot_code", 64},
                                         {"expires_on", 10},
                                         {"customer", 200},
                                         {"note", 500},
                                         {"status", 32},
                                         {"action", 32},
                                         {"phone", 40},
                                         {"payment_terms", 100},
                                         {"comment", 500}};
constexpr const char* id_fields[] = {
    "product_id",       "location_id",    "supplier_id",          "seller_location_id", "buyer_location_id",
    "from_location_id", "to_location_id", "upstream_location_id", "material_id",        "lot_id"};
constexpr const char* quantity_fields[] = {
    "quantity", "quantity_delta", "planned_quantity", "quantity_produced", "received_quantity", "min", "max"};
constexpr const char* money_fields[] = {"price", "cost", "unit_price"};

std::size_t error_count(const FieldReader& in) {
  return in.ok() ? 0 : in.error().fields.size();
}

// A problem response is always well-formed problem+json with one entry per field error.
void check_problem(const ims::api::Response& r, int status, std::size_t fields) {
  FUZZ_CHECK(r.status == status,
             "status " + std::to_string(r.status) + ", expected " + std::to_string(status));
  FUZZ_CHECK(r.content_type == "application/problem+json", r.content_type);
  const auto body = json::parse(r.body, nullptr, false);
  FUZZ_CHECK(body.is_object() && body.contains("status") && body["status"] == status, r.body);
  if (fields > 0) FUZZ_CHECK(body.contains("errors") && body["errors"].size() == fields, r.body);
}

void check_strings(const json& object) {
  FieldReader optional(object), required(object);
  for (const auto& f : string_fields) {
    const bool present = object.contains(f.name) && !object[f.name].is_null();
    const bool acceptable =
        present && object[f.name].is_string() && object[f.name].get<std::string>().size() <= f.max_length;
    const std::string what = std::string(f.name) + " (max " + std::to_string(f.max_length) + ")";

    const auto before = error_count(optional);
    const auto v = optional.optional_string(f.name, f.max_length);
    FUZZ_CHECK(v.has_value() == acceptable, "optional_string " + what);
    if (v)
      FUZZ_CHECK(v->size() <= f.max_length && *v == object[f.name].get<std::string>(),
                 "optional_string " + what);
    FUZZ_CHECK(error_count(optional) == before + (present && !acceptable ? 1 : 0),
               "optional_string errors " + what);

    const auto before_required = error_count(required);
    const auto r = required.required_string(f.name, f.max_length);
    FUZZ_CHECK(r.size() <= f.max_length && (acceptable ? r == *v : r.empty()), "required_string " + what);
    FUZZ_CHECK(error_count(required) == before_required + (acceptable ? 0 : 1),
               "required_string errors " + what);
  }
  if (!optional.ok()) check_problem(ims::api::refusal_for(optional), 422, error_count(optional));
  if (!required.ok()) check_problem(ims::api::problem(required.error()), 422, error_count(required));
}

void check_ids_and_bools(const json& object) {
  FieldReader in(object);
  for (const char* name : id_fields) {
    bool explicit_null = true;
    const auto before = error_count(in);
    const auto id = in.optional_id(name, &explicit_null);
    const bool present = object.contains(name);
    const bool is_null = present && object[name].is_null();
    std::optional<std::int64_t> expected;
    if (present && object[name].is_number_unsigned()) {
      const auto u = object[name].get<std::uint64_t>();
      if (u >= 1 && u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        expected = static_cast<std::int64_t>(u);
    } else if (present && object[name].is_number_integer() && object[name].get<std::int64_t>() >= 1) {
      expected = object[name].get<std::int64_t>();
    }
    FUZZ_CHECK(id == expected,
               std::string("optional_id ") + name + " of " + (present ? object[name].dump() : "absent"));
    FUZZ_CHECK(explicit_null == is_null, std::string("explicit_null ") + name);
    FUZZ_CHECK(error_count(in) == before + (present && !is_null && !expected ? 1 : 0),
               std::string("optional_id errors ") + name);
  }
  for (const char* name : {"is_active", "write_off", "open"}) {
    const bool present = object.contains(name) && !object[name].is_null();
    const auto b = in.optional_bool(name);
    FUZZ_CHECK(b.has_value() == (present && object[name].is_boolean()), std::string("optional_bool ") + name);
    if (b) FUZZ_CHECK(*b == object[name].get<bool>(), name);
    const bool r = in.required_bool(name);
    FUZZ_CHECK(r == b.value_or(false), std::string("required_bool ") + name);
  }
  if (!in.ok()) check_problem(ims::api::problem(in.error()), 422, error_count(in));
}

// Hinnant's civil_from_days, the inverse of day_number.
std::string civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

void check_date(const std::string& text) {
  if (!ims::api::is_calendar_date(text)) return;
  const auto day = ims::api::day_number(text);
  FUZZ_CHECK(civil_from_days(day) == text,
             text + " is day " + std::to_string(day) + " = " + civil_from_days(day));
  const auto next = civil_from_days(day + 1);
  if (next.size() == 10) {
    FUZZ_CHECK(ims::api::is_calendar_date(next) && ims::api::day_number(next) == day + 1,
               text + " then " + next);
  }
}

// The text checks the handlers run on the fields they read; accepted values must look accepted.
void check_text(const std::string& name, const std::string& s) {
  check_date(s);
  if (name == "sku" && !ims::domain::check_sku(s)) FUZZ_CHECK(!s.empty() && s.size() <= 64, s);
  if (name == "gtin" && !ims::domain::check_gtin(s)) {
    FUZZ_CHECK(s.size() == 8 || s.size() == 12 || s.size() == 13 || s.size() == 14, s);
  }
  if (name == "username" && !ims::domain::check_username(s)) FUZZ_CHECK(s.size() >= 3 && s.size() <= 64, s);
  if (name == "email" && !ims::domain::check_email(s)) {
    FUZZ_CHECK(s.find('@') != std::string::npos && s.find('@') == s.rfind('@') && s.size() <= 254, s);
  }
  if (name == "password" && !ims::domain::check_password(s)) FUZZ_CHECK(s.size() >= 12 && s.size() <= 128, s);
  if (name == "role") {
    if (auto r = ims::domain::parse_role(s)) FUZZ_CHECK(ims::domain::to_string(*r) == s, s);
  }
  if (name == "kind") {
    if (auto k = ims::domain::parse_order_kind(s)) FUZZ_CHECK(ims::domain::to_string(*k) == s, s);
    if (auto k = ims::domain::parse_location_kind(s)) FUZZ_CHECK(ims::domain::to_string(*k) == s, s);
  }
  if (name == "status") {
    if (auto v = ims::domain::parse_order_status(s)) FUZZ_CHECK(ims::domain::to_string(*v) == s, s);
    if (auto v = ims::domain::parse_batch_status(s)) FUZZ_CHECK(ims::domain::to_string(*v) == s, s);
    if (auto v = ims::domain::parse_transfer_status(s)) FUZZ_CHECK(ims::domain::to_string(*v) == s, s);
    if (auto v = ims::domain::parse_request_status(s)) FUZZ_CHECK(ims::domain::to_string(*v) == s, s);
  }
  if (name == "action") {
    if (auto a = ims::domain::parse_request_action(s)) FUZZ_CHECK(ims::domain::to_string(*a) == s, s);
  }
}

// Quantities and money come as a JSON number or a decimal string (orders.cpp read_quantity,
// products.cpp read_money, stock.cpp quantity_delta, production.cpp positive_quantity).
void check_amounts(const json& object) {
  for (const char* name : quantity_fields) {
    if (!object.contains(name)) continue;
    const auto& v = object[name];
    std::optional<Quantity> q;
    if (v.is_number()) q = Quantity::from_double(v.get<double>());
    if (v.is_string()) q = Quantity::parse(v.get<std::string>());
    if (!q) continue;
    FUZZ_CHECK(q->milli() >= -Quantity::max_milli && q->milli() <= Quantity::max_milli, v.dump());
    FUZZ_CHECK(Quantity::parse(q->to_string()) == q, v.dump() + " printed as " + q->to_string());
  }
  for (const char* name : money_fields) {
    if (!object.contains(name)) continue;
    const auto& v = object[name];
    std::optional<std::int64_t> cents;
    if (v.is_number()) cents = ims::domain::money_from_double(v.get<double>());
    if (v.is_string()) cents = ims::domain::parse_money(v.get<std::string>());
    if (!cents) continue;
    FUZZ_CHECK(*cents >= 0, v.dump());
    FUZZ_CHECK(ims::domain::parse_money(ims::domain::format_money(*cents)) == cents, v.dump());
  }
  // BOM lines: a number written with four decimals (bom_and_audit.cpp) and read back by the
  // production handler with parse_per_unit.
  if (object.contains("quantity_per_unit") && object["quantity_per_unit"].is_number()) {
    const double q = object["quantity_per_unit"].get<double>();
    if (q > 0 && q <= 1e9) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.4f", q);
      FUZZ_CHECK(ims::domain::parse_per_unit(buf).has_value(), std::string("parse_per_unit(") + buf + ")");
    }
  }
}

void check_object(const json& object, int depth) {
  check_strings(object);
  check_ids_and_bools(object);
  check_amounts(object);
  for (const auto& [name, value] : object.items()) {
    if (value.is_string()) check_text(name, value.get<std::string>());
  }
  // lines[] of orders, transfers, requests and BOMs hold objects read the same way.
  if (depth == 0 && object.contains("lines") && object["lines"].is_array()) {
    std::size_t n = 0;
    for (const auto& line : object["lines"]) {
      if (++n > 256) break;
      if (line.is_object()) check_object(line, depth + 1);
    }
  }
}

// The reader's verdict on the content type alone: only JSON media types get past it.
void check_media_type(const std::string& body, std::size_t variant) {
  static const char* types[] = {"text/plain", "", "application/x-www-form-urlencoded", "json", "+json"};
  ims::api::Request request;
  request.method = "POST";
  request.headers["content-type"] = types[variant % 5];
  request.body = body;
  json out;
  auto failure = ims::api::read_json_object(request, out);
  FUZZ_CHECK(failure && failure->status == 415, std::string("accepted content-type ") + types[variant % 5]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ims::api::Request request;
  request.method = "POST";
  request.path = "/api/v1/orders";
  request.headers["content-type"] = size % 2 ? "application/json" : "application/json; charset=utf-8";
  request.body = ims::fuzz::text_of(data, size);

  json object;
  const auto failure = ims::api::read_json_object(request, object);
  const auto reference = json::parse(request.body, nullptr, false);
  if (failure) {
    // Not JSON, not an object, or an object the reader refuses as a whole (NUL in a string, too
    // deep): always a 400 problem, never anything else.
    check_problem(*failure, 400, 0);
  } else {
    FUZZ_CHECK(!reference.is_discarded(), "accepted a body that is not JSON");
    FUZZ_CHECK(object.is_object() && object == reference,
               "accepted something that is not the body's JSON object");
    check_object(object, 0);
  }
  check_media_type(request.body, size);
  return 0;
}
