#pragma once
// The development mail catcher's Maildir ($IMS_DATA_DIR/mail/new, one file per message), read the
// way a mail client would: headers, and the text and HTML parts decoded from base64.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/http_client.hpp"

namespace ims::test {

struct Mail {
  std::string file;
  std::string to;
  std::string subject;
  std::string message_id;
  std::string text;
  std::string html;
};

inline std::string maildir() {
  return env_or("IMS_DATA_DIR", "") + "/mail/new";
}

inline std::string base64_decode(const std::string& in) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    const auto v = alphabet.find(c);
    if (v == std::string::npos) continue;
    buffer = buffer << 6 | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(buffer >> bits & 0xFF);
    }
  }
  return out;
}

inline Mail parse_mail(const std::string& file, std::string raw) {
  raw.erase(std::remove(raw.begin(), raw.end(), '\r'), raw.end());
  Mail m;
  m.file = file;
  const auto end_of_headers = raw.find("\n\n");
  const auto headers = "\n" + raw.substr(0, end_of_headers) + "\n";
  auto header = [&](const std::string& name) {
    const auto at = headers.find("\n" + name + ": ");
    if (at == std::string::npos) return std::string();
    auto start = at + name.size() + 3;
    auto end = headers.find('\n', start);
    std::string value = headers.substr(start, end - start);
    while (end + 1 < headers.size() && (headers[end + 1] == ' ' || headers[end + 1] == '\t')) {  // folded
      const auto next = headers.find('\n', end + 1);
      value += headers.substr(end + 1, next - end - 1);
      end = next;
    }
    return value;
  };
  m.to = header("To");
  m.subject = header("Subject");
  m.message_id = header("Message-ID");
  if (m.message_id.empty()) m.message_id = header("Message-Id");
  auto part = [&](const std::string& type) {
    const auto at = raw.find("Content-Type: " + type);
    if (at == std::string::npos) return std::string();
    const auto body = raw.find("\n\n", at) + 2;
    const auto end = raw.find("\n--", body);
    return base64_decode(raw.substr(body, end - body));
  };
  m.text = part("text/plain");
  m.html = part("text/html");
  return m;
}

// Every message in the catcher whose subject contains `needle`.
inline std::vector<Mail> mails_about(const std::string& needle) {
  std::vector<Mail> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(maildir(), ec)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto mail = parse_mail(entry.path().string(), buffer.str());
    if (mail.subject.find(needle) != std::string::npos) out.push_back(std::move(mail));
  }
  return out;
}

}  // namespace ims::test
