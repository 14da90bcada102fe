// SHA-256 (FIPS 180-4) via libsodium, and hex conversion of digests.
//
// Used for the audit log's hash chain and seals. Sha256() and the hex
// helpers are thread-safe; a Sha256Hasher is a plain value (copyable, so a
// prefix can be hashed once and continued several ways) and must not be
// used from two threads at once.
#pragma once

#include <sodium/crypto_hash_sha256.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "budget_audit/status.h"
#include "util/bytes.h"

namespace budget_audit {

inline constexpr size_t kSha256Size = 32;
using Sha256Digest = std::array<uint8_t, kSha256Size>;

// The digest of `data`.
Sha256Digest Sha256(ByteSpan data);

// Incremental hashing: Update any number of times, then Finish once.
// Finish leaves the hasher empty, as if Reset() had been called.
class Sha256Hasher {
 public:
  Sha256Hasher();

  void Update(ByteSpan data);
  void Update(std::string_view data) { Update(AsSpan(data)); }
  Sha256Digest Finish();
  // Discards everything hashed so far.
  void Reset();

 private:
  crypto_hash_sha256_state state_;
};

// Lower-case hex, two characters per byte.
std::string ToHex(ByteSpan data);

// Parses exactly 64 hex digits (either case) into a digest. Anything else is
// InvalidArgument naming the problem; callers that read the text from disk
// should map that to Corruption with their own context.
Result<Sha256Digest> FromHex(std::string_view hex);

}  // namespace budget_audit
