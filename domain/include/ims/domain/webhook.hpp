#pragma once
// Outbound webhooks: which events a subscription wants, which target URLs and addresses are
// acceptable (no loopback, private, link-local or metadata addresses unless allowed), how long to
// wait before the next attempt, and a delivery's lifecycle. Pure: no I/O, no clock, no randomness
// (callers pass the time elapsed and the jitter).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ims/domain/result.hpp"

namespace ims::domain {

inline constexpr std::size_t webhook_url_max = 2000;
inline constexpr std::size_t webhook_event_types_max = 50;

// "*" matches every event; "order.*" every event whose type starts with "order."; anything else
// matches that exact type.
bool webhook_pattern_matches(std::string_view pattern, std::string_view event_type);
bool webhook_wants(const std::vector<std::string>& patterns, std::string_view event_type);
// nullopt when fine, else why: lowercase segments of a-z, 0-9 and _, dots between, an optional
// trailing ".*" or a lone "*".
std::optional<std::string> check_webhook_pattern(std::string_view pattern);

struct WebhookTarget {
  std::string scheme;  // http or https
  std::string host;    // without brackets for IPv6 literals
  int port = 0;        // the scheme's default when the URL names none
};
// http(s)://host[:port][/path…] with no credentials, no spaces and at most webhook_url_max chars.
Result<WebhookTarget> parse_webhook_url(std::string_view url);

// An address the target resolved to, in network byte order: 4 bytes (IPv4) or 16 (IPv6).
struct IpAddress {
  std::vector<std::uint8_t> bytes;
};
std::string to_string(const IpAddress& address);
// nullopt when a webhook may connect to it; else the rule it breaks ("loopback address 127.0.0.1").
// IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
std::optional<std::string> refused_webhook_address(const IpAddress& address);

// Milliseconds until the next attempt after `attempts` failed ones of a series that began
// `elapsed_ms` ago: base × 2^(attempts−1), capped at an hour, scaled by 0.5 + jitter/2
// (jitter in [0, 1)); nullopt when that attempt would fall outside the retry window.
std::optional<std::int64_t> webhook_retry_delay_ms(int attempts, std::int64_t elapsed_ms,
                                                   std::int64_t window_ms, std::int64_t base_ms,
                                                   double jitter);

enum class DeliveryStatus { pending, delivered, failed };
std::string_view to_string(DeliveryStatus status);
std::optional<DeliveryStatus> parse_delivery_status(std::string_view text);
// pending → delivered | failed; delivered | failed → pending (a replay, a new series of attempts).
Result<DeliveryStatus> deliver(DeliveryStatus from);
Result<DeliveryStatus> fail_delivery(DeliveryStatus from);
Result<DeliveryStatus> replay_delivery(DeliveryStatus from);

}  // namespace ims::domain
