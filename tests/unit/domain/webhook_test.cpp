#include "ims/domain/webhook.hpp"

#include <gtest/gtest.h>

using namespace ims::domain;

namespace {

IpAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  return {{a, b, c, d}};
}

IpAddress v6(std::initializer_list<std::uint16_t> groups) {
  IpAddress ip;
  for (auto g : groups) {
    ip.bytes.push_back(static_cast<std::uint8_t>(g >> 8));
    ip.bytes.push_back(static_cast<std::uint8_t>(g & 0xff));
  }
  return ip;
}

}  // namespace

TEST(WebhookPattern, MatchesExactPrefixAndEverything) {
  struct Case {
    const char* pattern;
    const char* type;
    bool matches;
  };
  for (const auto& c : std::initializer_list<Case>{{"order.*", "order.created", true},
                                                   {"order.*", "order.status.changed", true},
                                                   {"order.*", "order", false},
                                                   {"order.*", "orders.created", false},
                                                   {"order.created", "order.created", true},
                                                   {"order.created", "order.confirmed", false},
                                                   {"*", "stock.low", true}}) {
    EXPECT_EQ(webhook_pattern_matches(c.pattern, c.type), c.matches) << c.pattern << " " << c.type;
  }
  EXPECT_TRUE(webhook_wants({"stock.low", "order.*"}, "order.shipped"));
  EXPECT_FALSE(webhook_wants({"stock.low"}, "order.shipped"));
}

TEST(WebhookPattern, RefusesMalformedPatterns) {
  for (const char* ok : {"*", "order.*", "order.created", "inventory.check.completed"})
    EXPECT_FALSE(check_webhook_pattern(ok)) << ok;
  for (const char* bad :
       {"", ".", "order.", "order..x", "Order.created", "order.*.x", "*.created", "order *"})
    EXPECT_TRUE(check_webhook_pattern(bad)) << bad;
}

TEST(WebhookUrl, AcceptsHttpAndHttpsWithPorts) {
  auto a = parse_webhook_url("https://hooks.example.com/ims?x=1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->scheme, "https");
  EXPECT_EQ(a->host, "hooks.example.com");
  EXPECT_EQ(a->port, 443);
  auto b = parse_webhook_url("http://127.0.0.1:8081/hook");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->port, 8081);
  auto c = parse_webhook_url("http://[::1]:9000/");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 9000);
}

TEST(WebhookUrl, RefusesOtherSchemesCredentialsAndBadPorts) {
  for (const char* bad : {"ftp://x.example/", "file:///etc/passwd", "gopher://x", "http://",
                          "http://user:pw@x.example/", "http://x.example:0/", "http://x.example:70000/",
                          "http://x.example:/", "http://x .example/", "HTTP//x", "http://[::1/"}) {
    EXPECT_FALSE(parse_webhook_url(bad)) << bad;
  }
  EXPECT_FALSE(parse_webhook_url("https://x.example/" + std::string(2000, 'a')));
}

TEST(WebhookAddress, RefusesLoopbackPrivateLinkLocalUnspecifiedAndMetadata) {
  struct Case {
    IpAddress address;
    const char* rule;  // nullptr: allowed
  };
  const std::vector<Case> cases{
      {v4(127, 0, 0, 1), "loopback"},
      {v4(127, 255, 0, 9), "loopback"},
      {v4(10, 1, 2, 3), "private"},
      {v4(172, 16, 0, 1), "private"},
      {v4(172, 31, 255, 255), "private"},
      {v4(192, 168, 1, 1), "private"},
      {v4(169, 254, 1, 1), "link-local"},
      {v4(169, 254, 169, 254), "metadata"},
      {v4(0, 0, 0, 0), "unspecified"},
      {v4(100, 64, 0, 1), "shared"},
      {v4(224, 0, 0, 1), "multicast"},
      {v4(172, 32, 0, 1), nullptr},
      {v4(172, 15, 255, 255), nullptr},
      {v4(8, 8, 8, 8), nullptr},
      {v4(93, 184, 216, 34), nullptr},
      {v6({0, 0, 0, 0, 0, 0, 0, 1}), "loopback"},
      {v6({0, 0, 0, 0, 0, 0, 0, 0}), "unspecified"},
      {v6({0xfc00, 0, 0, 0, 0, 0, 0, 1}), "private"},
      {v6({0xfd12, 0x3456, 0, 0, 0, 0, 0, 1}), "private"},
      {v6({0xfe80, 0, 0, 0, 0, 0, 0, 1}), "link-local"},
      {v6({0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001}), "loopback"},  // ::ffff:127.0.0.1
      {v6({0, 0, 0, 0, 0, 0xffff, 0xa9fe, 0xa9fe}), "metadata"},  // ::ffff:169.254.169.254
      {v6({0x2606, 0x4700, 0, 0, 0, 0, 0, 0x1111}), nullptr},
  };
  for (const auto& c : cases) {
    const auto why = refused_webhook_address(c.address);
    if (c.rule == nullptr) {
      EXPECT_FALSE(why) << to_string(c.address) << ": " << why.value_or("");
    } else {
      ASSERT_TRUE(why) << to_string(c.address);
      EXPECT_NE(why->find(c.rule), std::string::npos) << *why;
      EXPECT_NE(why->find(to_string(c.address)), std::string::npos) << *why;
    }
  }
}

TEST(WebhookAddress, PrintsAddresses) {
  EXPECT_EQ(to_string(v4(192, 168, 0, 10)), "192.168.0.10");
  EXPECT_EQ(to_string(v6({0xfe80, 0, 0, 0, 0, 0, 0, 1})), "fe80:0:0:0:0:0:0:1");
}

TEST(WebhookRetry, DoublesWithJitterAndStopsAtTheWindow) {
  const std::int64_t hour = 3'600'000;
  EXPECT_EQ(webhook_retry_delay_ms(1, 0, 24 * hour, 1000, 1.0), 1000);
  EXPECT_EQ(webhook_retry_delay_ms(1, 0, 24 * hour, 1000, 0.0), 500);
  EXPECT_EQ(webhook_retry_delay_ms(3, 0, 24 * hour, 1000, 1.0), 4000);
  EXPECT_EQ(webhook_retry_delay_ms(30, 0, 24 * hour, 1000, 1.0), hour);  // capped
  EXPECT_FALSE(webhook_retry_delay_ms(1, 24 * hour - 100, 24 * hour, 1000, 0.5));
  EXPECT_TRUE(webhook_retry_delay_ms(1, 24 * hour - 1000, 24 * hour, 1000, 0.5));
}

TEST(WebhookDelivery, TransitionsAndRefusals) {
  EXPECT_EQ(deliver(DeliveryStatus::pending).value(), DeliveryStatus::delivered);
  EXPECT_EQ(fail_delivery(DeliveryStatus::pending).value(), DeliveryStatus::failed);
  EXPECT_EQ(replay_delivery(DeliveryStatus::delivered).value(), DeliveryStatus::pending);
  EXPECT_EQ(replay_delivery(DeliveryStatus::failed).value(), DeliveryStatus::pending);
  EXPECT_EQ(replay_delivery(DeliveryStatus::pending).error().code, ErrorCode::conflict);
  EXPECT_EQ(deliver(DeliveryStatus::failed).error().code, ErrorCode::conflict);
  EXPECT_EQ(fail_delivery(DeliveryStatus::delivered).error().code, ErrorCode::conflict);
  for (auto s : {DeliveryStatus::pending, DeliveryStatus::delivered, DeliveryStatus::failed})
    EXPECT_EQ(parse_delivery_status(to_string(s)), s);
}
