#include "util/sha256.h"

#include <fmt/format.h>
#include <sodium/core.h>

namespace budget_audit {
namespace {

// sodium_init picks CPU-specific implementations and must run before other
// libsodium calls; it is idempotent, and the static makes it run once.
void EnsureSodiumInitialized() {
  static const int rc = sodium_init();
  // rc < 0 cannot happen on supported platforms, and crypto_hash_sha256 has a
  // single portable implementation that does not depend on it.
  (void)rc;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Sha256Digest Sha256(ByteSpan data) {
  EnsureSodiumInitialized();
  Sha256Digest out;
  crypto_hash_sha256(out.data(), data.data(), data.size());
  return out;
}

Sha256Hasher::Sha256Hasher() { Reset(); }

void Sha256Hasher::Reset() {
  EnsureSodiumInitialized();
  crypto_hash_sha256_init(&state_);
}

void Sha256Hasher::Update(ByteSpan data) {
  if (data.empty()) return;
  crypto_hash_sha256_update(&state_, data.data(), data.size());
}

Sha256Digest Sha256Hasher::Finish() {
  Sha256Digest out;
  crypto_hash_sha256_final(&state_, out.data());
  Reset();
  return out;
}

std::string ToHex(ByteSpan data) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(data.size() * 2, '\0');
  for (size_t i = 0; i < data.size(); ++i) {
    s[2 * i] = kDigits[data[i] >> 4];
    s[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return s;
}

Result<Sha256Digest> FromHex(std::string_view hex) {
  if (hex.size() != 2 * kSha256Size) {
    return Status::InvalidArgument(
        fmt::format("SHA-256 hex digest must be {} characters, got {}", 2 * kSha256Size, hex.size()));
  }
  Sha256Digest out;
  for (size_t i = 0; i < kSha256Size; ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      size_t at = hi < 0 ? 2 * i : 2 * i + 1;
      return Status::InvalidArgument(
          fmt::format("SHA-256 hex digest has a non-hex character at position {}", at));
    }
    out[i] = static_cast<uint8_t>((hi << 4) | lo);
  }
  return out;
}

}  // namespace budget_audit
