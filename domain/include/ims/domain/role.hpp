#pragma once
#include <array>
#include <optional>
#include <string_view>

namespace ims::domain {

enum class Role { admin, manufacturer, cfa, stockist, retailer };

inline constexpr std::array<Role, 5> all_roles{Role::admin, Role::manufacturer, Role::cfa, Role::stockist,
                                               Role::retailer};

std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

// cfa, stockist and retailer users act only within their own location.
bool is_location_scoped(Role role);

enum class LocationKind { factory, cfa, stockist, retail };
std::string_view to_string(LocationKind kind);
std::optional<LocationKind> parse_location_kind(std::string_view text);

// The kind of location a user of this role may be bound to; nullopt when any (or none) will do.
std::optional<LocationKind> home_location_kind(Role role);

}  // namespace ims::domain
