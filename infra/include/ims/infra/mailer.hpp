#pragma once
// Email over SMTP through libcurl, for the alerts worker. A Mailer sends one message to one
// recipient and says whether to try again: the caller owns retries, backoff and the delivery row.
#include <string>

#include "ims/infra/config.hpp"

namespace ims::infra {

struct MailMessage {
  std::string to;          // one address, e.g. "retailer@example.com"
  std::string subject;     // UTF-8; sent as an RFC 2047 encoded-word when not plain ASCII
  std::string text;        // plain-text part, UTF-8
  std::string html;        // HTML part, UTF-8
  std::string message_id;  // "<...@ims>", stable per delivery row so a resend is recognisable
};

// retry: transient (connection refused, timeout, 4xx). failed: permanent (5xx, bad address,
// refused input); sending it again would fail the same way.
enum class SendStatus { sent, retry, failed };

struct SendResult {
  SendStatus status = SendStatus::failed;
  std::string detail;  // short, for the delivery row's last error and the logs
  long smtp_code = 0;  // the server's last reply code, 0 when none was received
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual SendResult send(const MailMessage& message) = 0;
};

struct SmtpSettings {
  std::string url;       // smtp://host:port (STARTTLS when offered) or smtps://host:port
  std::string user;      // when non-empty, wins over a user in the URL
  std::string password;  // when non-empty, wins over a password in the URL
  std::string from;      // "IMS <ims@example.com>" or a bare address
  long timeout_ms = 10000;
};

SmtpSettings smtp_settings(const Config& config);

// One libcurl easy handle per send: the worker sends seldom, and nothing is shared between threads.
class SmtpMailer final : public Mailer {
 public:
  explicit SmtpMailer(SmtpSettings settings);
  SendResult send(const MailMessage& message) override;

 private:
  SmtpSettings settings_;
};

// The whole message as uploaded: headers, then multipart/alternative with a text/plain and a
// text/html part, both UTF-8 in base64 (lines of 76). CRLF line ends throughout; bare LFs in the
// parts become CRLF, the canonical form of text. `boundary` must not occur in the parts' encoding
// (base64 never produces "=_", so a boundary starting with "=_" is safe).
std::string mime_message(const MailMessage& m, const std::string& from, const std::string& date_rfc5322,
                         const std::string& boundary);

// What a failed curl_easy_perform means for the delivery: the server's reply code decides when it
// is 4xx or 5xx, else the curl error. Unknown errors retry (the attempt limit ends them).
SendStatus classify_smtp_failure(int curl_code, long smtp_code);

// The address for MAIL FROM: "IMS <ims@x>" -> "ims@x"; a bare address is returned trimmed.
std::string address_of(const std::string& from);

}  // namespace ims::infra
