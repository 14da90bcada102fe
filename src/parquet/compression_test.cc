#include "parquet/compression.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4frame.h>
#include <sys/mman.h>
#include <zlib.h>
#include <zstd.h>

#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace budget_audit::parquet {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const Codec kAllCodecs[] = {Codec::UNCOMPRESSED, Codec::SNAPPY, Codec::GZIP,  Codec::ZSTD,
                            Codec::LZ4_RAW,      Codec::LZ4,    Codec::BROTLI};
const Codec kCompressingCodecs[] = {Codec::SNAPPY,  Codec::GZIP, Codec::ZSTD,
                                    Codec::LZ4_RAW, Codec::LZ4,  Codec::BROTLI};

std::string Name(Codec c) {
  switch (c) {
    case Codec::UNCOMPRESSED: return "UNCOMPRESSED";
    case Codec::SNAPPY: return "SNAPPY";
    case Codec::GZIP: return "GZIP";
    case Codec::LZO: return "LZO";
    case Codec::BROTLI: return "BROTLI";
    case Codec::LZ4: return "LZ4";
    case Codec::ZSTD: return "ZSTD";
    case Codec::LZ4_RAW: return "LZ4_RAW";
  }
  return "?";
}

Bytes RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(rng());
  return b;
}

// Something shaped like a page: PLAIN doubles with repeats, then 1-byte
// dictionary indices.
Bytes PageLike(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes b;
  b.reserve(n);
  double v = 412.5;
  while (b.size() + 8 <= n / 2) {
    if (rng() % 4 == 0) v = 400 + static_cast<double>(rng() % 1000) / 8;
    uint8_t raw[8];
    std::memcpy(raw, &v, 8);
    b.insert(b.end(), raw, raw + 8);
  }
  while (b.size() < n) b.push_back(static_cast<uint8_t>(rng() % 12));
  return b;
}

Bytes Concat(std::initializer_list<ByteSpan> parts) {
  Bytes out;
  for (ByteSpan p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes MustCompress(Codec c, ByteSpan in, int level = 0) {
  auto r = Compress(c, in, level);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : Bytes{};
}

void ExpectRoundTrip(Codec c, const Bytes& in, int level = 0) {
  SCOPED_TRACE(Name(c) + " size " + std::to_string(in.size()) + " level " + std::to_string(level));
  auto compressed = Compress(c, in, level);
  ASSERT_TRUE(compressed.ok()) << compressed.status().ToString();
  auto back = Decompress(c, *compressed, in.size());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == in);
}

void ExpectCorruption(const Result<Bytes>& r, Codec c) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
  EXPECT_THAT(r.status().message(), StartsWith(Name(c) + ":"));
}

class CodecTest : public ::testing::TestWithParam<Codec> {};

TEST_P(CodecTest, RoundTripEmpty) { ExpectRoundTrip(GetParam(), {}); }

TEST_P(CodecTest, RoundTripSmall) {
  std::string s = "solar slot 42: 17.5 kWh";
  ExpectRoundTrip(GetParam(), Bytes(s.begin(), s.end()));
  ExpectRoundTrip(GetParam(), Bytes{0x7f});
}

TEST_P(CodecTest, RoundTripIncompressible) { ExpectRoundTrip(GetParam(), RandomBytes(100'000, 1)); }

TEST_P(CodecTest, RoundTripLarge) {
  Bytes in = PageLike(3 << 20, 2);
  ExpectRoundTrip(GetParam(), in);
  if (GetParam() != Codec::UNCOMPRESSED) {
    auto c = Compress(GetParam(), in);
    ASSERT_TRUE(c.ok());
    EXPECT_LT(c->size(), in.size() * 9 / 10) << "page-like data should compress";
  }
}

TEST_P(CodecTest, CompressIntoAppends) {
  Bytes in = PageLike(10'000, 3);
  Bytes out = {1, 2, 3};
  ASSERT_TRUE(CompressInto(GetParam(), in, &out).ok());
  ASSERT_GE(out.size(), 3u);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(out[2], 3);
  ByteSpan body = ByteSpan(out).subspan(3);
  EXPECT_TRUE(Bytes(body.begin(), body.end()) == MustCompress(GetParam(), in));
  auto back = Decompress(GetParam(), body, in.size());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == in);
}

TEST_P(CodecTest, DecompressToSpan) {
  Bytes in = PageLike(5000, 4);
  Bytes compressed = MustCompress(GetParam(), in);
  Bytes page(100 + in.size(), 0xEE);  // e.g. V2 levels then values
  ASSERT_TRUE(DecompressTo(GetParam(), compressed, std::span<uint8_t>(page).subspan(100)).ok());
  EXPECT_EQ(page[99], 0xEE);
  EXPECT_TRUE(std::equal(in.begin(), in.end(), page.begin() + 100));
}

TEST_P(CodecTest, WrongExpectedSizeIsCorruption) {
  const Codec c = GetParam();
  Bytes in = PageLike(4096, 5);
  Bytes compressed = MustCompress(c, in);
  for (size_t want : {size_t{0}, size_t{1}, in.size() - 1, in.size() + 1, in.size() * 2}) {
    SCOPED_TRACE(want);
    auto r = Decompress(c, compressed, want);
    ExpectCorruption(r, c);
  }
  auto r = Decompress(c, compressed, in.size() + 7);
  ASSERT_FALSE(r.ok());
  if (c == Codec::GZIP || c == Codec::ZSTD || c == Codec::BROTLI) {
    EXPECT_THAT(r.status().message(), HasSubstr(fmt::format("decompressed to {} bytes, page header says {}",
                                                            in.size(), in.size() + 7)));
  }
}

TEST_P(CodecTest, EmptyInput) {
  EXPECT_TRUE(Decompress(GetParam(), {}, 0).ok());
  ExpectCorruption(Decompress(GetParam(), {}, 10), GetParam());
}

TEST_P(CodecTest, SizeCap) {
  Bytes in = {1, 2, 3};
  auto r = Decompress(GetParam(), in, kMaxDecompressedSize + 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(r.status().message(), StartsWith(Name(GetParam()) + ":"));
  r = Decompress(GetParam(), in, SIZE_MAX);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
}

TEST_P(CodecTest, GarbageNeverCrashes) {
  const Codec c = GetParam();
  for (uint32_t seed = 0; seed < 200; ++seed) {
    Bytes junk = RandomBytes(1 + seed * 7 % 300, seed);
    for (size_t want : {size_t{0}, size_t{16}, size_t{1000}, size_t{70'000}}) {
      auto r = Decompress(c, junk, want);
      if (r.ok()) {
        EXPECT_EQ(r->size(), want);
      } else {
        EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << r.status().ToString();
        EXPECT_THAT(r.status().message(), StartsWith(Name(c) + ":"));
      }
    }
  }
}

TEST_P(CodecTest, TruncationsAndBitFlipsNeverCrash) {
  const Codec c = GetParam();
  Bytes in = PageLike(3000, 6);
  Bytes compressed = MustCompress(c, in);
  for (size_t n = 0; n < compressed.size(); ++n) {
    auto r = Decompress(c, ByteSpan(compressed).first(n), in.size());
    // A prefix cannot hold the whole page, except for formats with padding.
    if (r.ok()) {
      EXPECT_EQ(r->size(), in.size());
    }
  }
  std::mt19937 rng(7);
  for (int i = 0; i < 300; ++i) {
    Bytes bad = compressed;
    bad[rng() % bad.size()] ^= static_cast<uint8_t>(1u << (rng() % 8));
    auto r = Decompress(c, bad, in.size());
    if (r.ok()) {
      EXPECT_EQ(r->size(), in.size());
    } else {
      EXPECT_EQ(r.status().code(), StatusCode::kCorruption);
    }
  }
}

TEST_P(CodecTest, ConcurrentUse) {
  const Codec c = GetParam();
  std::vector<std::thread> threads;
  std::vector<int> failures(2, 0);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        Bytes in = PageLike(20'000 + static_cast<size_t>(i) * 100, static_cast<uint32_t>(t * 100 + i));
        auto comp = Compress(c, in);
        if (!comp.ok()) {
          ++failures[t];
          continue;
        }
        auto back = Decompress(c, *comp, in.size());
        if (!back.ok() || *back != in) ++failures[t];
        // Interleave failures, which must not poison the thread's context.
        (void)Decompress(c, ByteSpan(*comp).first(comp->size() / 2), in.size());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures[0] + failures[1], 0);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecTest, ::testing::ValuesIn(kAllCodecs),
                         [](const auto& info) { return Name(info.param); });

// ---------------------------------------------------------------------------

TEST(CompressionTest, LzoAndUnknownNotSupported) {
  Bytes in = {1, 2, 3};
  auto r = Decompress(Codec::LZO, in, 3);
  EXPECT_EQ(r.status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(r.status().message(), "LZO compression");
  EXPECT_EQ(Compress(Codec::LZO, in).status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(Decompress(static_cast<Codec>(42), in, 3).status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(Decompress(static_cast<Codec>(42), in, SIZE_MAX).status().code(), StatusCode::kNotSupported);
  EXPECT_EQ(Compress(static_cast<Codec>(-1), in).status().code(), StatusCode::kNotSupported);
  EXPECT_FALSE(IsCodecSupported(Codec::LZO));
  EXPECT_FALSE(IsCodecSupported(static_cast<Codec>(8)));
  for (Codec c : kAllCodecs) EXPECT_TRUE(IsCodecSupported(c));
}

TEST(CompressionTest, Levels) {
  Bytes in = PageLike(50'000, 8);
  for (int level : {1, 5, 9}) ExpectRoundTrip(Codec::GZIP, in, level);
  for (int level : {-5, 1, 3, 19}) ExpectRoundTrip(Codec::ZSTD, in, level);
  for (int level : {1, 8, 11}) ExpectRoundTrip(Codec::BROTLI, in, level);
  // Switching levels on one thread re-initialises the cached zlib stream.
  EXPECT_TRUE(MustCompress(Codec::GZIP, in, 1) != MustCompress(Codec::GZIP, in, 9));
  EXPECT_TRUE(MustCompress(Codec::GZIP, in) == MustCompress(Codec::GZIP, in, kGzipDefaultLevel));
  EXPECT_TRUE(MustCompress(Codec::ZSTD, in) == MustCompress(Codec::ZSTD, in, kZstdDefaultLevel));
  EXPECT_TRUE(MustCompress(Codec::BROTLI, in) == MustCompress(Codec::BROTLI, in, kBrotliDefaultLevel));
  // Codecs without levels ignore them.
  ExpectRoundTrip(Codec::SNAPPY, in, 7);
  ExpectRoundTrip(Codec::LZ4, in, 7);

  Bytes out = {9};
  Status st = CompressInto(Codec::GZIP, in, &out, 10);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(out, Bytes{9});  // restored
  EXPECT_EQ(Compress(Codec::GZIP, in, -1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Compress(Codec::ZSTD, in, 1000).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Compress(Codec::BROTLI, in, 12).status().code(), StatusCode::kInvalidArgument);
}

TEST(CompressionTest, CompressRejectsOversizedInput) {
  // Reserved but never touched, so no memory is committed.
  const size_t n = kMaxDecompressedSize + 1;
  void* p = mmap(nullptr, n, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  ByteSpan huge(static_cast<const uint8_t*>(p), n);
  EXPECT_EQ(Compress(Codec::ZSTD, huge).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(Compress(Codec::UNCOMPRESSED, huge).status().code(), StatusCode::kResourceExhausted);
  munmap(p, n);
}

TEST(CompressionTest, UncompressedSizeMustMatch) {
  Bytes in = {1, 2, 3, 4};
  auto r = Decompress(Codec::UNCOMPRESSED, in, 5);
  ExpectCorruption(r, Codec::UNCOMPRESSED);
  EXPECT_THAT(r.status().message(), HasSubstr("page holds 4 bytes, page header says 5"));
}

TEST(CompressionTest, SnappyLengthHeaderChecked) {
  Bytes in = PageLike(1000, 9);
  Bytes c = MustCompress(Codec::SNAPPY, in);
  auto r = Decompress(Codec::SNAPPY, c, 999);
  ExpectCorruption(r, Codec::SNAPPY);
  EXPECT_THAT(r.status().message(), HasSubstr("data says 1000 uncompressed bytes, page header says 999"));
}

TEST(CompressionTest, GzipMultipleMembers) {
  Bytes a = PageLike(10'000, 10), b = RandomBytes(777, 11);
  Bytes ca = MustCompress(Codec::GZIP, a), cb = MustCompress(Codec::GZIP, b);
  Bytes empty_member = MustCompress(Codec::GZIP, {});
  Bytes joined = Concat({ca, empty_member, cb, empty_member});
  auto r = Decompress(Codec::GZIP, joined, a.size() + b.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r == Concat({a, b}));
  // The total must still match exactly.
  ExpectCorruption(Decompress(Codec::GZIP, joined, a.size()), Codec::GZIP);
  ExpectCorruption(Decompress(Codec::GZIP, joined, a.size() + b.size() + 1), Codec::GZIP);
  // Garbage after a member is not silently ignored.
  Bytes trailing = Concat({ca, Bytes{0, 0, 0, 0}});
  ExpectCorruption(Decompress(Codec::GZIP, trailing, a.size()), Codec::GZIP);
  // A truncated second member.
  Bytes cut = Concat({ca, ByteSpan(cb).first(cb.size() - 3)});
  ExpectCorruption(Decompress(Codec::GZIP, cut, a.size() + b.size()), Codec::GZIP);
}

TEST(CompressionTest, GzipAcceptsZlibWrapped) {
  Bytes in = PageLike(20'000, 12);
  uLongf len = compressBound(static_cast<uLong>(in.size()));
  Bytes z(len);
  ASSERT_EQ(compress2(z.data(), &len, in.data(), static_cast<uLong>(in.size()), 6), Z_OK);
  z.resize(len);
  auto r = Decompress(Codec::GZIP, z, in.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r == in);
  // zlib then gzip member, each auto-detected.
  Bytes more = PageLike(300, 13);
  Bytes mixed = Concat({z, MustCompress(Codec::GZIP, more)});
  r = Decompress(Codec::GZIP, mixed, in.size() + more.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r == Concat({in, more}));
}

TEST(CompressionTest, GzipOutputOverrunDetected) {
  // Output fills the buffer exactly at the end of member 1; member 2 adds
  // bytes that must be caught by the spill check.
  Bytes a = PageLike(4096, 14), b = {1};
  Bytes joined = Concat({MustCompress(Codec::GZIP, a), MustCompress(Codec::GZIP, b)});
  auto r = Decompress(Codec::GZIP, joined, a.size());
  ExpectCorruption(r, Codec::GZIP);
  EXPECT_THAT(r.status().message(), HasSubstr("more than the 4096 bytes"));
}

Bytes ZstdFrameWithoutContentSize(ByteSpan in) {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  Bytes out(ZSTD_compressBound(in.size()));
  ZSTD_outBuffer ob{out.data(), out.size(), 0};
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  size_t rc = ZSTD_compressStream2(cctx, &ob, &ib, ZSTD_e_end);
  EXPECT_EQ(rc, 0u);
  ZSTD_freeCCtx(cctx);
  out.resize(ob.pos);
  return out;
}

TEST(CompressionTest, ZstdMultipleFrames) {
  Bytes a = PageLike(9000, 15), b = RandomBytes(500, 16);
  Bytes skippable = {0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 'x', 'y', 'z'};
  Bytes joined = Concat({MustCompress(Codec::ZSTD, a), MustCompress(Codec::ZSTD, {}), skippable,
                         ZstdFrameWithoutContentSize(b)});
  auto r = Decompress(Codec::ZSTD, joined, a.size() + b.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r == Concat({a, b}));
  ExpectCorruption(Decompress(Codec::ZSTD, joined, a.size() + b.size() - 1), Codec::ZSTD);
  ExpectCorruption(Decompress(Codec::ZSTD, joined, a.size() + b.size() + 1), Codec::ZSTD);
  // Only frames that decode to nothing.
  Bytes nothing = Concat({MustCompress(Codec::ZSTD, {}), skippable});
  r = Decompress(Codec::ZSTD, nothing, 0);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->empty());
  // Trailing garbage.
  ExpectCorruption(Decompress(Codec::ZSTD, Concat({MustCompress(Codec::ZSTD, a), Bytes{1, 2}}), a.size()),
                   Codec::ZSTD);
}

TEST(CompressionTest, ZstdContentSizeNotTrusted) {
  // A frame whose header says 1 MiB must not make us write (or allocate)
  // more than the page header's size.
  Bytes big(1 << 20, 'a');
  Bytes c = MustCompress(Codec::ZSTD, big);
  auto r = Decompress(Codec::ZSTD, c, 100);
  ExpectCorruption(r, Codec::ZSTD);
  EXPECT_THAT(r.status().message(), HasSubstr("more than the 100 bytes"));
  r = Decompress(Codec::ZSTD, ZstdFrameWithoutContentSize(big), 100);
  ExpectCorruption(r, Codec::ZSTD);
}

Bytes Lz4Block(ByteSpan in) {
  Bytes out(static_cast<size_t>(LZ4_compressBound(static_cast<int>(in.size()))));
  int n = LZ4_compress_default(reinterpret_cast<const char*>(in.data()), reinterpret_cast<char*>(out.data()),
                               static_cast<int>(in.size()), static_cast<int>(out.size()));
  EXPECT_GT(n, 0);
  out.resize(static_cast<size_t>(n));
  return out;
}

void PutBE(Bytes* b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b->push_back(static_cast<uint8_t>(v >> s));
}

TEST(CompressionTest, HadoopLz4Format) {
  Bytes in = {'h', 'e', 'l', 'l', 'o'};
  Bytes c = MustCompress(Codec::LZ4, in);
  Bytes block = Lz4Block(in);
  Bytes expected;
  PutBE(&expected, 5);
  PutBE(&expected, static_cast<uint32_t>(block.size()));
  expected.insert(expected.end(), block.begin(), block.end());
  EXPECT_EQ(c, expected);
}

TEST(CompressionTest, HadoopLz4TwoBlocks) {
  Bytes a = PageLike(7000, 17), b = PageLike(3000, 18);
  Bytes ba = Lz4Block(a), bb = Lz4Block(b);
  Bytes framed;
  PutBE(&framed, static_cast<uint32_t>(a.size()));
  PutBE(&framed, static_cast<uint32_t>(ba.size()));
  framed.insert(framed.end(), ba.begin(), ba.end());
  PutBE(&framed, static_cast<uint32_t>(b.size()));
  PutBE(&framed, static_cast<uint32_t>(bb.size()));
  framed.insert(framed.end(), bb.begin(), bb.end());
  auto r = Decompress(Codec::LZ4, framed, a.size() + b.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r == Concat({a, b}));
  ExpectCorruption(Decompress(Codec::LZ4, framed, a.size() + b.size() + 1), Codec::LZ4);
  ExpectCorruption(Decompress(Codec::LZ4, ByteSpan(framed).first(framed.size() - 1), a.size() + b.size()),
                   Codec::LZ4);
}

TEST(CompressionTest, HadoopLz4SubBlocks) {
  // Hadoop's BlockCompressorStream: one uncompressed length, then several
  // [compressed length][block] pieces adding up to it.
  Bytes a = PageLike(6000, 19), b = RandomBytes(2000, 20);
  Bytes ba = Lz4Block(a), bb = Lz4Block(b);
  Bytes framed;
  PutBE(&framed, static_cast<uint32_t>(a.size() + b.size()));
  PutBE(&framed, static_cast<uint32_t>(ba.size()));
  framed.insert(framed.end(), ba.begin(), ba.end());
  PutBE(&framed, static_cast<uint32_t>(bb.size()));
  framed.insert(framed.end(), bb.begin(), bb.end());
  auto r = Decompress(Codec::LZ4, framed, a.size() + b.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r == Concat({a, b}));
}

TEST(CompressionTest, Lz4RawFallback) {
  // Old parquet-cpp wrote bare blocks under codec LZ4.
  for (size_t n : {size_t{1}, size_t{100}, size_t{65'536}}) {
    Bytes in = PageLike(n, 21);
    auto r = Decompress(Codec::LZ4, Lz4Block(in), in.size());
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(*r == in);
  }
  Bytes in = PageLike(1000, 22);
  auto r = Decompress(Codec::LZ4, Lz4Block(in), 999);
  ExpectCorruption(r, Codec::LZ4);
}

Bytes Lz4Frame(ByteSpan in, bool content_size) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
  if (content_size) prefs.frameInfo.contentSize = in.size();
  Bytes out(LZ4F_compressFrameBound(in.size(), &prefs));
  size_t n = LZ4F_compressFrame(out.data(), out.size(), in.data(), in.size(), &prefs);
  EXPECT_FALSE(LZ4F_isError(n));
  out.resize(n);
  return out;
}

TEST(CompressionTest, Lz4FrameFallback) {
  Bytes a = PageLike(300'000, 23), b = RandomBytes(1000, 24);
  Bytes fa = Lz4Frame(a, true);
  auto r = Decompress(Codec::LZ4, fa, a.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r == a);
  Bytes joined = Concat({fa, Lz4Frame({}, false), Lz4Frame(b, false)});
  r = Decompress(Codec::LZ4, joined, a.size() + b.size());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(*r == Concat({a, b}));
  ExpectCorruption(Decompress(Codec::LZ4, joined, a.size() + b.size() - 1), Codec::LZ4);
  ExpectCorruption(Decompress(Codec::LZ4, joined, a.size() + b.size() + 1), Codec::LZ4);
  ExpectCorruption(Decompress(Codec::LZ4, ByteSpan(fa).first(fa.size() - 2), a.size()), Codec::LZ4);
  Bytes flipped = fa;
  flipped[flipped.size() / 2] ^= 0x10;
  ExpectCorruption(Decompress(Codec::LZ4, flipped, a.size()), Codec::LZ4);
}

TEST(CompressionTest, BrotliTrailingBytes) {
  Bytes in = PageLike(2000, 25);
  Bytes c = Concat({MustCompress(Codec::BROTLI, in), Bytes{0}});
  auto r = Decompress(Codec::BROTLI, c, in.size());
  ExpectCorruption(r, Codec::BROTLI);
  EXPECT_THAT(r.status().message(), HasSubstr("after the end of the stream"));
}

TEST(CompressionTest, HugeClaimsStayCheap) {
  // A decompression bomb: 1 MiB of zeros claims a 1 GiB page.
  Bytes zeros(1 << 20, 0);
  for (Codec c : kCompressingCodecs) {
    SCOPED_TRACE(Name(c));
    Bytes comp = MustCompress(c, zeros);
    auto r = Decompress(c, comp, 1000);
    ExpectCorruption(r, c);
  }
}

}  // namespace
}  // namespace budget_audit::parquet
