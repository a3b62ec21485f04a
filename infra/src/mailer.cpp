#include "ims/infra/mailer.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "ims/infra/crypto.hpp"

namespace ims::infra {
namespace {

constexpr std::size_t max_detail = 300;
constexpr std::size_t max_reply = 160;
constexpr std::size_t base64_line = 76;  // RFC 2045's limit for encoded lines
// 39 bytes are 52 base64 characters, a 64-character word: "Subject: " and one word stay within
// RFC 2047's 76-character lines.
constexpr std::size_t encoded_word_bytes = 39;
// Longer plain subjects are folded as encoded-words too: a header line may not exceed 998.
constexpr std::size_t plain_subject_limit = 900;

std::string base64(std::string_view data, std::size_t line_length) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(data.size() * 4 / 3 + data.size() / 38 + 8);
  std::size_t on_line = 0;
  for (std::size_t i = 0; i < data.size(); i += 3) {
    const auto byte = [&](std::size_t k) {
      return k < data.size() ? static_cast<unsigned char>(data[k]) : 0u;
    };
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    const std::size_t present = std::min<std::size_t>(3, data.size() - i);
    const std::array<char, 4> quad{alphabet[v >> 18 & 63], alphabet[v >> 12 & 63],
                                   present > 1 ? alphabet[v >> 6 & 63] : '=',
                                   present > 2 ? alphabet[v & 63] : '='};
    for (char c : quad) {
      if (line_length != 0 && on_line == line_length) {
        out += "\r\n";
        on_line = 0;
      }
      out += c;
      ++on_line;
    }
  }
  return out;
}

// Text parts travel in canonical form: every line break CRLF, whatever the renderer produced.
std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r') {
      out += "\r\n";
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  return out;
}

// A header value can never end the header: send() refuses CR/LF, this keeps the pure helper safe too.
std::string one_line(std::string_view value) {
  std::string out(value);
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return out;
}

bool plain_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

// RFC 2047 B encoding, split into words of whole UTF-8 characters and folded onto lines of their own.
std::string encoded_words(std::string_view text) {
  std::string out;
  while (!text.empty()) {
    std::size_t n = std::min(encoded_word_bytes, text.size());
    while (n < text.size() && n > 1 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64(text.substr(0, n), 0) + "?=";
    text.remove_prefix(n);
  }
  return out;
}

std::string subject_value(std::string_view subject) {
  const bool plain = plain_ascii(subject) && subject.find("=?") == std::string_view::npos &&
                     subject.size() <= plain_subject_limit;
  return plain ? std::string(subject) : encoded_words(subject);
}

std::string_view trimmed(std::string_view s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

bool is_atext_or_space(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || std::strchr(" !#$%&'*+-/=?^_`{|}~", c) != nullptr;
}

// "IMS <ims@x>" as is; a display name with specials quoted, one beyond ASCII encoded.
std::string from_value(std::string_view from) {
  const auto open = from.rfind('<');
  if (open == std::string_view::npos || from.find('>', open) == std::string_view::npos) {
    return std::string(trimmed(from));
  }
  std::string_view name = trimmed(from.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  const std::string address = "<" + address_of(std::string(from)) + ">";
  if (name.empty()) return address;
  if (!plain_ascii(name)) return encoded_words(name) + " " + address;
  if (std::all_of(name.begin(), name.end(), is_atext_or_space)) return std::string(name) + " " + address;
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\" " + address;
}

std::string message_id_value(std::string_view id) {
  if (id.empty() || id.front() == '<') return std::string(id);
  return "<" + std::string(id) + ">";
}

void append_part(std::string& out, const std::string& boundary, std::string_view type,
                 std::string_view body) {
  out += "--" + boundary + "\r\n";
  out += "Content-Type: " + std::string(type) + "; charset=UTF-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n\r\n";
  out += base64(crlf_lines(body), base64_line);
  out += "\r\n";
}

std::string rfc5322_now() {
  static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  std::tm t{};
  gmtime_r(&now, &t);
  // Names spelled out here: strftime's %a and %b follow the locale, RFC 5322 wants English.
  char text[64];
  std::snprintf(text, sizeof text, "%s, %02d %s %04d %02d:%02d:%02d +0000", days.at(t.tm_wday), t.tm_mday,
                months.at(t.tm_mon), t.tm_year + 1900, t.tm_hour, t.tm_min, t.tm_sec);
  return text;
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

// Input that must never reach the wire: a line break in a header is an injected header.
std::optional<std::string> refusal(const MailMessage& m, const std::string& from) {
  if (trimmed(m.to).empty()) return "refused: the message has no recipient";
  if (has_line_break(m.to)) return "refused: the recipient contains CR or LF (header injection)";
  if (has_line_break(m.subject)) return "refused: the subject contains CR or LF (header injection)";
  if (has_line_break(m.message_id)) return "refused: the Message-ID contains CR or LF (header injection)";
  if (has_line_break(from)) return "refused: the sender (IMS_MAIL_FROM) contains CR or LF";
  const auto control = [](std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
  };
  if (control(m.to) || control(m.message_id))
    return "refused: control characters in the recipient or Message-ID";
  return std::nullopt;
}

// --- libcurl -----------------------------------------------------------------------------------

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using CurlList = std::unique_ptr<curl_slist, SlistDeleter>;

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What the transfer reads from and writes to; outlives the easy handle, whose cleanup (QUIT) may
// still call the debug callback.
struct Transfer {
  std::string_view unsent;  // the rest of the message to upload
  std::string last_reply;   // the server's last reply line, e.g. "250 OK"
  // The last 4xx/5xx line, e.g. "553 5.1.3 Error: malformed address": after a refusal libcurl
  // still says QUIT, so the last reply is then only "221 Bye".
  std::string last_refusal;
  char error[CURL_ERROR_SIZE] = "";
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* userdata) {
  auto& unsent = static_cast<Transfer*>(userdata)->unsent;
  const std::size_t n = std::min(size * count, unsent.size());
  std::memcpy(buffer, unsent.data(), n);
  unsent.remove_prefix(n);
  return n;
}

// libcurl reports SMTP reply codes but not their text, which says why a server refused.
int on_debug(CURL*, curl_infotype type, char* data, std::size_t size, void* userdata) {
  if (type != CURLINFO_HEADER_IN) return 0;
  std::string_view text(data, size);
  while (!text.empty() && (text.back() == '\r' || text.back() == '\n')) text.remove_suffix(1);
  if (const auto nl = text.rfind('\n'); nl != std::string_view::npos) text.remove_prefix(nl + 1);
  if (text.empty()) return 0;
  auto& transfer = *static_cast<Transfer*>(userdata);
  transfer.last_reply = std::string(text.substr(0, max_reply));
  if (text.front() == '4' || text.front() == '5') transfer.last_refusal = transfer.last_reply;
  return 0;
}

void configure(CURL* curl, const SmtpSettings& s, const std::string& mail_from, curl_slist* rcpt,
               Transfer& transfer, std::size_t size) {
  curl_easy_setopt(curl, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  // STARTTLS when offered; required once there are credentials, so a password never travels in clear.
  const auto authority = s.url.substr(0, s.url.find('/', s.url.find("://") + 3));
  const bool credentials = !s.user.empty() || authority.find('@') != std::string::npos;
  curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(credentials ? CURLUSESSL_ALL : CURLUSESSL_TRY));
  if (!s.user.empty()) curl_easy_setopt(curl, CURLOPT_USERNAME, s.user.c_str());  // wins over the URL's
  if (!s.password.empty()) curl_easy_setopt(curl, CURLOPT_PASSWORD, s.password.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(size));  // SIZE= on MAIL FROM
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, s.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, s.timeout_ms);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in a threaded worker
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer.error);
  curl_easy_setopt(curl, CURLOPT_DEBUGFUNCTION, on_debug);
  curl_easy_setopt(curl, CURLOPT_DEBUGDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_VERBOSE, 1L);  // only feeds on_debug, nothing is printed
}

std::string describe(CURLcode rc, long code, const Transfer& transfer) {
  std::string detail = transfer.error[0] != '\0' ? transfer.error : curl_easy_strerror(rc);
  if (code >= 400 && !transfer.last_refusal.empty()) {
    detail += " (server: " + transfer.last_refusal + ")";
  } else if (code != 0) {
    detail += " (SMTP " + std::to_string(code) + ")";
  }
  if (detail.size() > max_detail) detail.resize(max_detail);
  return detail;
}

}  // namespace

SmtpSettings smtp_settings(const Config& config) {
  return {config.smtp_url, config.smtp_user, config.smtp_password, config.mail_from, config.smtp_timeout_ms};
}

std::string address_of(const std::string& from) {
  const auto open = from.rfind('<');
  if (open != std::string::npos) {
    const auto close = from.find('>', open);
    if (close != std::string::npos) {
      return std::string(trimmed(std::string_view(from).substr(open + 1, close - open - 1)));
    }
  }
  return std::string(trimmed(from));
}

std::string mime_message(const MailMessage& m, const std::string& from, const std::string& date_rfc5322,
                         const std::string& boundary) {
  std::string out;
  out.reserve(512 + (m.text.size() + m.html.size()) * 14 / 10);
  out += "From: " + from_value(one_line(from)) + "\r\n";
  out += "To: " + one_line(m.to) + "\r\n";
  out += "Subject: " + subject_value(one_line(m.subject)) + "\r\n";
  out += "Date: " + one_line(date_rfc5322) + "\r\n";
  if (!m.message_id.empty()) out += "Message-ID: " + message_id_value(one_line(m.message_id)) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  // RFC 3834: tells autoresponders (vacation replies) not to answer a machine.
  out += "Auto-Submitted: auto-generated\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  append_part(out, boundary, "text/plain", m.text);
  append_part(out, boundary, "text/html", m.html);
  out += "--" + boundary + "--\r\n";
  return out;
}

SendStatus classify_smtp_failure(int curl_code, long smtp_code) {
  if (curl_code == CURLE_OK) return SendStatus::sent;
  if (smtp_code >= 500 && smtp_code < 600) return SendStatus::failed;
  if (smtp_code >= 400 && smtp_code < 500) return SendStatus::retry;
  switch (static_cast<CURLcode>(curl_code)) {
    // Wrong settings or a server we must not trust: the same message would fail the same way.
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_LOGIN_DENIED:
    case CURLE_AUTH_ERROR:
    case CURLE_USE_SSL_FAILED:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_NOT_BUILT_IN:
    case CURLE_BAD_FUNCTION_ARGUMENT:
    case CURLE_UNKNOWN_OPTION:
      return SendStatus::failed;
    // Connection refused, no DNS, timeouts, a dropped connection: the server may be back later.
    // Anything not named above retries too; the caller's attempt limit turns it into failed.
    default:
      return SendStatus::retry;
  }
}

SmtpMailer::SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {}

SendResult SmtpMailer::send(const MailMessage& message) {
  if (auto refused = refusal(message, settings_.from)) return {SendStatus::failed, *refused, 0};
  const std::string payload = mime_message(message, settings_.from, rfc5322_now(), "=_ims_" + random_hex(12));
  const std::string mail_from = address_of(settings_.from);
  init_curl_once();
  // Declared before the handle, so they outlive its cleanup.
  Transfer transfer;
  transfer.unsent = payload;
  CurlList rcpt(curl_slist_append(nullptr, message.to.c_str()));
  CurlHandle curl(curl_easy_init());
  if (!curl || !rcpt) return {SendStatus::retry, "libcurl could not allocate a handle", 0};
  configure(curl.get(), settings_, mail_from, rcpt.get(), transfer, payload.size());
  const CURLcode rc = curl_easy_perform(curl.get());
  long code = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &code);
  if (rc == CURLE_OK) return {SendStatus::sent, transfer.last_reply, code};
  return {classify_smtp_failure(rc, code), describe(rc, code, transfer), code};
}

}  // namespace ims::infra
