#pragma once
// Base64 as a mail client reads it; the standard library only, so unit tests may include it too.
#include <string>

namespace ims::test {

inline std::string base64_decode(const std::string& in) {
  static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    const auto v = alphabet.find(c);
    if (v == std::string::npos) continue;  // line breaks and padding
    buffer = buffer << 6 | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(buffer >> bits & 0xFF);
    }
  }
  return out;
}

}  // namespace ims::test
