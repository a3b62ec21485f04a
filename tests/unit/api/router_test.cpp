#include <gtest/gtest.h>

#include "ims/api/router.hpp"

using ims::api::Router;
using Match = Router<int>::Match;

namespace {
Router<int> sample() {
  Router<int> r;
  r.add("GET", "/api/v1/users", 1);
  r.add("POST", "/api/v1/users", 2);
  r.add("GET", "/api/v1/users/{id}", 3);
  r.add("PATCH", "/api/v1/users/{id}/status", 4);
  return r;
}
}  // namespace

TEST(Router, MatchesStaticAndTemplatedPaths) {
  auto r = sample();
  auto m = r.match("GET", "/api/v1/users/17");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->handler, 3);
  EXPECT_EQ(m.params.at("id"), "17");
  EXPECT_EQ(r.match("POST", "/api/v1/users").route->handler, 2);
}

TEST(Router, TrailingSlashIsTheSameResource) {
  EXPECT_EQ(sample().match("GET", "/api/v1/users/").kind, Match::Kind::found);
}

TEST(Router, UnknownPathIsNotFound) {
  EXPECT_EQ(sample().match("GET", "/api/v1/nothing").kind, Match::Kind::not_found);
  EXPECT_EQ(sample().match("GET", "/api/v1/users/1/2/3").kind, Match::Kind::not_found);
}

TEST(Router, KnownPathWithOtherMethodListsAllowedMethods) {
  auto m = sample().match("DELETE", "/api/v1/users");
  ASSERT_EQ(m.kind, Match::Kind::method_not_allowed);
  EXPECT_EQ(m.allowed, (std::vector<std::string>{"GET", "POST"}));
}

TEST(Router, HeadIsServedByGet) {
  EXPECT_EQ(sample().match("HEAD", "/api/v1/users/1").route->handler, 3);
}
