#pragma once
// Passwords (argon2id, libsodium), random tokens and hashes.
#include <string>

namespace ims::infra {

class PasswordHasher {
 public:
  PasswordHasher(int opslimit, int memlimit_kib);
  std::string hash(const std::string& password) const;
  bool verify(const std::string& stored_hash, const std::string& password) const;
  // Spends the same work as verify() for an unknown user, so timing does not reveal usernames.
  void verify_dummy(const std::string& password) const;

 private:
  unsigned long long opslimit_;
  std::size_t memlimit_bytes_;
  std::string dummy_hash_;
};

std::string random_token(std::size_t bytes);  // url-safe base64, no padding
std::string random_hex(std::size_t bytes);
std::string sha256_hex(const std::string& data);
std::string base64url_encode(const std::string& data);

}  // namespace ims::infra
