#pragma once
// Validation of user accounts: what a username, an email and a password must look like, and which
// location a user of each role may be bound to.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ims/domain/result.hpp"
#include "ims/domain/role.hpp"

namespace ims::domain {

inline constexpr std::size_t min_password_length = 12;
inline constexpr std::size_t max_password_length = 128;

std::optional<std::string> check_username(const std::string& username);
std::optional<std::string> check_email(const std::string& email);
std::optional<std::string> check_password(const std::string& password);

// A cfa/stockist/retailer user needs a location of the matching kind; a manufacturer's location,
// if given, must be a factory; an admin may have any location or none.
std::optional<std::string> check_role_location(Role role, std::optional<LocationKind> location_kind,
                                               bool location_given);

}  // namespace ims::domain
