#include "util/sha256.h"

#include <atomic>
#include <cstring>

#include <fmt/format.h>

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>
#endif

namespace budget_audit {
namespace sha256_internal {
namespace {

constexpr uint32_t kRound[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t kInitial[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

inline uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

inline uint32_t LoadBigEndian32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

#if defined(__x86_64__)
// Four rounds: the message words plus round constants in `wk`, two rounds
// per sha256rnds2 (the low half of wk, then the high half).
#define BA_SHA_FOUR_ROUNDS(wk)                                               \
  do {                                                                       \
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, (wk));                          \
    abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32((wk), 0x0E)); \
  } while (0)

__attribute__((target("sha,sse4.1,ssse3"))) void BlocksNi(uint32_t state[8], const uint8_t* data,
                                                          size_t blocks) {
  const __m128i byteswap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  // The instructions keep the state as (a,b,e,f) and (c,d,g,h), highest lane first.
  __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
  __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
  __m128i cdab = _mm_shuffle_epi32(dcba, 0xB1);
  __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1B);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xF0);
  const auto* k = reinterpret_cast<const __m128i*>(kRound);
  for (; blocks > 0; --blocks, data += 64) {
    const __m128i abef_in = abef, cdgh_in = cdgh;
    __m128i w[4];
    for (int i = 0; i < 4; ++i) {
      w[i] = _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(data + 16 * i)), byteswap);
      BA_SHA_FOUR_ROUNDS(_mm_add_epi32(w[i], _mm_loadu_si128(k + i)));
    }
    // Words 16..63, four at a time, from the four groups before them.
    for (int i = 4; i < 16; ++i) {
      __m128i& oldest = w[i & 3];  // words i*4-16 .. i*4-13, replaced by i*4 .. i*4+3
      const __m128i& newest = w[(i - 1) & 3];
      __m128i t = _mm_sha256msg1_epu32(oldest, w[(i - 3) & 3]);
      t = _mm_add_epi32(t, _mm_alignr_epi8(newest, w[(i - 2) & 3], 4));
      oldest = _mm_sha256msg2_epu32(t, newest);
      BA_SHA_FOUR_ROUNDS(_mm_add_epi32(oldest, _mm_loadu_si128(k + i)));
    }
    abef = _mm_add_epi32(abef, abef_in);
    cdgh = _mm_add_epi32(cdgh, cdgh_in);
  }
  // Back to (a,b,c,d) and (e,f,g,h), lowest lane first.
  __m128i feba = _mm_shuffle_epi32(abef, 0x1B);
  __m128i dchg = _mm_shuffle_epi32(cdgh, 0xB1);
  dcba = _mm_blend_epi16(feba, dchg, 0xF0);
  hgfe = _mm_alignr_epi8(dchg, feba, 8);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), dcba);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), hgfe);
}
#undef BA_SHA_FOUR_ROUNDS

bool CpuHasShaNi() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  const bool sha = (b >> 29) & 1;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool ssse3 = (c >> 9) & 1, sse41 = (c >> 19) & 1;
  return sha && ssse3 && sse41;
}
#endif

std::atomic<bool> force_portable{false};

BlockFn Selected() {
  static const BlockFn ni = BlocksShaNi();
  if (ni != nullptr && !force_portable.load(std::memory_order_relaxed)) return ni;
  return &BlocksPortable;
}

}  // namespace

void BlocksPortable(uint32_t state[8], const uint8_t* data, size_t blocks) {
  for (; blocks > 0; --blocks, data += 64) {
    uint32_t w[64];
    for (int t = 0; t < 16; ++t) w[t] = LoadBigEndian32(data + 4 * t);
    for (int t = 16; t < 64; ++t) {
      const uint32_t s0 = Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
      const uint32_t s1 = Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
      w[t] = w[t - 16] + s0 + w[t - 7] + s1;
    }
    uint32_t a = state[0], b = state[1], c = state[2], d = state[3];
    uint32_t e = state[4], f = state[5], g = state[6], h = state[7];
    for (int t = 0; t < 64; ++t) {
      const uint32_t t1 =
          h + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kRound[t] + w[t];
      const uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      h = g;
      g = f;
      f = e;
      e = d + t1;
      d = c;
      c = b;
      b = a;
      a = t1 + t2;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
    state[4] += e;
    state[5] += f;
    state[6] += g;
    state[7] += h;
  }
}

BlockFn BlocksShaNi() {
#if defined(__x86_64__)
  static const bool has = CpuHasShaNi();
  if (has) return &BlocksNi;
#endif
  return nullptr;
}

void ForcePortable(bool portable) { force_portable.store(portable, std::memory_order_relaxed); }

}  // namespace sha256_internal

namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Sha256Digest Sha256(ByteSpan data) {
  Sha256Hasher h;
  h.Update(data);
  return h.Finish();
}

Sha256Hasher::Sha256Hasher() { Reset(); }

void Sha256Hasher::Reset() {
  std::memcpy(state_.data(), sha256_internal::kInitial, sizeof(sha256_internal::kInitial));
  buffered_ = 0;
  length_ = 0;
}

void Sha256Hasher::Update(ByteSpan data) {
  if (data.empty()) return;
  const sha256_internal::BlockFn blocks = sha256_internal::Selected();
  const uint8_t* p = data.data();
  size_t n = data.size();
  length_ += n;
  if (buffered_ > 0) {
    const size_t take = std::min(n, buffer_.size() - buffered_);
    std::memcpy(buffer_.data() + buffered_, p, take);
    buffered_ += take;
    p += take;
    n -= take;
    if (buffered_ < buffer_.size()) return;
    blocks(state_.data(), buffer_.data(), 1);
    buffered_ = 0;
  }
  if (n >= 64) {
    blocks(state_.data(), p, n / 64);
    p += n / 64 * 64;
    n %= 64;
  }
  if (n > 0) {
    std::memcpy(buffer_.data(), p, n);
    buffered_ = n;
  }
}

Sha256Digest Sha256Hasher::Finish() {
  const sha256_internal::BlockFn blocks = sha256_internal::Selected();
  const uint64_t bits = length_ * 8;
  // Padding: 0x80, zeros up to 56 mod 64, then the length in bits (big-endian).
  buffer_[buffered_++] = 0x80;
  if (buffered_ > 56) {
    std::memset(buffer_.data() + buffered_, 0, 64 - buffered_);
    blocks(state_.data(), buffer_.data(), 1);
    buffered_ = 0;
  }
  std::memset(buffer_.data() + buffered_, 0, 56 - buffered_);
  for (int i = 0; i < 8; ++i) buffer_[56 + i] = static_cast<uint8_t>(bits >> (56 - 8 * i));
  blocks(state_.data(), buffer_.data(), 1);
  Sha256Digest out;
  for (int i = 0; i < 8; ++i) {
    for (int j = 0; j < 4; ++j) out[4 * i + j] = static_cast<uint8_t>(state_[i] >> (24 - 8 * j));
  }
  Reset();
  return out;
}

std::string ToHex(ByteSpan data) {
  std::string s(data.size() * 2, '\0');
  for (size_t i = 0; i < data.size(); ++i) {
    s[2 * i] = kHexDigits[data[i] >> 4];
    s[2 * i + 1] = kHexDigits[data[i] & 0xf];
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
