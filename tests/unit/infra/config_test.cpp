#include <gtest/gtest.h>

#include <map>

#include "ims/infra/config.hpp"

using namespace ims::infra;

namespace {
EnvLookup env(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}
bool names(const ims::domain::Error& e, const std::string& field) {
  for (const auto& f : e.fields) {
    if (f.field == field) return true;
  }
  return false;
}
}  // namespace

TEST(Config, LocalDefaultsNeedNoVariables) {
  auto c = load_config(env({}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->http_port, 8080);
  EXPECT_EQ(c->access_token_ttl_s, 900);
  EXPECT_EQ(c->refresh_token_ttl_s, 7 * 24 * 3600);
  EXPECT_EQ(c->login_max_failures_per_user, 10);
  EXPECT_EQ(c->max_body_bytes, 1024u * 1024u);
}

TEST(Config, ReadsVariables) {
  auto c = load_config(env({{"IMS_HTTP_PORT", "9000"}, {"IMS_DATABASE_URL", "postgresql://x/y"}}));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->http_port, 9000);
  EXPECT_EQ(c->database_url, "postgresql://x/y");
}

TEST(Config, ProductionRefusesTheDefaultSecret) {
  auto c = load_config(env({{"IMS_ENV", "production"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(names(c.error(), "IMS_JWT_SECRET"));
}

TEST(Config, ShortSecretIsRefused) {
  auto c =
      load_config(env({{"IMS_ENV", "production"}, {"IMS_JWT_SECRET", "only-31-bytes-long-secret-12345"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(names(c.error(), "IMS_JWT_SECRET"));
}

TEST(Config, ProductionAcceptsALongSecretOfItsOwn) {
  auto c = load_config(env({{"IMS_ENV", "production"}, {"IMS_JWT_SECRET", std::string(48, 'k')}}));
  EXPECT_TRUE(c.ok());
}

TEST(Config, BadNumbersAreNamed) {
  auto c = load_config(env({{"IMS_HTTP_PORT", "eighty"}, {"IMS_ACCESS_TOKEN_TTL_S", "0"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(names(c.error(), "IMS_HTTP_PORT"));
  EXPECT_TRUE(names(c.error(), "IMS_ACCESS_TOKEN_TTL_S"));
}

TEST(Config, UnknownEnvironmentIsRefused) {
  auto c = load_config(env({{"IMS_ENV", "staging"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(names(c.error(), "IMS_ENV"));
}
