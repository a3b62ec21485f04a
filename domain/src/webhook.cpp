#include "ims/domain/webhook.hpp"

#include <algorithm>
#include <cmath>

namespace ims::domain {
namespace {

bool segment_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// Dot-separated non-empty segments of segment_char.
bool dotted_name(std::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '.') {
      if (s[i + 1] == '.') return false;
    } else if (!segment_char(s[i])) {
      return false;
    }
  }
  return true;
}

bool in_v4(const std::vector<std::uint8_t>& a, std::uint8_t b0, std::uint8_t b1, int prefix) {
  const std::uint32_t value =
      std::uint32_t(a[0]) << 24 | std::uint32_t(a[1]) << 16 | std::uint32_t(a[2]) << 8 | a[3];
  const std::uint32_t net = std::uint32_t(b0) << 24 | std::uint32_t(b1) << 16;
  const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix);
  return (value & mask) == (net & mask);
}

std::optional<std::string> refused_v4(const std::vector<std::uint8_t>& a, const std::string& shown) {
  if (a[0] == 169 && a[1] == 254 && a[2] == 169 && a[3] == 254) return "metadata address " + shown;
  if (in_v4(a, 0, 0, 8)) return "unspecified address " + shown;
  if (in_v4(a, 127, 0, 8)) return "loopback address " + shown;
  if (in_v4(a, 10, 0, 8) || in_v4(a, 172, 16, 12) || in_v4(a, 192, 168, 16))
    return "private address " + shown;
  if (in_v4(a, 169, 254, 16)) return "link-local address " + shown;
  if (in_v4(a, 100, 64, 10)) return "shared (carrier-grade NAT) address " + shown;
  if (a[0] >= 224) return "multicast or reserved address " + shown;
  return std::nullopt;
}

Error illegal(DeliveryStatus from, std::string_view verb) {
  return Error::of(ErrorCode::conflict,
                   "a " + std::string(to_string(from)) + " delivery cannot be " + std::string(verb));
}

}  // namespace

bool webhook_pattern_matches(std::string_view pattern, std::string_view type) {
  if (pattern == "*") return true;
  if (pattern.size() >= 2 && pattern.substr(pattern.size() - 2) == ".*") {
    const auto prefix = pattern.substr(0, pattern.size() - 1);  // keeps the dot
    return type.size() > prefix.size() && type.substr(0, prefix.size()) == prefix;
  }
  return pattern == type;
}

bool webhook_wants(const std::vector<std::string>& patterns, std::string_view type) {
  return std::any_of(patterns.begin(), patterns.end(),
                     [&](const std::string& p) { return webhook_pattern_matches(p, type); });
}

std::optional<std::string> check_webhook_pattern(std::string_view p) {
  if (p == "*") return std::nullopt;
  if (p.size() > 100) return "must be at most 100 characters";
  const auto name = p.size() >= 2 && p.substr(p.size() - 2) == ".*" ? p.substr(0, p.size() - 2) : p;
  if (!dotted_name(name))
    return "must be an event type such as order.created, a prefix such as order.*, or *";
  return std::nullopt;
}

Result<WebhookTarget> parse_webhook_url(std::string_view url) {
  auto bad = [](std::string why) { return Error::validation({{"url", std::move(why)}}); };
  if (url.size() > webhook_url_max) return bad("must be at most 2000 characters");
  WebhookTarget t;
  std::string_view rest;
  if (url.substr(0, 7) == "http://") {
    t = {"http", "", 80}, rest = url.substr(7);
  } else if (url.substr(0, 8) == "https://") {
    t = {"https", "", 443}, rest = url.substr(8);
  } else {
    return bad("must be an http:// or https:// URL");
  }
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return bad("must not contain spaces or control characters");
  auto authority = rest.substr(0, rest.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return bad("must not contain credentials");
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad("has an unclosed IPv6 address");
    t.host = std::string(authority.substr(1, close - 1));
    auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return bad("has a malformed host");
    if (!after.empty()) port = after.substr(1);
  } else {
    const auto colon = authority.find(':');
    t.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  if (t.host.empty() || t.host.size() > 253) return bad("must name a host");
  if (!port.empty() || authority.find(':') != std::string_view::npos) {
    if (port.empty() || port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return bad("has a malformed port");
    t.port = std::stoi(std::string(port));
    if (t.port < 1 || t.port > 65535) return bad("has a port outside 1–65535");
  }
  return t;
}

std::string to_string(const IpAddress& address) {
  const auto& b = address.bytes;
  if (b.size() == 4)
    return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." +
           std::to_string(b[3]);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) {
    if (i) out += ':';
    const unsigned group = unsigned(b[i]) << 8 | b[i + 1];
    std::string g;
    for (int shift = 12; shift >= 0; shift -= 4) g += hex[(group >> shift) & 15];
    g.erase(0, std::min(g.find_first_not_of('0'), g.size() - 1));
    out += g;
  }
  return out;
}

std::optional<std::string> refused_webhook_address(const IpAddress& address) {
  const auto& b = address.bytes;
  const auto shown = to_string(address);
  if (b.size() == 4) return refused_v4(b, shown);
  if (b.size() != 16) return "unknown address family";
  const bool zero_prefix = std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; });
  if (zero_prefix && b[10] == 0xff && b[11] == 0xff) return refused_v4({b[12], b[13], b[14], b[15]}, shown);
  const bool zero_head = std::all_of(b.begin(), b.begin() + 15, [](std::uint8_t x) { return x == 0; });
  if (zero_head && b[15] == 0) return "unspecified address " + shown;
  if (zero_head && b[15] == 1) return "loopback address " + shown;
  if ((b[0] & 0xfe) == 0xfc) return "private address " + shown;
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local address " + shown;
  if (b[0] == 0xff) return "multicast address " + shown;
  return std::nullopt;
}

std::optional<std::int64_t> webhook_retry_delay_ms(int attempts, std::int64_t elapsed_ms,
                                                   std::int64_t window_ms, std::int64_t base_ms,
                                                   double jitter) {
  constexpr std::int64_t cap = 3'600'000;
  const int doublings = std::clamp(attempts - 1, 0, 40);
  const double raw = std::min<double>(double(base_ms) * std::pow(2.0, doublings), double(cap));
  const auto delay = std::max<std::int64_t>(1, std::llround(raw * (0.5 + std::clamp(jitter, 0.0, 1.0) / 2)));
  if (elapsed_ms + delay > window_ms) return std::nullopt;
  return delay;
}

std::string_view to_string(DeliveryStatus s) {
  switch (s) {
    case DeliveryStatus::pending:
      return "pending";
    case DeliveryStatus::delivered:
      return "delivered";
    case DeliveryStatus::failed:
      return "failed";
  }
  return "pending";
}

std::optional<DeliveryStatus> parse_delivery_status(std::string_view t) {
  if (t == "pending") return DeliveryStatus::pending;
  if (t == "delivered") return DeliveryStatus::delivered;
  if (t == "failed") return DeliveryStatus::failed;
  return std::nullopt;
}

Result<DeliveryStatus> deliver(DeliveryStatus from) {
  if (from != DeliveryStatus::pending) return illegal(from, "delivered");
  return DeliveryStatus::delivered;
}

Result<DeliveryStatus> fail_delivery(DeliveryStatus from) {
  if (from != DeliveryStatus::pending) return illegal(from, "failed");
  return DeliveryStatus::failed;
}

Result<DeliveryStatus> replay_delivery(DeliveryStatus from) {
  if (from == DeliveryStatus::pending) return illegal(from, "replayed while its attempts go on");
  return DeliveryStatus::pending;
}

}  // namespace ims::domain
