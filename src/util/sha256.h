// SHA-256 (FIPS 180-4), and hex conversion of digests.
//
// Used for the audit log's hash chain (one hash per record) and seals. The
// compression function has two implementations, chosen once per process:
// the x86 SHA extensions (SHA-NI, ~6x faster on the short messages of the
// chain) when the CPU has them, else portable C++. Both are checked against
// libsodium's SHA-256 in sha256_test.cc.
//
// Ours rather than OpenSSL's libcrypto (issue 12 asked for libcrypto unless
// ours is clearly faster): on the chain's messages (a 32-byte hash and a
// ~110-byte record) ours takes 149 ns and libcrypto's EVP interface 316 ns
// (0.47 : 1, bench/sha256_benchmark.cc, 2026-12-04), and the chain hashes
// once per append and once per verified record; on whole files (200 KiB,
// 8 MiB) the two run at the same speed (1.01 : 1).
//
// Sha256() and the hex helpers are thread-safe; a Sha256Hasher is a plain
// value (copyable, so a prefix can be hashed once and continued several
// ways) and must not be used from two threads at once.
#pragma once

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
  std::array<uint32_t, 8> state_;
  std::array<uint8_t, 64> buffer_;
  size_t buffered_ = 0;
  uint64_t length_ = 0;  // bytes hashed so far
};

namespace sha256_internal {
// The compression function over `blocks` 64-byte blocks.
using BlockFn = void (*)(uint32_t state[8], const uint8_t* data, size_t blocks);
void BlocksPortable(uint32_t state[8], const uint8_t* data, size_t blocks);
// nullptr when the CPU lacks the SHA extensions (or on other architectures).
BlockFn BlocksShaNi();
// Selects the implementation (tests): true = portable even if SHA-NI exists.
void ForcePortable(bool portable);
}  // namespace sha256_internal

// Lower-case hex, two characters per byte.
std::string ToHex(ByteSpan data);

// Parses exactly 64 hex digits (either case) into a digest. Anything else is
// InvalidArgument naming the problem; callers that read the text from disk
// should map that to Corruption with their own context.
Result<Sha256Digest> FromHex(std::string_view hex);

}  // namespace budget_audit
