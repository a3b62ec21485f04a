#pragma once
// The development mail catcher's Maildir ($IMS_DATA_DIR/mail/new, one file per message), read the
// way a mail client would: headers, and the text and HTML parts decoded from base64.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/base64.hpp"
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

// new/ under $IMS_DATA_DIR, or under `data_dir` when that is not set.
inline std::string maildir(const std::string& data_dir = "") {
  return env_or("IMS_DATA_DIR", data_dir) + "/mail/new";
}

// A stored message as it is on disk.
inline std::string read_stored(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
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
    auto mail = parse_mail(entry.path().string(), read_stored(entry.path()));
    if (mail.subject.find(needle) != std::string::npos) out.push_back(std::move(mail));
  }
  return out;
}

}  // namespace ims::test
