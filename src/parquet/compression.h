// Page compression codecs: SNAPPY, GZIP, ZSTD, LZ4 (Hadoop), LZ4_RAW, BROTLI.
//
// Decompression is driven by the page header: the caller passes the
// uncompressed size it claims, and the result must have exactly that many
// bytes. That size is checked against kMaxDecompressedSize before anything
// is allocated, and no codec is ever allowed to write past it, so a
// decompression bomb costs at most `uncompressed_size` bytes of memory.
// Frame headers inside the compressed data (snappy's length varint, a zstd
// frame's content size, an LZ4 frame's content size) are checked against
// the expected size, never used to size a buffer.
//
// Accepted inputs per codec (parquet-notes §15):
//   UNCOMPRESSED  the bytes themselves (input size must equal the size).
//   SNAPPY        one raw snappy block (not the framed/stream format).
//   GZIP          one or more concatenated gzip members; zlib-wrapped
//                 deflate is also accepted (auto-detected per member).
//   ZSTD          one or more zstd frames (skippable frames allowed); a frame
//                 may decode to 0 bytes.
//   LZ4_RAW       one raw LZ4 block.
//   LZ4           Hadoop framing: repeated
//                   [u32 BE uncompressed length]
//                   then one or more [u32 BE compressed length][raw block]
//                   until that block's uncompressed length is produced;
//                 if that does not consume the input exactly, the LZ4 frame
//                 format (magic 04 22 4D 18) and then a single raw LZ4 block
//                 (old parquet-cpp) are tried.
//   BROTLI        one brotli stream.
//   LZO           NotSupported("LZO compression").
// An empty input with an expected size of 0 is accepted for every codec
// (a 0-byte V2 values section, parquet-notes §10).
//
// Errors: Corruption for malformed or wrong-sized data, with the codec name
// first ("ZSTD: decompressed to 10 bytes, page header says 12");
// ResourceExhausted when the expected size is over kMaxDecompressedSize or
// the compressed input over 2^31-1 bytes (a page's i32 size), and when
// Compress is given more than kMaxDecompressedSize bytes (it could not be
// read back); NotSupported for LZO and unknown codec numbers;
// InvalidArgument for a bad compression level.
//
// Compression levels (0 selects the default). Figures are from
// bench/compression_benchmark.cc's 1 MiB page (ratio, compress speed):
//   GZIP    1..9, default 6, zlib's own (3.35, 14 MB/s). Arrow uses 9
//           (3.40, 2.4 MB/s). Writes one gzip member.
//   ZSTD    ZSTD_minCLevel()..ZSTD_maxCLevel() except 0, default 1, as
//           Arrow's kZSTDDefaultCompressionLevel (3.27, 400 MB/s).
//   BROTLI  1..11, default 5 (3.50, 37 MB/s). Arrow uses 8 (3.55, 15 MB/s);
//           1 gives 3.08 at 185 MB/s. Quality 0 cannot be selected. Window
//           2^22 (BROTLI_DEFAULT_WINDOW), as Arrow.
//   UNCOMPRESSED, SNAPPY, LZ4, LZ4_RAW ignore the level.
// LZ4 (Hadoop) output is one block: [u32 BE n][u32 BE compressed n][block],
// as Arrow writes it.
//
// Thread safety: all functions may be called concurrently; codec contexts
// are cached per thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "budget_audit/status.h"
#include "parquet/types.h"
#include "util/bytes.h"

namespace budget_audit::parquet {

// Largest uncompressed size Decompress accepts (1 GiB). Note that
// parquet-testing's large_string_map.brotli.parquet has two pages of just
// over 1 GiB and is refused because of this.
inline constexpr size_t kMaxDecompressedSize = size_t{1} << 30;

// Default levels used when `level` is 0.
inline constexpr int kGzipDefaultLevel = 6;
inline constexpr int kZstdDefaultLevel = 1;
inline constexpr int kBrotliDefaultLevel = 5;

// Decompresses `input` (borrowed for the call) to exactly
// `uncompressed_size` bytes.
Result<Bytes> Decompress(Codec codec, ByteSpan input, size_t uncompressed_size);

// Decompresses `input` into `output`, which must be exactly the expected
// uncompressed size (e.g. the tail of a V2 page buffer after its levels).
// On error the contents of `output` are unspecified.
Status DecompressTo(Codec codec, ByteSpan input, std::span<uint8_t> output);

// Compresses `input` with `codec`; `level` 0 is the codec's default.
Result<Bytes> Compress(Codec codec, ByteSpan input, int level = 0);

// Like Compress, but appends the compressed bytes to `*out` (existing
// contents are kept), avoiding a copy when building a page. On error `*out`
// is restored to its previous size. `input` must not point into `*out`.
Status CompressInto(Codec codec, ByteSpan input, Bytes* out, int level = 0);

// Whether Compress/Decompress handle `codec` (false for LZO and unknown
// values).
bool IsCodecSupported(Codec codec);

}  // namespace budget_audit::parquet
