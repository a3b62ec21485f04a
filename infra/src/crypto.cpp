#include "ims/infra/crypto.hpp"

#include <sodium.h>

#include <stdexcept>
#include <vector>

namespace ims::infra {
namespace {

void ensure_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium initialisation failed");
}

}  // namespace

PasswordHasher::PasswordHasher(int opslimit, int memlimit_kib)
    : opslimit_(static_cast<unsigned long long>(opslimit)),
      memlimit_bytes_(static_cast<std::size_t>(memlimit_kib) * 1024) {
  ensure_sodium();
  dummy_hash_ = hash("dummy password used to equalise timing");
}

std::string PasswordHasher::hash(const std::string& password) const {
  std::vector<char> out(crypto_pwhash_STRBYTES);
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), opslimit_, memlimit_bytes_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing ran out of memory");
  }
  return std::string(out.data());
}

bool PasswordHasher::verify(const std::string& stored_hash, const std::string& password) const {
  return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::verify_dummy(const std::string& password) const {
  (void)verify(dummy_hash_, password);
}

std::string base64url_encode(const std::string& data) {
  std::vector<char> out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING));
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(out.data());
}

std::string random_token(std::size_t bytes) {
  ensure_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  return base64url_encode(raw);
}

std::string random_hex(std::size_t bytes) {
  ensure_sodium();
  std::vector<unsigned char> raw(bytes);
  randombytes_buf(raw.data(), raw.size());
  std::vector<char> hex(bytes * 2 + 1);
  sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
  return std::string(hex.data());
}

std::string sha256_hex(const std::string& data) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

}  // namespace ims::infra
