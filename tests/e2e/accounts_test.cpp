// Issue 13 as people use it: signing up and waiting for an admin, the shop floor's PIN, and the
// customers a store sells to. Against the running stack; emails read from the mail catcher.
#include <gtest/gtest.h>

#include "ims/infra/amqp.hpp"
#include "ims/infra/outbox.hpp"
#include "support/fixtures.hpp"
#include "support/http_client.hpp"
#include "support/maildir.hpp"

using namespace ims::test;
using nlohmann::json;

namespace {

const std::string password = "a-long-enough-password";

// Ten digits no other call of this run repeats (a counter and the microseconds).
std::string unique_digits() {
  const auto s = unique_suffix();
  return s.substr(s.size() - 10);
}

json registration(const std::string& name, const std::string& role = "retailer") {
  return {{"username", name},       {"email", name + "@example.com"}, {"password", password},
          {"requested_role", role}, {"location_code", "RET-ANDHERI"}, {"note", "new cashier"}};
}

HttpResult sign_up(const json& body) {
  return api("POST", "/api/v1/auth/register", body.dump());
}

// From an address of this run's own: the sign-ins refused here (pending accounts) do not count
// against 127.0.0.1, where every other test signs in.
HttpResult sign_in(const std::string& username, const std::string& secret = password) {
  static const std::string address = [] {
    const auto n = std::stoll(unique_digits()) % 60000;
    return "127.2." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 2);
  }();
  HttpOptions options;
  options.source_address = address;
  return api("POST", "/api/v1/auth/login", json{{"username", username}, {"password", secret}}.dump(),
             options);
}

// The newest mail to `to` whose subject contains `about`, waiting for the alerts worker to send it.
std::optional<Mail> mail_to(const std::string& to, const std::string& about) {
  std::optional<Mail> found;
  eventually(
      [&] {
        for (auto& m : mails_about(about)) {
          if (m.to.find(to) != std::string::npos) found = m;
        }
        return found.has_value();
      },
      std::chrono::seconds(30));
  return found;
}

// The path and query of the verification link in the mail.
std::string verify_path(const Mail& mail) {
  const auto at = mail.text.find("/api/v1/auth/verify?token=");
  if (at == std::string::npos) return "";
  const auto end = mail.text.find_first_of(" \r\n", at);
  return mail.text.substr(at, end - at);
}

std::int64_t user_id(const std::string& username) {
  return query_one<std::int64_t>("SELECT coalesce(max(id), 0) FROM auth.users WHERE username = '" + username +
                                 "'");
}

HttpResult pin_sign_in(const std::string& username, const std::string& pin,
                       const std::string& location = "RET-ANDHERI", std::vector<std::string> headers = {}) {
  // From an address of this run's own: PIN failures of earlier runs in the window do not throttle it.
  static const std::string address = [] {
    const auto n = std::stoll(unique_digits()) % 60000;
    return "127.1." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 2);
  }();
  HttpOptions options{std::move(headers), address};
  return api("POST", "/api/v1/auth/pin",
             json{{"location_code", location}, {"username", username}, {"pin", pin}}.dump(), options);
}

// A retailer of RET-ANDHERI made by the admin, with `pin` set the way the user sets it.
std::string retailer_with_pin(const std::string& pin) {
  auto name = "floor-" + unique_suffix();
  auto created = api("POST", "/api/v1/users",
                     json{{"username", name},
                          {"email", name + "@example.com"},
                          {"password", password},
                          {"role", "retailer"},
                          {"location_id", location_id("RET-ANDHERI")}}
                         .dump(),
                     as(token_for("admin")));
  EXPECT_EQ(created.status, 201) << created.body;
  auto set = api("PUT", "/api/v1/users/me/pin", json{{"pin", pin}, {"password", password}}.dump(),
                 as(token_for(name, password)));
  EXPECT_EQ(set.status, 204) << set.body;
  return name;
}

}  // namespace

TEST(Registration, ASignUpSignsInOnlyAfterVerificationAndActivation) {
  const auto name = "signup-" + unique_suffix();
  auto r = sign_up(registration(name));
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_EQ(r.json()["status"], "pending_activation");
  EXPECT_EQ(sign_in(name).status, 401) << "a pending account cannot sign in";
  EXPECT_EQ(sign_in(name).json()["detail"], sign_in("nobody-" + unique_suffix()).json()["detail"])
      << "a pending account answers like a wrong password";

  const auto admin = token_for("admin");
  const auto id = user_id(name);
  ASSERT_GT(id, 0);
  auto pending = api("GET", "/api/v1/users?status=pending_activation&limit=500", "", as(admin)).json();
  bool listed = false;
  for (const auto& u : pending["items"]) {
    if (u["id"] == id) {
      listed = true;
      EXPECT_EQ(u["requested_role"], "retailer");
      EXPECT_EQ(u["requested_location_id"], location_id("RET-ANDHERI"));
      EXPECT_EQ(u["email_verified"], false);
    }
  }
  EXPECT_TRUE(listed) << "the admin sees the account waiting";
  const json as_retailer{{"role", "retailer"}, {"location_id", location_id("RET-ANDHERI")}};
  auto early =
      api("PUT", "/api/v1/users/" + std::to_string(id) + "/activation", as_retailer.dump(), as(admin));
  EXPECT_EQ(early.status, 409) << "activation needs a verified email: " << early.body;

  // Admins get an in-app alert and an email about it.
  auto admin_mail = mail_to("admin@", "Account waiting for activation: " + name);
  EXPECT_TRUE(admin_mail.has_value()) << "admins are emailed about the sign-up";
  EXPECT_EQ(
      wait_count("SELECT count(*) FROM reporting.alerts WHERE kind = 'account.pending' AND closed_at IS NULL"
                 " AND subject = 'user:" +
                     std::to_string(id) + "'",
                 1),
      1);

  auto mail = mail_to(name + "@example.com", "Confirm your email address");
  ASSERT_TRUE(mail.has_value()) << "the verification email arrives";
  const auto link = verify_path(*mail);
  ASSERT_FALSE(link.empty()) << mail->text;
  EXPECT_EQ(api("GET", link).status, 200);
  EXPECT_EQ(api("GET", link).status, 422) << "the link works once";
  EXPECT_EQ(sign_in(name).status, 401) << "verified but not activated";

  auto activated =
      api("PUT", "/api/v1/users/" + std::to_string(id) + "/activation", as_retailer.dump(), as(admin));
  ASSERT_EQ(activated.status, 200) << activated.body;
  EXPECT_EQ(activated.json()["status"], "active");
  auto session = sign_in(name);
  ASSERT_EQ(session.status, 200) << session.body;
  EXPECT_EQ(session.json()["user"]["role"], "retailer");
  EXPECT_EQ(session.json()["user"]["location_id"], location_id("RET-ANDHERI"));
  EXPECT_TRUE(mail_to(name + "@example.com", "Your IMS account is active").has_value());
  EXPECT_EQ(
      wait_count("SELECT count(*) FROM reporting.alerts WHERE kind = 'account.pending' AND closed_at IS NULL"
                 " AND subject = 'user:" +
                     std::to_string(id) + "'",
                 0),
      0)
      << "the alert closes once the admin decided";
  EXPECT_EQ(
      query_one<long>(
          "SELECT count(*) FROM audit.log WHERE action = 'user.activate_registration' AND entity_id = '" +
          std::to_string(id) + "'"),
      1);
}

TEST(Registration, TheAdminDecidesTheRoleAndLocation) {
  const auto name = "signup-" + unique_suffix();
  ASSERT_EQ(sign_up(registration(name, "retailer")).status, 202);
  auto mail = mail_to(name + "@example.com", "Confirm your email address");
  ASSERT_TRUE(mail.has_value());
  ASSERT_EQ(api("GET", verify_path(*mail)).status, 200);
  const auto admin = token_for("admin");
  const auto id = std::to_string(user_id(name));
  auto wrong = api("PUT", "/api/v1/users/" + id + "/activation",
                   json{{"role", "stockist"}, {"location_id", location_id("RET-ANDHERI")}}.dump(), as(admin));
  EXPECT_EQ(wrong.status, 422) << "a stockist belongs to a stockist location: " << wrong.body;
  auto ok = api("PUT", "/api/v1/users/" + id + "/activation",
                json{{"role", "stockist"}, {"location_id", location_id("STK-MUMBAI")}}.dump(), as(admin));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(sign_in(name).json()["user"]["role"], "stockist");
  EXPECT_EQ(
      api("PUT", "/api/v1/users/" + id + "/activation", json{{"role", "stockist"}}.dump(), as(admin)).status,
      409)
      << "an active account is not activated twice";
}

TEST(Registration, AdminAndManufacturerCannotBeRequested) {
  for (const char* role : {"admin", "manufacturer", "superuser", ""}) {
    const auto name = "signup-" + unique_suffix();
    auto r = sign_up(registration(name, role));
    EXPECT_EQ(r.status, 422) << role << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/problem+json");
    EXPECT_EQ(user_id(name), 0) << "nothing was created";
  }
}

TEST(Registration, TakenNamesAnswerLikeSuccessAndCreateNothing) {
  const auto fresh = sign_up(registration("signup-" + unique_suffix()));
  ASSERT_EQ(fresh.status, 202);
  const long users_before = query_one<long>("SELECT count(*) FROM auth.users");
  auto body = registration("retailer");
  body["email"] = "someone-" + unique_suffix() + "@example.com";
  auto taken = sign_up(body);
  EXPECT_EQ(taken.status, fresh.status);
  EXPECT_EQ(taken.body, fresh.body) << "a taken username answers exactly like a new one";
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM auth.users WHERE email = '" +
                            body["email"].get<std::string>() + "'"),
            0);
  auto taken_email = registration("signup-" + unique_suffix());
  taken_email["email"] = "RETAILER@ims.example.com";
  EXPECT_EQ(sign_up(taken_email).body, fresh.body) << "a taken email answers the same (case does not matter)";
  EXPECT_EQ(user_id(taken_email["username"]), 0);
  EXPECT_LE(query_one<long>("SELECT count(*) FROM auth.users"), users_before + 2)
      << "only other tests' users appeared";
  EXPECT_TRUE(mail_to("retailer@ims.example.com", "Someone tried to sign up").has_value())
      << "the owner is told";
}

TEST(Registration, AnAdminRejectsASignUp) {
  const auto name = "signup-" + unique_suffix();
  ASSERT_EQ(sign_up(registration(name)).status, 202);
  const auto id = std::to_string(user_id(name));
  const auto admin = token_for("admin");
  EXPECT_EQ(api("DELETE", "/api/v1/users/" + id + "/activation", "", as(token_for("retailer"))).status, 403);
  ASSERT_EQ(api("DELETE", "/api/v1/users/" + id + "/activation", "", as(admin)).status, 204);
  EXPECT_EQ(user_id(name), 0);
  EXPECT_EQ(sign_in(name).status, 401);
  EXPECT_TRUE(mail_to(name + "@example.com", "request was declined").has_value());
  EXPECT_EQ(
      api("DELETE", "/api/v1/users/" + std::to_string(user_id("retailer")) + "/activation", "", as(admin))
          .status,
      409)
      << "an active account is not rejected";
}

TEST(PinSignIn, AShopFloorTokenSellsAtItsLocationAndNothingMore) {
  const auto name = retailer_with_pin("4826");
  auto r = pin_sign_in(name, "4826");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto token = r.json()["access_token"].get<std::string>();
  EXPECT_FALSE(r.json().contains("refresh_token")) << "no refresh token for the shop floor";
  EXPECT_EQ(r.json()["expires_in"], 1800);
  EXPECT_EQ(r.json()["scope"], "shop_floor");
  EXPECT_EQ(api("PUT", "/api/v1/users/" + std::to_string(user_id(name)) + "/pin", json{{"pin", ""}}.dump(),
                as(token_for("admin")))
                .status,
            422)
      << "an empty PIN is refused";
  EXPECT_EQ(api("GET", "/api/v1/auth/me", "", as(token)).json()["shop_floor"], true);

  const auto admin = token_for("admin");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(admin);
  stock_up(admin, product, store, 5);
  EXPECT_GT(place_sale(token, store, product), 0) << "a PIN session sells at its store";
  EXPECT_EQ(api("GET", "/api/v1/users", "", as(token)).status, 403);
  EXPECT_EQ(
      api("PUT", "/api/v1/users/me/pin", json{{"pin", "1111"}, {"password", password}}.dump(), as(token))
          .status,
      403)
      << "a PIN session does not change credentials";
  EXPECT_EQ(pin_sign_in(name, "4826", "STK-MUMBAI").status, 401) << "only at the user's own location";
  EXPECT_EQ(pin_sign_in("retailer-nobody", "4826").status, 401);
}

TEST(PinSignIn, FiveWrongPinsLockThePinUntilItIsReset) {
  const auto name = retailer_with_pin("2468");
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(pin_sign_in(name, "0000").status, 401) << "wrong PIN " << i;
  auto sixth = pin_sign_in(name, "2468");
  EXPECT_EQ(sixth.status, 401) << "the right PIN after five wrong ones is refused";
  EXPECT_NE(sixth.json()["detail"].get<std::string>().find("locked"), std::string::npos) << sixth.body;
  EXPECT_EQ(sign_in(name).status, 200) << "the password still works";
  const auto id = std::to_string(user_id(name));
  EXPECT_EQ(
      query_one<long>("SELECT count(*) FROM audit.log WHERE action = 'auth.pin_locked' AND entity_id = '" +
                      id + "'"),
      1);
  auto reset =
      api("PUT", "/api/v1/users/" + id + "/pin", json{{"pin", "1357"}}.dump(), as(token_for("admin")));
  ASSERT_EQ(reset.status, 204) << reset.body;
  EXPECT_EQ(pin_sign_in(name, "2468").status, 401) << "the old PIN is gone";
  EXPECT_EQ(pin_sign_in(name, "1357").status, 200) << "the admin's new PIN works";
  EXPECT_EQ(
      query_one<long>("SELECT count(*) FROM audit.log WHERE action = 'auth.pin_login' AND entity_id = '" +
                      id + "'"),
      1);
  auto metrics = http("GET", base_url() + "/metrics");
  EXPECT_NE(metrics.body.find("ims_pin_signins_total{outcome=\"locked\"}"), std::string::npos);
}

TEST(PinSignIn, ARegisteredTerminalsSecretIsChecked) {
  const auto name = retailer_with_pin("8642");
  const auto admin = token_for("admin");
  const auto store = std::to_string(location_id("RET-ANDHERI"));
  auto t =
      api("POST", "/api/v1/locations/" + store + "/terminals", json{{"name", "Till 1"}}.dump(), as(admin));
  ASSERT_EQ(t.status, 201) << t.body;
  const auto secret = t.json()["secret"].get<std::string>();
  EXPECT_EQ(pin_sign_in(name, "8642", "RET-ANDHERI", {"X-IMS-Terminal: not-the-secret"}).status, 401);
  EXPECT_EQ(pin_sign_in(name, "8642", "RET-ANDHERI", {"X-IMS-Terminal: " + secret}).status, 200);
  EXPECT_EQ(pin_sign_in(name, "8642", "STK-MUMBAI", {"X-IMS-Terminal: " + secret}).status, 401)
      << "a terminal works at its own location only";
  auto list = api("GET", "/api/v1/locations/" + store + "/terminals", "", as(admin)).json();
  bool used = false;
  for (const auto& item : list["items"]) {
    EXPECT_FALSE(item.contains("secret"));
    if (item["id"] == t.json()["id"]) used = !item["last_used_at"].is_null();
  }
  EXPECT_TRUE(used);
  const auto terminal =
      "/api/v1/locations/" + store + "/terminals/" + std::to_string(t.json()["id"].get<long>());
  ASSERT_EQ(api("DELETE", terminal, "", as(admin)).status, 204);
  EXPECT_EQ(pin_sign_in(name, "8642", "RET-ANDHERI", {"X-IMS-Terminal: " + secret}).status, 401) << "revoked";
}

TEST(Customers, AnInlineCustomerIsCreatedOnceAndFoundByPhone) {
  const auto admin = token_for("admin");
  const auto retailer = token_for("retailer");
  const auto store = location_id("RET-ANDHERI");
  const auto product = create_product(admin);
  stock_up(admin, product, store, 10);
  const auto digits = unique_digits();
  const auto phone = "+91 98" + digits;
  auto sale = [&](const json& customer) {
    return api("POST", "/api/v1/orders",
               json{{"kind", "sale"},
                    {"seller_location_id", store},
                    {"customer", customer},
                    {"lines", json::array({{{"product_id", product}, {"quantity", 1}}})}}
                   .dump(),
               as(retailer));
  };
  auto first = sale({{"name", "Meera Shah"}, {"phone", phone}, {"email", "meera@example.com"}});
  ASSERT_EQ(first.status, 202) << first.body;
  const auto customer = first.json()["customer_id"].get<std::int64_t>();
  EXPECT_EQ(first.json()["customer"], "Meera Shah");
  auto second = sale({{"name", "Meera S."}, {"phone", phone}});
  ASSERT_EQ(second.status, 202) << second.body;
  EXPECT_EQ(second.json()["customer_id"], customer) << "the same phone is the same customer";
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM sales.customers WHERE id = " + std::to_string(customer)),
            1);

  const auto path = "/api/v1/customers/" + std::to_string(customer);
  auto mine = api("GET", path, "", as(retailer));
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(mine.json()["email"], "meera@example.com");
  EXPECT_EQ(api("GET", path, "", as(token_for("stockist"))).status, 404)
      << "another location's customer does not exist";
  EXPECT_EQ(api("GET", path + "/orders", "", as(token_for("stockist"))).status, 404);
  auto from_factory = api("GET", path, "", as(token_for("manufacturer")));
  EXPECT_EQ(from_factory.status, 200);
  EXPECT_TRUE(from_factory.json()["phone"].is_null()) << "personal data stays with the store";

  const auto manufacturer = token_for("manufacturer");
  EXPECT_EQ(api("PUT", path, json{{"name", "Overwritten"}}.dump(), as(manufacturer)).status, 403)
      << "who cannot see the personal data cannot overwrite it";
  EXPECT_EQ(api("GET", "/api/v1/customers?q=" + digits, "", as(manufacturer)).json()["items"].size(), 0u)
      << "nor search by it";
  EXPECT_EQ(
      api("GET", "/api/v1/customers?q=" + std::string("%2B91%2098") + digits.substr(0, 8), "", as(retailer))
          .json()["items"]
          .size(),
      1u)
      << "a phone typed with spaces finds the stored digits";
  auto orders = api("GET", path + "/orders", "", as(retailer)).json();
  ASSERT_EQ(orders["items"].size(), 2u) << orders.dump();
  auto filtered =
      api("GET", "/api/v1/orders?customer_id=" + std::to_string(customer), "", as(retailer)).json();
  EXPECT_EQ(filtered["items"].size(), 2u);
  auto found = api("GET", "/api/v1/customers?q=" + digits, "", as(retailer)).json();
  ASSERT_EQ(found["items"].size(), 1u) << found.dump();

  auto by_id = api("POST", "/api/v1/orders",
                   json{{"kind", "sale"},
                        {"seller_location_id", store},
                        {"customer_id", customer},
                        {"lines", json::array({{{"product_id", product}, {"quantity", 1}}})}}
                       .dump(),
                   as(retailer));
  EXPECT_EQ(by_id.status, 202) << by_id.body;

  auto anonymized = api("POST", path + "/anonymize", "", as(retailer));
  ASSERT_EQ(anonymized.status, 200) << anonymized.body;
  EXPECT_TRUE(anonymized.json()["phone"].is_null());
  EXPECT_EQ(anonymized.json()["anonymized"], true);
  auto after = api("GET", path + "/orders", "", as(retailer)).json();
  EXPECT_EQ(after["items"].size(), 3u) << "the orders stay, pointing at the anonymized customer";
  EXPECT_EQ(after["items"][0]["customer"], "Anonymized customer");
  EXPECT_EQ(query_one<long>("SELECT count(*) FROM audit.log WHERE entity = 'customer' AND entity_id = '" +
                            std::to_string(customer) +
                            "' AND (before::text LIKE '%Meera%' OR after::text LIKE '%Meera%')"),
            0);
}

TEST(Customers, AStoreManagesItsOwnCustomers) {
  const auto retailer = token_for("retailer");
  const auto phone = "98" + unique_digits();
  auto created =
      api("POST", "/api/v1/customers",
          json{{"name", "Ravi"}, {"phone", phone}, {"address", "Andheri West"}}.dump(), as(retailer));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.json()["location_id"], location_id("RET-ANDHERI"));
  auto again =
      api("POST", "/api/v1/customers", json{{"name", "Ravi 2"}, {"phone", phone}}.dump(), as(retailer));
  EXPECT_EQ(again.status, 409) << "one customer per phone at a location";
  const auto path = "/api/v1/customers/" + std::to_string(created.json()["id"].get<long>());
  auto updated = api("PUT", path, json{{"name", "Ravi Kumar"}, {"phone", phone}}.dump(),
                     as(retailer, {"If-Match: \"1\""}));
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.json()["name"], "Ravi Kumar");
  EXPECT_TRUE(updated.json()["address"].is_null()) << "PUT replaces the editable fields";
  EXPECT_EQ(api("PUT", path, json{{"name", "Stale"}}.dump(), as(retailer, {"If-Match: \"1\""})).status, 412);
  EXPECT_EQ(
      api("POST", "/api/v1/customers", json{{"name", "X"}, {"phone", "12"}}.dump(), as(retailer)).status,
      422);
  EXPECT_EQ(api("POST", "/api/v1/customers", json{{"name", "X"}}.dump(), as(token_for("cfa"))).status, 403);
  ASSERT_EQ(api("DELETE", path, "", as(retailer)).status, 204);
  EXPECT_EQ(api("GET", path, "", as(retailer)).json()["is_active"], false);
}

// The alerts worker's new message types refuse what they cannot read: to its dead-letter queue with
// the reason, and the next sign-up is still announced.
TEST(Registration, AMalformedAccountEventIsDeadLetteredAndTheWorkerCarriesOn) {
  ims::infra::AmqpConnection broker(env_or("IMS_AMQP_URL", ""), test_broker_timeout_ms);
  broker.enable_confirms();
  const auto marker = ims::infra::uuid_v4();
  const json bad{{"id", marker},
                 {"type", "account.registered"},
                 {"version", 1},
                 {"occurred_at", "2026-12-02T00:00:00.000Z"},
                 {"correlation_id", "test"},
                 {"actor_id", nullptr},
                 {"data", json::object({{"username", 42}})}};
  broker.publish(
      {ims::infra::events_exchange, "account.registered", bad.dump(), marker, "", "account.registered", {}});
  broker.wait_for_confirms();

  const auto name = "signup-" + unique_suffix();
  ASSERT_EQ(sign_up(registration(name)).status, 202);
  EXPECT_EQ(
      wait_count("SELECT count(*) FROM reporting.alerts WHERE kind = 'account.pending' AND subject = 'user:" +
                     std::to_string(user_id(name)) + "'",
                 1),
      1);
  bool found = false;
  for (int i = 0; i < 100 && !found; ++i) {
    std::vector<std::uint64_t> others;
    while (auto d = broker.get("ims.alerts.dead")) {
      if (d->message_id != marker) {
        others.push_back(d->delivery_tag);
        continue;
      }
      broker.ack(d->delivery_tag);
      found = true;
      EXPECT_NE(d->headers["x-ims-reason"].find("malformed"), std::string::npos)
          << d->headers["x-ims-reason"];
    }
    for (auto tag : others) broker.reject(tag, true);
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(found) << "the malformed account event is in ims.alerts.dead";
}

// A sign-up that never confirmed its address does not hold the name for ever: the prune job removes
// it once its links expired and it is a week old, and the admins' alert about it closes.
TEST(Registration, AnUnconfirmedSignUpIsPrunedAndItsAlertCloses) {
  const auto name = "signup-" + unique_suffix();
  ASSERT_EQ(sign_up(registration(name)).status, 202);
  const auto id = std::to_string(user_id(name));
  ASSERT_EQ(
      wait_count("SELECT count(*) FROM reporting.alerts WHERE kind = 'account.pending' AND closed_at IS NULL"
                 " AND subject = 'user:" +
                     id + "'",
                 1),
      1);
  const auto young = "signup-" + unique_suffix();
  ASSERT_EQ(sign_up(registration(young)).status, 202);
  ims::infra::PgSession db(database_url());
  db.transact([&](pqxx::work& txn) {
    txn.exec_params("UPDATE auth.users SET created_at = now() - interval '8 days' WHERE id = $1",
                    std::stoll(id));
    txn.exec_params(
        "UPDATE auth.email_verifications SET expires_at = now() - interval '7 days' WHERE user_id = $1",
        std::stoll(id));
  });
  auto run = api("POST", "/api/v1/schedules/prune/run", "", as(token_for("admin")));
  ASSERT_EQ(run.status, 202) << run.body;
  EXPECT_EQ(wait_count("SELECT count(*) FROM auth.users WHERE id = " + id, 0), 0)
      << "the abandoned sign-up is gone";
  EXPECT_EQ(
      wait_count("SELECT count(*) FROM reporting.alerts WHERE kind = 'account.pending' AND closed_at IS NULL"
                 " AND subject = 'user:" +
                     id + "'",
                 0),
      0)
      << "its alert closed";
  EXPECT_GT(user_id(young), 0) << "a sign-up whose link still works stays";
  EXPECT_EQ(sign_up(registration(name)).status, 202);
  EXPECT_GT(user_id(name), 0) << "the name is free for a new sign-up";
}
