#include "ims/domain/workflow.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <utility>

namespace ims::domain {
namespace {

template <typename S, std::size_t N>
bool allowed(const std::array<std::pair<S, S>, N>& moves, S from, S to) {
  return std::find(moves.begin(), moves.end(), std::pair{from, to}) != moves.end();
}

template <typename S>
Error illegal(std::string_view what, S from, S to) {
  return Error::of(ErrorCode::conflict, std::string("a ") + std::string(what) + " cannot go from " +
                                            std::string(to_string(from)) + " to " +
                                            std::string(to_string(to)));
}

template <typename S, std::size_t N>
std::optional<S> parse(std::string_view text, const std::array<S, N>& all) {
  for (auto s : all) {
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

// Products of two exact quantities (or money × quantity) can exceed 64 bits before scaling back.
__extension__ using Wide = __int128;

using B = BatchStatus;
using R = RequestStatus;
using T = TransferStatus;

constexpr std::array<B, 5> all_batch{B::planned, B::in_progress, B::completed, B::qc_failed, B::canceled};
constexpr std::array<R, 7> all_request{R::pending, R::approved, R::executed, R::failed,
                                       R::denied,  R::canceled, R::expired};
constexpr std::array<T, 5> all_transfer{T::pending, T::in_transit, T::arrived, T::completed, T::canceled};
constexpr std::array<RequestAction, 3> all_actions{RequestAction::transfer, RequestAction::adjustment,
                                                   RequestAction::write_off};

constexpr std::array<std::pair<B, B>, 5> batch_moves{{
    {B::planned, B::in_progress},
    {B::in_progress, B::completed},
    {B::in_progress, B::qc_failed},
    {B::completed, B::qc_failed},
    {B::planned, B::canceled},
}};
constexpr std::array<std::pair<R, R>, 6> request_moves{{
    {R::pending, R::approved},
    {R::approved, R::executed},
    {R::approved, R::failed},
    {R::pending, R::denied},
    {R::pending, R::canceled},
    {R::pending, R::expired},
}};
constexpr std::array<std::pair<T, T>, 4> transfer_moves{{
    {T::pending, T::in_transit},
    {T::in_transit, T::arrived},
    {T::arrived, T::completed},
    {T::pending, T::canceled},
}};

}  // namespace

std::string_view to_string(BatchStatus s) {
  switch (s) {
    case B::planned:
      return "planned";
    case B::in_progress:
      return "in_progress";
    case B::completed:
      return "completed";
    case B::qc_failed:
      return "qc_failed";
    case B::canceled:
      return "canceled";
  }
  return "unknown";
}

std::string_view to_string(RequestStatus s) {
  switch (s) {
    case R::pending:
      return "pending";
    case R::approved:
      return "approved";
    case R::executed:
      return "executed";
    case R::failed:
      return "failed";
    case R::denied:
      return "denied";
    case R::canceled:
      return "canceled";
    case R::expired:
      return "expired";
  }
  return "unknown";
}

std::string_view to_string(RequestAction a) {
  switch (a) {
    case RequestAction::transfer:
      return "transfer";
    case RequestAction::adjustment:
      return "adjustment";
    case RequestAction::write_off:
      return "write_off";
  }
  return "unknown";
}

std::string_view to_string(TransferStatus s) {
  switch (s) {
    case T::pending:
      return "pending";
    case T::in_transit:
      return "in_transit";
    case T::arrived:
      return "arrived";
    case T::completed:
      return "completed";
    case T::canceled:
      return "canceled";
  }
  return "unknown";
}

std::optional<BatchStatus> parse_batch_status(std::string_view text) {
  return parse(text, all_batch);
}
std::optional<RequestStatus> parse_request_status(std::string_view text) {
  return parse(text, all_request);
}
std::optional<RequestAction> parse_request_action(std::string_view text) {
  return parse(text, all_actions);
}
std::optional<TransferStatus> parse_transfer_status(std::string_view text) {
  return parse(text, all_transfer);
}

Result<BatchStatus> transition(BatchStatus from, BatchStatus to) {
  if (!allowed(batch_moves, from, to)) return illegal("production batch", from, to);
  return to;
}

Result<RequestStatus> transition(RequestStatus from, RequestStatus to) {
  if (!allowed(request_moves, from, to)) return illegal("request", from, to);
  return to;
}

Result<TransferStatus> transition(TransferStatus from, TransferStatus to) {
  if (!allowed(transfer_moves, from, to)) return illegal("transfer", from, to);
  return to;
}

bool holds_stock(RequestStatus s) {
  return s == R::pending || s == R::approved;
}

std::vector<MaterialNeed> material_needs(const std::vector<BomLine>& bom, Quantity quantity,
                                         const std::vector<std::pair<std::int64_t, Quantity>>& available) {
  std::map<std::int64_t, Quantity> have(available.begin(), available.end());
  std::vector<MaterialNeed> needs;
  for (const auto& line : bom) {
    // e4 × milli / 10,000 = milli, rounded up: never book less than was used.
    const auto product = static_cast<Wide>(line.per_unit_e4) * quantity.milli();
    const auto milli = static_cast<std::int64_t>((product + 9'999) / 10'000);
    needs.push_back({line.material_id, Quantity::from_milli(milli), have[line.material_id]});
  }
  return needs;
}

std::optional<std::int64_t> parse_per_unit(const std::string& text) {
  const auto dot = text.find('.');
  const auto whole = text.substr(0, dot);
  const auto frac = dot == std::string::npos ? std::string() : text.substr(dot + 1);
  if (whole.empty() && frac.empty()) return std::nullopt;
  if (whole.size() > 10 || frac.size() > 4) return std::nullopt;
  std::int64_t v = 0;
  for (char c : whole + frac + std::string(4 - frac.size(), '0')) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::vector<MaterialNeed> shortages(const std::vector<MaterialNeed>& needs) {
  std::vector<MaterialNeed> out;
  std::copy_if(needs.begin(), needs.end(), std::back_inserter(out),
               [](const auto& n) { return n.needed > n.available; });
  return out;
}

std::string describe_shortages(const std::vector<MaterialNeed>& short_ones,
                               const std::vector<std::pair<std::int64_t, std::string>>& names) {
  std::map<std::int64_t, std::string> name_of(names.begin(), names.end());
  std::string out;
  for (const auto& n : short_ones) {
    const auto it = name_of.find(n.material_id);
    const auto name = it == name_of.end() ? "material " + std::to_string(n.material_id) : it->second;
    if (!out.empty()) out += "; ";
    out += name + " short by " + n.shortage().to_string() + " (needs " + n.needed.to_string() + ", has " +
           n.available.to_string() + ")";
  }
  return out;
}

std::int64_t cost_per_unit_cents(const std::vector<BomLine>& bom) {
  // Σ cents × e4, then / 10,000 rounded half up.
  Wide total = 0;
  for (const auto& line : bom) total += static_cast<Wide>(line.cost_cents) * line.per_unit_e4;
  return static_cast<std::int64_t>((total + 5'000) / 10'000);
}

}  // namespace ims::domain
