#include "parquet/compression.h"

#include <brotli/decode.h>
#include <brotli/encode.h>
#include <fmt/format.h>
#include <lz4.h>
#include <lz4frame.h>
#include <snappy.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

namespace budget_audit::parquet {
namespace {

// CodecName(), or the number for values outside the enum (read straight
// from a file): messages must always name the codec.
std::string CodecLabel(Codec codec) {
  std::string_view name = CodecName(codec);
  if (name == "UNKNOWN") return fmt::format("codec {}", static_cast<int32_t>(codec));
  return std::string(name);
}

Status SizeMismatch(Codec codec, size_t got, size_t want) {
  return Status::Corruption(
      fmt::format("{}: decompressed to {} bytes, page header says {}", CodecLabel(codec), got, want));
}

Status TooLarge(Codec codec, size_t want) {
  return Status::Corruption(fmt::format("{}: decompresses to more than the {} bytes the page header says",
                                        CodecLabel(codec), want));
}

Status Malformed(Codec codec, std::string_view detail) {
  return Status::Corruption(fmt::format("{}: malformed data: {}", CodecLabel(codec), detail));
}

Status Truncated(Codec codec) {
  return Status::Corruption(fmt::format("{}: compressed data ends early", CodecLabel(codec)));
}

// C libraries differ on whether a null pointer with length 0 is acceptable,
// and an empty std::span or vector may hand out null; give them a real byte.
const uint8_t kEmptyByte = 0;
const uint8_t* SrcPtr(ByteSpan s) { return s.empty() ? &kEmptyByte : s.data(); }
const char* SrcChars(ByteSpan s) { return reinterpret_cast<const char*>(SrcPtr(s)); }

uint32_t LoadU32BE(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
void StoreU32BE(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

// ---------------------------------------------------------------------------
// Per-thread codec contexts. Creating a zstd or zlib context costs more than
// decompressing a small page, so each thread keeps one.

struct InflateState {
  z_stream z{};
  bool ready = false;
  ~InflateState() {
    if (ready) inflateEnd(&z);
  }
};

struct DeflateState {
  z_stream z{};
  int level = 0;
  bool ready = false;
  ~DeflateState() {
    if (ready) deflateEnd(&z);
  }
};

struct ZstdDCtxDeleter {
  void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
};
struct ZstdCCtxDeleter {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct Lz4fDCtxDeleter {
  void operator()(LZ4F_dctx* c) const { LZ4F_freeDecompressionContext(c); }
};
struct BrotliDecoderDeleter {
  void operator()(BrotliDecoderState* s) const { BrotliDecoderDestroyInstance(s); }
};

ZSTD_DCtx* ThreadZstdDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, ZstdDCtxDeleter> ctx(ZSTD_createDCtx());
  return ctx.get();
}

ZSTD_CCtx* ThreadZstdCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, ZstdCCtxDeleter> ctx(ZSTD_createCCtx());
  return ctx.get();
}

LZ4F_dctx* ThreadLz4fDCtx() {
  thread_local std::unique_ptr<LZ4F_dctx, Lz4fDCtxDeleter> ctx([] {
    LZ4F_dctx* c = nullptr;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&c, LZ4F_VERSION))) return (LZ4F_dctx*)nullptr;
    return c;
  }());
  return ctx.get();
}

// ---------------------------------------------------------------------------
// Decompression. Every function writes into [dst, dst + cap) and nothing
// else; `dst` is never null.

Status DecompressSnappy(ByteSpan in, uint8_t* dst, size_t cap) {
  size_t claimed = 0;
  if (!snappy::GetUncompressedLength(SrcChars(in), in.size(), &claimed)) {
    return Malformed(Codec::SNAPPY, "bad uncompressed-length header");
  }
  if (claimed != cap) {
    return Status::Corruption(
        fmt::format("SNAPPY: data says {} uncompressed bytes, page header says {}", claimed, cap));
  }
  // RawUncompress bounds every write by the header length checked above and
  // fails unless the output is exactly that long.
  if (!snappy::RawUncompress(SrcChars(in), in.size(), reinterpret_cast<char*>(dst))) {
    return Malformed(Codec::SNAPPY, "invalid block");
  }
  return Status::OK();
}

Status DecompressGzip(ByteSpan in, uint8_t* dst, size_t cap) {
  thread_local InflateState state;
  z_stream& z = state.z;
  if (!state.ready) {
    z = z_stream{};
    // 15 + 32: 32 KiB window, gzip or zlib header detected per member.
    int rc = inflateInit2(&z, 15 + 32);
    if (rc != Z_OK) {
      return Status::ResourceExhausted(fmt::format("GZIP: inflateInit2 failed ({})", rc));
    }
    state.ready = true;
  } else if (inflateReset(&z) != Z_OK) {
    return Status::Internal("GZIP: inflateReset failed");
  }

  // Sizes fit uInt: DecompressTo caps input at INT32_MAX and output at 1 GiB.
  z.next_in = const_cast<Bytef*>(SrcPtr(in));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = dst;
  z.avail_out = static_cast<uInt>(cap);
  // Once `dst` is full, inflate into one spare byte: if it gets written, the
  // data is longer than the page header says.
  uint8_t spill = 0;
  bool spilling = false;
  for (;;) {
    int rc = inflate(&z, Z_NO_FLUSH);
    if (spilling && z.avail_out == 0) return TooLarge(Codec::GZIP, cap);
    if (rc == Z_STREAM_END) {
      if (z.avail_in == 0) break;
      // Another gzip member follows (concatenated_gzip_members).
      if (inflateReset(&z) != Z_OK) return Status::Internal("GZIP: inflateReset failed");
      continue;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) {
      if (z.avail_out == 0 && !spilling) {
        z.next_out = &spill;
        z.avail_out = 1;
        spilling = true;
        continue;
      }
      if (rc == Z_OK) continue;
      // Z_BUF_ERROR with output space left: the input ran out mid-member.
      return Truncated(Codec::GZIP);
    }
    if (rc == Z_MEM_ERROR) return Status::ResourceExhausted("GZIP: out of memory in inflate");
    if (rc == Z_NEED_DICT) return Malformed(Codec::GZIP, "stream needs a preset dictionary");
    return Malformed(Codec::GZIP, z.msg != nullptr ? z.msg : "inflate failed");
  }
  size_t produced = spilling ? cap : cap - z.avail_out;
  if (produced != cap) return SizeMismatch(Codec::GZIP, produced, cap);
  return Status::OK();
}

Status DecompressZstd(ByteSpan in, uint8_t* dst, size_t cap) {
  ZSTD_DCtx* dctx = ThreadZstdDCtx();
  if (dctx == nullptr) return Status::ResourceExhausted("ZSTD: cannot create a context");
  // One-shot decoding handles concatenated and skippable frames, decodes
  // straight into `dst` (no window buffer sized from the frame header), and
  // fails with dstSize_tooSmall rather than write past `cap`.
  size_t rc = ZSTD_decompressDCtx(dctx, dst, cap, SrcPtr(in), in.size());
  if (ZSTD_isError(rc)) {
    if (ZSTD_getErrorCode(rc) == ZSTD_error_dstSize_tooSmall) return TooLarge(Codec::ZSTD, cap);
    return Malformed(Codec::ZSTD, ZSTD_getErrorName(rc));
  }
  if (rc != cap) return SizeMismatch(Codec::ZSTD, rc, cap);
  return Status::OK();
}

Status DecompressLz4Raw(Codec label, ByteSpan in, uint8_t* dst, size_t cap) {
  int rc = LZ4_decompress_safe(SrcChars(in), reinterpret_cast<char*>(dst), static_cast<int>(in.size()),
                               static_cast<int>(cap));
  if (rc < 0) {
    return Status::Corruption(
        fmt::format("{}: malformed block, or it decompresses to more than the {} bytes the page header says",
                    CodecLabel(label), cap));
  }
  if (static_cast<size_t>(rc) != cap) return SizeMismatch(label, static_cast<size_t>(rc), cap);
  return Status::OK();
}

// Hadoop's BlockCompressorStream layout. True only if the input parses
// exactly and fills `cap` bytes; anything else means "not this format".
bool TryDecompressHadoopLz4(ByteSpan in, uint8_t* dst, size_t cap) {
  size_t pos = 0;
  size_t produced = 0;
  if (in.size() < 8) return false;
  while (pos < in.size()) {
    if (in.size() - pos < 4) return false;
    uint32_t block_len = LoadU32BE(in.data() + pos);
    pos += 4;
    if (block_len > cap - produced) return false;
    const size_t block_end = produced + block_len;
    // At least one sub-block, even for an empty block (Arrow writes
    // [0][1][00] for an empty page). Each round consumes >= 4 input bytes.
    do {
      if (in.size() - pos < 4) return false;
      uint32_t sub_len = LoadU32BE(in.data() + pos);
      pos += 4;
      if (sub_len > in.size() - pos) return false;
      int rc = LZ4_decompress_safe(reinterpret_cast<const char*>(in.data() + pos),
                                   reinterpret_cast<char*>(dst + produced), static_cast<int>(sub_len),
                                   static_cast<int>(block_end - produced));
      if (rc < 0) return false;
      produced += static_cast<size_t>(rc);
      pos += sub_len;
    } while (produced < block_end);
  }
  return produced == cap;
}

Status DecompressLz4Frame(ByteSpan in, uint8_t* dst, size_t cap) {
  LZ4F_dctx* dctx = ThreadLz4fDCtx();
  if (dctx == nullptr) return Status::ResourceExhausted("LZ4: cannot create a frame context");
  // A previous call may have failed half way through a frame.
  LZ4F_resetDecompressionContext(dctx);
  size_t in_pos = 0;
  size_t out_pos = 0;
  size_t hint = 1;  // non-zero: inside a frame (or none decoded yet)
  uint8_t spill = 0;
  while (in_pos < in.size() || hint != 0) {
    uint8_t* out = dst + out_pos;
    size_t out_len = cap - out_pos;
    const bool spilling = out_len == 0;
    if (spilling) {
      out = &spill;
      out_len = 1;
    }
    size_t in_len = in.size() - in_pos;
    hint = LZ4F_decompress(dctx, out, &out_len, SrcPtr(in) + in_pos, &in_len, nullptr);
    if (LZ4F_isError(hint)) return Malformed(Codec::LZ4, LZ4F_getErrorName(hint));
    if (spilling && out_len > 0) return TooLarge(Codec::LZ4, cap);
    if (in_len == 0 && out_len == 0) {
      if (in_pos == in.size()) return Truncated(Codec::LZ4);
      return Malformed(Codec::LZ4, "LZ4 frame decoder made no progress");
    }
    in_pos += in_len;
    if (!spilling) out_pos += out_len;
  }
  if (out_pos != cap) return SizeMismatch(Codec::LZ4, out_pos, cap);
  return Status::OK();
}

constexpr uint32_t kLz4FrameMagic = 0x184D2204;

Status DecompressLz4(ByteSpan in, uint8_t* dst, size_t cap) {
  if (TryDecompressHadoopLz4(in, dst, cap)) return Status::OK();
  // A raw block cannot start with the frame magic (its first token, 0x04,
  // would be a match at offset 0x4D22 into an empty output), so the two
  // fallbacks never compete.
  if (in.size() >= 4 && LoadU32LE(in.data()) == kLz4FrameMagic) {
    return DecompressLz4Frame(in, dst, cap);
  }
  // Old parquet-cpp wrote raw blocks under the LZ4 codec.
  Status raw = DecompressLz4Raw(Codec::LZ4, in, dst, cap);
  if (raw.ok()) return raw;
  return Status::Corruption(
      fmt::format("LZ4: not Hadoop-framed LZ4, an LZ4 frame, or a raw LZ4 block of {} bytes", cap));
}

Status DecompressBrotli(ByteSpan in, uint8_t* dst, size_t cap) {
  std::unique_ptr<BrotliDecoderState, BrotliDecoderDeleter> state(
      BrotliDecoderCreateInstance(nullptr, nullptr, nullptr));
  if (!state) return Status::ResourceExhausted("BROTLI: cannot create a decoder");
  size_t avail_in = in.size();
  const uint8_t* next_in = SrcPtr(in);
  size_t avail_out = cap;
  uint8_t* next_out = dst;
  uint8_t spill = 0;
  bool spilling = false;
  for (;;) {
    BrotliDecoderResult rc =
        BrotliDecoderDecompressStream(state.get(), &avail_in, &next_in, &avail_out, &next_out, nullptr);
    if (spilling && avail_out == 0) return TooLarge(Codec::BROTLI, cap);
    switch (rc) {
      case BROTLI_DECODER_RESULT_SUCCESS:
        if (avail_in != 0) {
          return Malformed(Codec::BROTLI, fmt::format("{} bytes after the end of the stream", avail_in));
        }
        {
          size_t produced = spilling ? cap : cap - avail_out;
          if (produced != cap) return SizeMismatch(Codec::BROTLI, produced, cap);
        }
        return Status::OK();
      case BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT:
        if (spilling) return TooLarge(Codec::BROTLI, cap);
        next_out = &spill;
        avail_out = 1;
        spilling = true;
        break;
      case BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT: return Truncated(Codec::BROTLI);
      case BROTLI_DECODER_RESULT_ERROR:
      default:
        return Malformed(Codec::BROTLI, BrotliDecoderErrorString(BrotliDecoderGetErrorCode(state.get())));
    }
  }
}

// ---------------------------------------------------------------------------
// Compression. Each appends to `out` (which CompressInto restores on error).

uint8_t* GrowBy(Bytes* out, size_t n) {
  size_t old = out->size();
  out->resize(old + n);
  return out->data() + old;
}

Status CompressSnappy(ByteSpan in, Bytes* out) {
  const size_t old = out->size();
  char* dst = reinterpret_cast<char*>(GrowBy(out, snappy::MaxCompressedLength(in.size())));
  size_t written = 0;
  snappy::RawCompress(SrcChars(in), in.size(), dst, &written);
  out->resize(old + written);
  return Status::OK();
}

Status CompressGzip(ByteSpan in, Bytes* out, int level) {
  if (level < 1 || level > 9) {
    return Status::InvalidArgument(fmt::format("GZIP: compression level {} not in 1..9", level));
  }
  thread_local DeflateState state;
  z_stream& z = state.z;
  if (state.ready && state.level != level) {
    deflateEnd(&z);
    state.ready = false;
  }
  if (!state.ready) {
    z = z_stream{};
    // 15 + 16: 32 KiB window with a gzip header and trailer.
    int rc = deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
    if (rc != Z_OK) {
      return Status::ResourceExhausted(fmt::format("GZIP: deflateInit2 failed ({})", rc));
    }
    state.ready = true;
    state.level = level;
  } else if (deflateReset(&z) != Z_OK) {
    return Status::Internal("GZIP: deflateReset failed");
  }
  const size_t old = out->size();
  const uLong bound = deflateBound(&z, static_cast<uLong>(in.size()));
  z.next_in = const_cast<Bytef*>(SrcPtr(in));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = GrowBy(out, bound);
  z.avail_out = static_cast<uInt>(bound);
  int rc = deflate(&z, Z_FINISH);
  if (rc != Z_STREAM_END) {
    return Status::Internal(fmt::format("GZIP: deflate returned {}", rc));
  }
  out->resize(old + z.total_out);
  return Status::OK();
}

Status CompressZstd(ByteSpan in, Bytes* out, int level) {
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    return Status::InvalidArgument(
        fmt::format("ZSTD: compression level {} not in {}..{}", level, ZSTD_minCLevel(), ZSTD_maxCLevel()));
  }
  ZSTD_CCtx* cctx = ThreadZstdCCtx();
  if (cctx == nullptr) return Status::ResourceExhausted("ZSTD: cannot create a context");
  const size_t old = out->size();
  const size_t bound = ZSTD_compressBound(in.size());
  uint8_t* dst = GrowBy(out, bound);
  size_t rc = ZSTD_compressCCtx(cctx, dst, bound, SrcPtr(in), in.size(), level);
  if (ZSTD_isError(rc)) {
    return Status::Internal(fmt::format("ZSTD: compression failed: {}", ZSTD_getErrorName(rc)));
  }
  out->resize(old + rc);
  return Status::OK();
}

// Appends one raw LZ4 block; returns its size.
Result<size_t> AppendLz4Block(Codec label, ByteSpan in, Bytes* out) {
  const int bound = LZ4_compressBound(static_cast<int>(in.size()));
  if (bound <= 0) {
    return Status::ResourceExhausted(
        fmt::format("{}: {} bytes is too large for one LZ4 block", CodecLabel(label), in.size()));
  }
  const size_t old = out->size();
  char* dst = reinterpret_cast<char*>(GrowBy(out, static_cast<size_t>(bound)));
  int rc = LZ4_compress_default(SrcChars(in), dst, static_cast<int>(in.size()), bound);
  if (rc <= 0) return Status::Internal(fmt::format("{}: LZ4 compression failed", CodecLabel(label)));
  out->resize(old + static_cast<size_t>(rc));
  return static_cast<size_t>(rc);
}

Status CompressLz4Hadoop(ByteSpan in, Bytes* out) {
  const size_t header_at = out->size();
  GrowBy(out, 8);
  BA_ASSIGN_OR_RETURN(size_t block_len, AppendLz4Block(Codec::LZ4, in, out));
  StoreU32BE(out->data() + header_at, static_cast<uint32_t>(in.size()));
  StoreU32BE(out->data() + header_at + 4, static_cast<uint32_t>(block_len));
  return Status::OK();
}

Status CompressBrotli(ByteSpan in, Bytes* out, int level) {
  if (level < 1 || level > BROTLI_MAX_QUALITY) {
    return Status::InvalidArgument(
        fmt::format("BROTLI: compression level {} not in 1..{}", level, BROTLI_MAX_QUALITY));
  }
  size_t bound = BrotliEncoderMaxCompressedSize(in.size());
  if (bound == 0) return Status::ResourceExhausted("BROTLI: input too large");
  const size_t old = out->size();
  uint8_t* dst = GrowBy(out, bound);
  size_t written = bound;
  if (!BrotliEncoderCompress(level, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, in.size(), SrcPtr(in),
                             &written, dst)) {
    return Status::Internal("BROTLI: compression failed");
  }
  out->resize(old + written);
  return Status::OK();
}

}  // namespace

bool IsCodecSupported(Codec codec) {
  switch (codec) {
    case Codec::UNCOMPRESSED:
    case Codec::SNAPPY:
    case Codec::GZIP:
    case Codec::BROTLI:
    case Codec::LZ4:
    case Codec::ZSTD:
    case Codec::LZ4_RAW: return true;
    case Codec::LZO: return false;
  }
  return false;
}

Status DecompressTo(Codec codec, ByteSpan input, std::span<uint8_t> output) {
  if (codec == Codec::LZO) return Status::NotSupported("LZO compression");
  if (!IsCodecSupported(codec)) {
    return Status::NotSupported(fmt::format("unknown compression codec {}", static_cast<int32_t>(codec)));
  }
  const size_t cap = output.size();
  if (cap > kMaxDecompressedSize) {
    return Status::ResourceExhausted(
        fmt::format("{}: page header says {} uncompressed bytes, more than the limit of {}",
                    CodecLabel(codec), cap, kMaxDecompressedSize));
  }
  // Page sizes are i32 in the format; this also keeps every length within
  // the int/uInt parameters of the C libraries.
  if (input.size() > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return Status::ResourceExhausted(
        fmt::format("{}: {} compressed bytes is more than a page can hold", CodecLabel(codec), input.size()));
  }
  if (input.empty()) {
    if (cap == 0) return Status::OK();
    return Status::Corruption(
        fmt::format("{}: no compressed bytes, page header says {}", CodecLabel(codec), cap));
  }
  uint8_t empty_out = 0;
  uint8_t* dst = cap == 0 ? &empty_out : output.data();
  switch (codec) {
    case Codec::UNCOMPRESSED:
      if (input.size() != cap) {
        return Status::Corruption(
            fmt::format("UNCOMPRESSED: page holds {} bytes, page header says {}", input.size(), cap));
      }
      std::memcpy(dst, input.data(), cap);
      return Status::OK();
    case Codec::SNAPPY: return DecompressSnappy(input, dst, cap);
    case Codec::GZIP: return DecompressGzip(input, dst, cap);
    case Codec::ZSTD: return DecompressZstd(input, dst, cap);
    case Codec::LZ4_RAW: return DecompressLz4Raw(Codec::LZ4_RAW, input, dst, cap);
    case Codec::LZ4: return DecompressLz4(input, dst, cap);
    case Codec::BROTLI: return DecompressBrotli(input, dst, cap);
    case Codec::LZO: break;
  }
  return Status::Internal("DecompressTo: unhandled codec");
}

Result<Bytes> Decompress(Codec codec, ByteSpan input, size_t uncompressed_size) {
  if (!IsCodecSupported(codec)) return DecompressTo(codec, input, {});
  // Checked here as well so the cap holds before the buffer is allocated.
  if (uncompressed_size > kMaxDecompressedSize) {
    return Status::ResourceExhausted(
        fmt::format("{}: page header says {} uncompressed bytes, more than the limit of {}",
                    CodecLabel(codec), uncompressed_size, kMaxDecompressedSize));
  }
  Bytes out(uncompressed_size);
  BA_RETURN_IF_ERROR(DecompressTo(codec, input, out));
  return out;
}

Status CompressInto(Codec codec, ByteSpan input, Bytes* out, int level) {
  if (codec == Codec::LZO) return Status::NotSupported("LZO compression");
  if (!IsCodecSupported(codec)) {
    return Status::NotSupported(fmt::format("unknown compression codec {}", static_cast<int32_t>(codec)));
  }
  // Anything larger could not be read back by Decompress.
  if (input.size() > kMaxDecompressedSize) {
    return Status::ResourceExhausted(fmt::format("{}: {} bytes is more than the page limit of {}",
                                                 CodecLabel(codec), input.size(), kMaxDecompressedSize));
  }
  const size_t old = out->size();
  Status st;
  switch (codec) {
    case Codec::UNCOMPRESSED: out->insert(out->end(), input.begin(), input.end()); break;
    case Codec::SNAPPY: st = CompressSnappy(input, out); break;
    case Codec::GZIP: st = CompressGzip(input, out, level == 0 ? kGzipDefaultLevel : level); break;
    case Codec::ZSTD: st = CompressZstd(input, out, level == 0 ? kZstdDefaultLevel : level); break;
    case Codec::LZ4_RAW: st = AppendLz4Block(Codec::LZ4_RAW, input, out).status(); break;
    case Codec::LZ4: st = CompressLz4Hadoop(input, out); break;
    case Codec::BROTLI: st = CompressBrotli(input, out, level == 0 ? kBrotliDefaultLevel : level); break;
    case Codec::LZO: st = Status::NotSupported("LZO compression"); break;
  }
  if (!st.ok()) out->resize(old);
  return st;
}

Result<Bytes> Compress(Codec codec, ByteSpan input, int level) {
  Bytes out;
  BA_RETURN_IF_ERROR(CompressInto(codec, input, &out, level));
  return out;
}

}  // namespace budget_audit::parquet
