// Our SHA-256 (SHA-NI when the CPU has it, util/sha256.h) against OpenSSL's
// libcrypto, on what the log hashes: the chain's messages (hash(seq - 1),
// 32 bytes, then the canonical record, ~110 bytes: one per append, one per
// record that verify checks) and whole sealed month files (~200 KiB for a
// month of one-minute ticks; hashed at each seal and by every reader).
// Issue 12 asks to use libcrypto unless ours is clearly faster; the figures
// decide it (bench/PROFILES.md).
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <cstring>
#include <random>

#include "util/sha256.h"

namespace budget_audit {
namespace {

// A chain message: a previous hash and a canonical record of `record_bytes`.
Bytes Message(size_t record_bytes) {
  std::mt19937_64 rng(7);
  Bytes b(32 + record_bytes);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

void BM_ChainOurs(benchmark::State& state) {
  const Bytes m = Message(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    Sha256Hasher h;
    h.Update(ByteSpan(m.data(), 32));
    h.Update(ByteSpan(m.data() + 32, m.size() - 32));
    benchmark::DoNotOptimize(h.Finish());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * m.size()));
}

// libcrypto as a chain would use it: one EVP_MD_CTX kept, reset per message.
void BM_ChainLibcrypto(benchmark::State& state) {
  const Bytes m = Message(static_cast<size_t>(state.range(0)));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const EVP_MD* md = EVP_sha256();
  unsigned char out[32];
  unsigned int n = 0;
  for (auto _ : state) {
    EVP_DigestInit_ex(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, m.data(), 32);
    EVP_DigestUpdate(ctx, m.data() + 32, m.size() - 32);
    EVP_DigestFinal_ex(ctx, out, &n);
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_CTX_free(ctx);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * m.size()));
}

BENCHMARK(BM_ChainOurs)->Arg(64)->Arg(110)->Arg(4200);
BENCHMARK(BM_ChainLibcrypto)->Arg(64)->Arg(110)->Arg(4200);

void BM_FileOurs(benchmark::State& state) {
  const Bytes m = Message(static_cast<size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Sha256(m));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * m.size()));
}

void BM_FileLibcrypto(benchmark::State& state) {
  const Bytes m = Message(static_cast<size_t>(state.range(0)));
  unsigned char out[32];
  unsigned int n = 0;
  for (auto _ : state) {
    EVP_Digest(m.data(), m.size(), out, &n, EVP_sha256(), nullptr);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * m.size()));
}

BENCHMARK(BM_FileOurs)->Arg(200 << 10)->Arg(8 << 20);
BENCHMARK(BM_FileLibcrypto)->Arg(200 << 10)->Arg(8 << 20);

}  // namespace
}  // namespace budget_audit
