// SmtpMailer against the test stack's SMTP catcher (aiosmtpd writing a Maildir under
// $IMS_DATA_DIR/mail), and against servers that are not there or never answer.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "ims/infra/crypto.hpp"
#include "ims/infra/mailer.hpp"
#include "support/maildir.hpp"

using namespace ims::infra;
using namespace ims::test;
namespace fs = std::filesystem;

namespace {

std::string smtp_url() {
  return env_or("IMS_SMTP_URL", "smtp://127.0.0.1:22025");
}
std::string maildir_new() {
  return maildir(IMS_SOURCE_DIR "/.ims/test");
}

SmtpSettings settings(const std::string& url) {
  return {url, "", "", "IMS Test <ims@example.com>", 5000};
}

// The catcher files each message under new/; find ours by its Message-ID.
std::string wait_for_message(const std::string& message_id) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(maildir_new(), ec)) {
      auto content = read_stored(entry.path());
      if (content.find(message_id) != std::string::npos) return content;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "";
}

// A loopback port that accepts connections (the kernel's backlog) but never says a word.
class SilentServer {
 public:
  SilentServer() : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 || ::listen(fd_, 4) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  SilentServer(const SilentServer&) = delete;
  SilentServer& operator=(const SilentServer&) = delete;
  int port() const { return port_; }

 private:
  int fd_;
  int port_ = 0;
};

}  // namespace

TEST(SmtpMailer, DeliversBothPartsToTheCatcher) {
  const auto token = random_hex(8);
  MailMessage message{"retailer@example.com", "[IMS] mailer check " + token,
                      "Plain part " + token + ": 4 pcs available\r\n",
                      "<p>HTML part <b>" + token + "</b></p>\r\n", "<delivery-" + token + "@ims>"};
  SmtpMailer mailer(settings(smtp_url()));
  const auto result = mailer.send(message);
  ASSERT_EQ(result.status, SendStatus::sent) << result.detail;
  EXPECT_EQ(result.smtp_code, 250);

  const auto stored = wait_for_message(message.message_id);
  ASSERT_FALSE(stored.empty()) << "no message with " << message.message_id << " in " << maildir_new();
  EXPECT_NE(stored.find("Subject: " + message.subject), std::string::npos) << stored;
  EXPECT_NE(stored.find("Message-ID: " + message.message_id), std::string::npos) << stored;
  EXPECT_NE(stored.find("multipart/alternative"), std::string::npos) << stored;
  const auto mail = parse_mail("", stored);  // its parts decoded
  EXPECT_NE(mail.text.find("Plain part " + token), std::string::npos) << stored;
  EXPECT_NE(mail.html.find("<b>" + token + "</b>"), std::string::npos) << stored;
}

TEST(SmtpMailer, NoServerListeningIsRetried) {
  SmtpMailer mailer(settings("smtp://127.0.0.1:1"));
  const auto result =
      mailer.send({"retailer@example.com", "[IMS] nobody there", "text", "<p>html</p>", "<x@ims>"});
  EXPECT_EQ(result.status, SendStatus::retry) << result.detail;
  EXPECT_EQ(result.smtp_code, 0);
  EXPECT_FALSE(result.detail.empty());
}

TEST(SmtpMailer, ServerThatNeverAnswersTimesOutAndIsRetried) {
  SilentServer silent;
  auto s = settings("smtp://127.0.0.1:" + std::to_string(silent.port()));
  s.timeout_ms = 300;
  const auto started = std::chrono::steady_clock::now();
  const auto result =
      SmtpMailer(s).send({"retailer@example.com", "[IMS] silence", "text", "<p>html</p>", "<y@ims>"});
  EXPECT_EQ(result.status, SendStatus::retry) << result.detail;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3))
      << "the timeout was not applied";
}

TEST(SmtpMailer, RecipientTheServerRejectsFailsWithItsCode) {
  SmtpMailer mailer(settings(smtp_url()));
  const auto result = mailer.send({"a@@b", "[IMS] bad address", "text", "<p>html</p>", "<z@ims>"});
  EXPECT_EQ(result.status, SendStatus::failed) << result.detail;
  EXPECT_GE(result.smtp_code, 500);
  EXPECT_LT(result.smtp_code, 600);
  EXPECT_NE(result.detail.find(std::to_string(result.smtp_code)), std::string::npos) << result.detail;
}
