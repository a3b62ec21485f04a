#include "ims/domain/user_rules.hpp"

#include <algorithm>
#include <cctype>

namespace ims::domain {

std::optional<std::string> check_username(const std::string& username) {
  if (username.size() < 3 || username.size() > 64) return "must be 3 to 64 characters";
  auto allowed = [](unsigned char c) {
    return std::islower(c) || std::isdigit(c) || c == '.' || c == '_' || c == '-';
  };
  if (!std::all_of(username.begin(), username.end(), allowed)) {
    return "may contain only lowercase letters, digits, '.', '_' and '-'";
  }
  return std::nullopt;
}

std::optional<std::string> check_email(const std::string& email) {
  if (email.size() > 254) return "must be at most 254 characters";
  const auto at = email.find('@');
  if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos) {
    return "must be an email address";
  }
  const auto dot = email.find('.', at + 2);
  if (dot == std::string::npos || dot + 1 >= email.size()) return "must be an email address";
  if (std::any_of(email.begin(), email.end(), [](unsigned char c) { return std::isspace(c); })) {
    return "must not contain spaces";
  }
  // Control characters (found by the HTTP fuzzer: "a@example.com\u0001" was accepted).
  if (std::any_of(email.begin(), email.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return "must not contain control characters";
  }
  return std::nullopt;
}

std::optional<std::string> check_password(const std::string& password) {
  if (password.size() < min_password_length) {
    return "must be at least " + std::to_string(min_password_length) + " characters";
  }
  if (password.size() > max_password_length) {
    return "must be at most " + std::to_string(max_password_length) + " characters";
  }
  return std::nullopt;
}

std::optional<std::string> check_role_location(Role role, std::optional<LocationKind> location_kind,
                                               bool location_given) {
  const auto home = home_location_kind(role);
  if (is_location_scoped(role) && !location_given) {
    return std::string("is required for role ") + std::string(to_string(role));
  }
  if (location_given && !location_kind) return "does not exist";
  if (location_given && home && *home != *location_kind) {
    return std::string("must be a ") + std::string(to_string(*home)) + " location for role " +
           std::string(to_string(role));
  }
  return std::nullopt;
}

bool is_requestable_role(Role role) {
  return role == Role::cfa || role == Role::stockist || role == Role::retailer;
}

std::optional<std::string> check_pin(const std::string& pin) {
  if (pin.size() < 4 || pin.size() > 8 ||
      !std::all_of(pin.begin(), pin.end(), [](unsigned char c) { return c >= '0' && c <= '9'; })) {
    return "must be 4 to 8 digits";
  }
  return std::nullopt;
}

std::optional<std::string> normalize_phone(const std::string& phone) {
  std::string out;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    const auto c = static_cast<unsigned char>(phone[i]);
    if (c >= '0' && c <= '9') {
      out.push_back(static_cast<char>(c));
    } else if (c == '+' && out.empty() && i == phone.find_first_not_of(' ')) {
      out.push_back('+');
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return std::nullopt;
    }
  }
  const auto digits = out.size() - (!out.empty() && out[0] == '+' ? 1 : 0);
  if (digits < 6 || digits > 20) return std::nullopt;
  return out;
}

}  // namespace ims::domain
