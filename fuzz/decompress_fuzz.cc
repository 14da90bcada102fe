// libFuzzer target for parquet::Decompress.
//
// Byte 0 selects the codec (low 3 bits, so LZO and its NotSupported path
// are included) and the mode (bit 3):
//   raw mode        bytes 1..3 are a little-endian expected size (capped at
//                   1 MiB) and the rest is fed to Decompress as compressed
//                   data.
//   round-trip mode the rest is plain data; it is compressed, one byte of
//                   the result is XORed with byte 2 at a position chosen by
//                   byte 1, and it is decompressed with an expected size
//                   off by (int8) byte 3. This reaches deep into the codec
//                   libraries, which are not coverage-instrumented.
// Invariants checked beyond "no crash, no sanitizer report":
//   - success means exactly the expected number of bytes;
//   - failure is Corruption (or NotSupported for LZO), never anything else;
//   - whatever decompresses re-compresses and decompresses back to itself;
//   - an unmodified round trip returns the original data.
//
// Set BA_FUZZ_CODEC=<codec number> to pin every input to one codec (for
// spending a fixed time per codec family).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "parquet/compression.h"

namespace {

using budget_audit::Bytes;
using budget_audit::ByteSpan;
using budget_audit::Status;
using budget_audit::StatusCode;
using budget_audit::parquet::Codec;
namespace pq = budget_audit::parquet;

int g_pinned_codec = -1;

[[noreturn]] void Fail(const char* what, const Status& st) {
  std::fprintf(stderr, "decompress_fuzz: %s: %s\n", what, st.ToString().c_str());
  std::abort();
}

// Checks the Decompress contract for one call; returns the bytes on success.
const Bytes* CheckDecompress(Codec codec, ByteSpan input, size_t expected, Bytes* storage) {
  auto r = pq::Decompress(codec, input, expected);
  if (!r.ok()) {
    const StatusCode code = r.status().code();
    if (code == StatusCode::kNotSupported && codec == Codec::LZO) return nullptr;
    if (code != StatusCode::kCorruption) Fail("unexpected error code", r.status());
    return nullptr;
  }
  if (r->size() != expected) Fail("wrong size", Status::OK());
  *storage = std::move(*r);
  return storage;
}

void CheckRecompress(Codec codec, const Bytes& plain) {
  auto again = pq::Compress(codec, plain);
  if (!again.ok()) Fail("re-compress failed", again.status());
  auto back = pq::Decompress(codec, *again, plain.size());
  if (!back.ok()) Fail("round trip failed", back.status());
  if (*back != plain) Fail("round trip differs", Status::OK());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* env = std::getenv("BA_FUZZ_CODEC")) g_pinned_codec = std::atoi(env) & 7;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  const Codec codec = static_cast<Codec>(g_pinned_codec >= 0 ? g_pinned_codec : data[0] & 7);
  const bool round_trip_mode = (data[0] & 8) != 0;
  ByteSpan rest(data + 4, size - 4);
  Bytes storage;

  if (!round_trip_mode) {
    const size_t expected =
        (size_t{data[1]} | size_t{data[2]} << 8 | size_t{data[3]} << 16) % ((size_t{1} << 20) + 1);
    if (const Bytes* out = CheckDecompress(codec, rest, expected, &storage)) {
      CheckRecompress(codec, *out);
    }
    return 0;
  }

  auto compressed = pq::Compress(codec, rest);
  if (!compressed.ok()) {
    if (codec == Codec::LZO && compressed.status().code() == StatusCode::kNotSupported) return 0;
    Fail("compress failed", compressed.status());
  }
  const uint8_t flip = data[2];
  const auto delta = static_cast<int8_t>(data[3]);
  if (!compressed->empty()) {
    (*compressed)[data[1] * compressed->size() / 256] ^= flip;
  }
  if (delta < 0 && static_cast<size_t>(-delta) > rest.size()) return 0;
  const size_t expected = rest.size() + static_cast<size_t>(static_cast<ptrdiff_t>(delta));
  const Bytes* out = CheckDecompress(codec, *compressed, expected, &storage);
  if (flip == 0 && delta == 0) {
    if (out == nullptr) Fail("clean round trip failed", Status::OK());
    if (!std::equal(out->begin(), out->end(), rest.begin(), rest.end())) {
      Fail("clean round trip differs", Status::OK());
    }
  }
  if (out != nullptr) CheckRecompress(codec, *out);
  return 0;
}
