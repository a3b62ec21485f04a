#include "ims/domain/role.hpp"

namespace ims::domain {

std::string_view to_string(Role role) {
  switch (role) {
    case Role::admin:
      return "admin";
    case Role::manufacturer:
      return "manufacturer";
    case Role::cfa:
      return "cfa";
    case Role::stockist:
      return "stockist";
    case Role::retailer:
      return "retailer";
  }
  return "unknown";
}

std::optional<Role> parse_role(std::string_view text) {
  for (Role r : all_roles) {
    if (to_string(r) == text) return r;
  }
  return std::nullopt;
}

bool is_location_scoped(Role role) {
  return role == Role::cfa || role == Role::stockist || role == Role::retailer;
}

std::string_view to_string(LocationKind kind) {
  switch (kind) {
    case LocationKind::factory:
      return "factory";
    case LocationKind::cfa:
      return "cfa";
    case LocationKind::stockist:
      return "stockist";
    case LocationKind::retail:
      return "retail";
  }
  return "unknown";
}

std::optional<LocationKind> parse_location_kind(std::string_view text) {
  for (auto k : {LocationKind::factory, LocationKind::cfa, LocationKind::stockist, LocationKind::retail}) {
    if (to_string(k) == text) return k;
  }
  return std::nullopt;
}

std::optional<LocationKind> home_location_kind(Role role) {
  switch (role) {
    case Role::manufacturer:
      return LocationKind::factory;
    case Role::cfa:
      return LocationKind::cfa;
    case Role::stockist:
      return LocationKind::stockist;
    case Role::retailer:
      return LocationKind::retail;
    case Role::admin:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace ims::domain
