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

// Self-registration asks for a store-side role; admin and manufacturer are given, never asked for.
bool is_requestable_role(Role role);

// A shop-floor PIN: 4 to 8 digits.
std::optional<std::string> check_pin(const std::string& pin);

// After how many wrong PINs in a row the PIN locks (the `max_failures`th wrong one locks it).
inline bool pin_locks_after(int failures_so_far, int max_failures) {
  return failures_so_far + 1 >= max_failures;
}

// A customer's phone as stored: digits with an optional leading '+', spaces, dashes, dots and
// parentheses dropped ("+91 98200-12345" -> "+919820012345"); nullopt when it is not 6 to 20 digits.
std::optional<std::string> normalize_phone(const std::string& phone);

}  // namespace ims::domain
