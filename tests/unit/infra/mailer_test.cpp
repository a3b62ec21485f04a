// The email as it goes on the wire (MIME, encodings, header injection) and what an SMTP failure
// means for the delivery; no server involved.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "../../support/base64.hpp"
#include "ims/infra/mailer.hpp"

using namespace ims::infra;
using ims::test::base64_decode;

namespace {

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t nl; (nl = s.find("\r\n", start)) != std::string::npos; start = nl + 2) {
    lines.push_back(s.substr(start, nl - start));
  }
  if (start < s.size()) lines.push_back(s.substr(start));
  return lines;
}

std::string headers_of(const std::string& message) {
  return message.substr(0, message.find("\r\n\r\n") + 2);
}

// The decoded body of the part with this Content-Type.
std::string part(const std::string& message, const std::string& boundary, const std::string& type) {
  const auto at = message.find("--" + boundary + "\r\nContent-Type: " + type);
  if (at == std::string::npos) return "<no " + type + " part>";
  const auto body = message.find("\r\n\r\n", at) + 4;
  const auto end = message.find("\r\n--" + boundary, body);
  return base64_decode(message.substr(body, end - body));
}

// The decoded text of a header made of RFC 2047 B-words, folded or not.
std::string decode_words(const std::string& value) {
  std::string out;
  std::size_t pos = 0;
  while ((pos = value.find("=?UTF-8?B?", pos)) != std::string::npos) {
    const auto end = value.find("?=", pos + 10);
    out += base64_decode(value.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

std::string header_value(const std::string& message, const std::string& name) {
  const auto headers = "\r\n" + headers_of(message);
  const auto at = headers.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const auto start = at + name.size() + 4;
  auto end = headers.find("\r\n", start);
  while (end + 2 < headers.size() && headers[end + 2] == ' ') end = headers.find("\r\n", end + 2);  // folded
  return headers.substr(start, end - start);
}

MailMessage sample() {
  return {"retailer@example.com", "[IMS] Low stock: SKU-1 Widget at RET-1 (4 available, min 5)",
          "Low stock at RET-1\r\n\r\nAvailable: 4 pcs\r\n", "<p>Low stock at <b>RET-1</b></p>\r\n",
          "<delivery-42@ims>"};
}

const std::string boundary = "=_ims_test";
const std::string date = "Tue, 01 Dec 2026 10:00:00 +0000";

}  // namespace

TEST(MimeMessage, HasTheHeadersOfAMultipartAlternativeMessage) {
  const auto m = mime_message(sample(), "IMS <ims@example.com>", date, boundary);
  const auto headers = headers_of(m);
  EXPECT_EQ(headers.rfind("From: IMS <ims@example.com>\r\n", 0), 0u) << headers;
  const std::vector<std::string> expected{"To: retailer@example.com",
                                          "Subject: " + sample().subject,
                                          "Date: " + date,
                                          "Message-ID: <delivery-42@ims>",
                                          "MIME-Version: 1.0",
                                          "Content-Type: multipart/alternative; boundary=\"=_ims_test\""};
  for (const auto& line : expected) {
    EXPECT_NE(headers.find("\r\n" + line + "\r\n"), std::string::npos) << line << "\n" << headers;
  }
  EXPECT_NE(m.find("--=_ims_test\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("--=_ims_test\r\nContent-Type: text/html; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n"),
            std::string::npos);
  EXPECT_TRUE(m.ends_with("\r\n--=_ims_test--\r\n"));
  EXPECT_LT(m.find("text/plain"), m.find("text/html")) << "the preferred (richer) part comes last";
}

TEST(MimeMessage, EndsEveryLineWithCrlfAndKeepsEncodedLinesShort) {
  MailMessage message = sample();
  message.text = std::string(1000, 'x') + "\nsecond line\n";
  message.html = "<p>" + std::string(3000, 'y') + "</p>";
  const auto m = mime_message(message, "ims@example.com", date, boundary);
  for (std::size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
    }
    if (m[i] == '\r') {
      ASSERT_TRUE(i + 1 < m.size() && m[i + 1] == '\n') << "bare CR at " << i;
    }
  }
  const auto body = m.substr(m.find("\r\n\r\n") + 4);
  for (const auto& line : lines_of(body)) EXPECT_LE(line.size(), 76u) << line;
}

TEST(MimeMessage, BothPartsDecodeBackToTheInput) {
  MailMessage message = sample();
  message.text = "Stock bas à Andheri: 4 pcs — ₹ 1 200\r\nLine two\r\n";
  message.html = "<p>Stock bas à <b>Andheri</b> — ₹</p>\r\n";
  const auto m = mime_message(message, "ims@example.com", date, boundary);
  EXPECT_EQ(part(m, boundary, "text/plain"), message.text);
  EXPECT_EQ(part(m, boundary, "text/html"), message.html);
}

TEST(MimeMessage, BareLineFeedsInThePartsBecomeCrlf) {
  MailMessage message = sample();
  message.text = "one\ntwo\r\nthree\n";
  const auto m = mime_message(message, "ims@example.com", date, boundary);
  EXPECT_EQ(part(m, boundary, "text/plain"), "one\r\ntwo\r\nthree\r\n");
}

TEST(MimeMessage, NonAsciiSubjectIsAnEncodedWord) {
  MailMessage message = sample();
  message.subject = "[IMS] Stock bas: café ₹";
  const auto m = mime_message(message, "ims@example.com", date, boundary);
  const auto subject = header_value(m, "Subject");
  EXPECT_EQ(subject.rfind("=?UTF-8?B?", 0), 0u) << subject;
  EXPECT_EQ(decode_words(subject), message.subject);
}

TEST(MimeMessage, LongNonAsciiSubjectFoldsIntoWordsOfWholeCharacters) {
  MailMessage message = sample();
  for (int i = 0; i < 40; ++i) message.subject += " é₹";
  const auto m = mime_message(message, "ims@example.com", date, boundary);
  const auto subject = header_value(m, "Subject");
  EXPECT_EQ(decode_words(subject), message.subject);
  std::size_t words = 0;
  for (std::size_t pos = 0; (pos = subject.find("=?UTF-8?B?", pos)) != std::string::npos; ++words) {
    const auto end = subject.find("?=", pos + 10) + 2;
    EXPECT_LE(end - pos, 75u) << "RFC 2047 limits an encoded-word to 75 characters";
    const auto bytes = base64_decode(subject.substr(pos + 10, end - pos - 12));
    EXPECT_NE(static_cast<unsigned char>(bytes.front()) & 0xC0, 0x80u) << "a word starts mid-character";
    pos = end;
  }
  EXPECT_GT(words, 1u);
  for (const auto& line : lines_of(headers_of(m))) EXPECT_LE(line.size(), 76u) << line;  // RFC 2047
}

TEST(MimeMessage, NonAsciiSenderNameIsEncodedAndSpecialsAreQuoted) {
  auto m = mime_message(sample(), "Café IMS <ims@example.com>", date, boundary);
  const auto from = header_value(m, "From");
  EXPECT_EQ(decode_words(from), "Café IMS");
  EXPECT_TRUE(from.ends_with(" <ims@example.com>")) << from;
  m = mime_message(sample(), "IMS, Andheri <ims@example.com>", date, boundary);
  EXPECT_EQ(header_value(m, "From"), "\"IMS, Andheri\" <ims@example.com>");
}

TEST(MimeMessage, MessageIdGetsAngleBrackets) {
  MailMessage message = sample();
  message.message_id = "delivery-7@ims";
  EXPECT_EQ(header_value(mime_message(message, "ims@x", date, boundary), "Message-ID"), "<delivery-7@ims>");
}

TEST(AddressOf, TakesTheAddressOutOfANameAddr) {
  EXPECT_EQ(address_of("IMS <ims@example.com>"), "ims@example.com");
  EXPECT_EQ(address_of("\"IMS, Andheri\" < ims@example.com >"), "ims@example.com");
  EXPECT_EQ(address_of("  ims@example.com "), "ims@example.com");
  EXPECT_EQ(address_of("<ims@example.com>"), "ims@example.com");
  EXPECT_EQ(address_of(""), "");
}

TEST(SmtpMailer, RefusesHeaderInjectionWithoutSending) {
  // Port 1 is closed: had the mailer tried to send, the outcome would be retry, not failed.
  SmtpMailer mailer({"smtp://127.0.0.1:1", "", "", "IMS <ims@example.com>", 2000});
  const std::string injected = "x\r\nBcc: victim@example.com";
  for (const std::string field : {"to", "subject", "message_id"}) {
    MailMessage message = sample();
    if (field == "to") message.to = "retailer@example.com" + injected;
    if (field == "subject") message.subject += injected;
    if (field == "message_id") message.message_id = "<a@ims>\nBcc: victim@example.com";
    const auto result = mailer.send(message);
    EXPECT_EQ(result.status, SendStatus::failed) << field;
    EXPECT_NE(result.detail.find("CR or LF"), std::string::npos) << field << ": " << result.detail;
    EXPECT_EQ(result.smtp_code, 0) << field;
  }
}

TEST(SmtpMailer, RefusesAMessageWithoutRecipient) {
  SmtpMailer mailer({"smtp://127.0.0.1:1", "", "", "ims@example.com", 2000});
  MailMessage message = sample();
  message.to = " ";
  const auto result = mailer.send(message);
  EXPECT_EQ(result.status, SendStatus::failed);
  EXPECT_NE(result.detail.find("no recipient"), std::string::npos) << result.detail;
}

TEST(SmtpSettings, ComeFromTheConfiguration) {
  Config config;
  config.smtp_url = "smtps://mail.example.com:465";
  config.smtp_user = "ims";
  config.smtp_password = "secret";
  config.mail_from = "IMS <ims@example.com>";
  config.smtp_timeout_ms = 2500;
  const auto s = smtp_settings(config);
  EXPECT_EQ(s.url, config.smtp_url);
  EXPECT_EQ(s.user, "ims");
  EXPECT_EQ(s.password, "secret");
  EXPECT_EQ(s.from, config.mail_from);
  EXPECT_EQ(s.timeout_ms, 2500);
}

TEST(ClassifySmtpFailure, TransientRetriesAndPermanentFails) {
  struct Case {
    CURLcode curl;
    long code;
    SendStatus expected;
  };
  const std::vector<Case> cases{
      {CURLE_OK, 250, SendStatus::sent},
      {CURLE_COULDNT_CONNECT, 0, SendStatus::retry},
      {CURLE_COULDNT_RESOLVE_HOST, 0, SendStatus::retry},
      {CURLE_OPERATION_TIMEDOUT, 0, SendStatus::retry},
      {CURLE_OPERATION_TIMEDOUT, 250, SendStatus::retry},
      {CURLE_SEND_ERROR, 0, SendStatus::retry},
      {CURLE_RECV_ERROR, 0, SendStatus::retry},
      {CURLE_GOT_NOTHING, 0, SendStatus::retry},
      {CURLE_SEND_ERROR, 421, SendStatus::retry},  // service closing
      {CURLE_SEND_ERROR, 451, SendStatus::retry},  // greylisting
      {CURLE_WEIRD_SERVER_REPLY, 452, SendStatus::retry},
      {CURLE_LOGIN_DENIED, 454, SendStatus::retry},  // temporary authentication failure
      {CURLE_SEND_ERROR, 550, SendStatus::failed},   // mailbox unavailable
      {CURLE_SEND_ERROR, 553, SendStatus::failed},   // malformed address
      {CURLE_WEIRD_SERVER_REPLY, 554, SendStatus::failed},
      {CURLE_RECV_ERROR, 552, SendStatus::failed},
      {CURLE_LOGIN_DENIED, 535, SendStatus::failed},
      {CURLE_LOGIN_DENIED, 0, SendStatus::failed},
      {CURLE_URL_MALFORMAT, 0, SendStatus::failed},
      {CURLE_UNSUPPORTED_PROTOCOL, 0, SendStatus::failed},
      {CURLE_PEER_FAILED_VERIFICATION, 220, SendStatus::failed},
      {CURLE_SSL_CACERT_BADFILE, 0, SendStatus::failed},
      {CURLE_SSL_CERTPROBLEM, 0, SendStatus::failed},
      {CURLE_OUT_OF_MEMORY, 0, SendStatus::retry},  // not known to be permanent: the attempt limit decides
  };
  for (const auto& c : cases) {
    EXPECT_EQ(classify_smtp_failure(c.curl, c.code), c.expected)
        << curl_easy_strerror(c.curl) << " with SMTP " << c.code;
  }
}
