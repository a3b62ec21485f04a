#pragma once
// Private to the domain's sources: an enum's names as a table of {value, name} pairs, read both ways.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace ims::domain::detail {

// The value named `text`, or nullopt.
template <typename E, std::size_t N>
std::optional<E> parse_name(const std::array<std::pair<E, std::string_view>, N>& names,
                            std::string_view text) {
  for (const auto& [value, name] : names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

// The name of `value`, or `missing` when the table has none.
template <typename E, std::size_t N>
std::string_view name_of(const std::array<std::pair<E, std::string_view>, N>& names, E value,
                         std::string_view missing) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return missing;
}

}  // namespace ims::domain::detail
