// Replays the inputs kept in tests/regress/encoding/ (fuzzer finds, in the
// fuzz/encoding_fuzz.cc input format: selector, parameter, u16 count,
// data) through every decoder with that input's parameters. Each must
// return OK, Corruption or (where documented) ResourceExhausted, under
// ASan/UBSan without a report.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "parquet/encoding/byte_stream_split.h"
#include "parquet/encoding/delta.h"
#include "parquet/encoding/dictionary.h"
#include "parquet/encoding/plain.h"
#include "parquet/encoding/rle.h"

#ifndef BA_TEST_DATA_DIR
#define BA_TEST_DATA_DIR "tests/data"
#endif

namespace budget_audit::parquet {
namespace {

void ExpectDecoderStatus(const Status& st, const std::string& file) {
  EXPECT_TRUE(st.ok() || st.code() == StatusCode::kCorruption || st.code() == StatusCode::kResourceExhausted)
      << file << ": " << st.ToString();
}

void Replay(const Bytes& input, const std::string& file) {
  if (input.size() < 4) return;
  const uint8_t param = input[1];
  const size_t n = size_t{input[2]} | size_t{input[3]} << 8;
  const ByteSpan data(input.data() + 4, input.size() - 4);
  const int bw = param % 34;
  const auto type = static_cast<Type>(param & 7);
  const int32_t len = (param >> 3) % 17;

  std::vector<uint32_t> u32(n);
  std::vector<uint8_t> u8(n);
  std::vector<int16_t> levels(n);
  std::vector<int32_t> i32(n);
  std::vector<int64_t> i64(n);
  size_t consumed = 0;
  ExpectDecoderStatus(DecodeRleBitPacked(data, bw, n, u32.data()), file);
  ExpectDecoderStatus(DecodeRleBitPacked(data, bw, n, u8.data()), file);
  ExpectDecoderStatus(DecodeBitPackedMsb(data, bw, n, u32.data()), file);
  for (Encoding enc : {Encoding::RLE, Encoding::BIT_PACKED}) {
    for (bool prefixed : {false, true}) {
      ExpectDecoderStatus(
          DecodeLevels(data, enc, static_cast<int16_t>(param & 0x1f), n, prefixed, levels.data(), &consumed),
          file);
      util::PoolVector<uint8_t> flags;
      ExpectDecoderStatus(
          DecodeDefinedFlags(data, enc, static_cast<int16_t>(param & 0x1f), n, prefixed, &flags, &consumed),
          file);
    }
  }
  util::PoolVector<uint8_t> bools;
  ExpectDecoderStatus(DecodeRleBooleans(data, n, &bools), file);
  ColumnVector out;
  ExpectDecoderStatus(DecodePlain(data, type, len, n, &out), file);
  ColumnVector dict;
  if (DecodeDictionaryPage(data, type, len, n % 256, &dict).ok()) {
    ColumnVector gathered;
    ExpectDecoderStatus(DecodeDictionaryIndices(data, n, dict, &gathered), file);
  }
  ExpectDecoderStatus(DecodeDeltaBinaryPacked(data, n, i32.data()), file);
  ExpectDecoderStatus(DecodeDeltaBinaryPacked(data, n, i64.data()), file);
  ColumnVector dlba, dba, dbaf, bss;
  ExpectDecoderStatus(DecodeDeltaLengthByteArray(data, n, &dlba), file);
  ExpectDecoderStatus(DecodeDeltaByteArray(data, Type::BYTE_ARRAY, 0, n, &dba, nullptr, 1 << 24), file);
  ExpectDecoderStatus(DecodeDeltaByteArray(data, Type::FIXED_LEN_BYTE_ARRAY, len, n, &dbaf, nullptr, 1 << 24),
                      file);
  ExpectDecoderStatus(DecodeByteStreamSplit(data, type, len, n, &bss), file);
}

TEST(EncodingRegress, ReplayKeptInputs) {
  const std::filesystem::path dir = std::filesystem::path(BA_TEST_DATA_DIR) / ".." / "regress" / "encoding";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const Bytes input((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Replay(input, entry.path().filename().string());
    ++files;
  }
  EXPECT_GT(files, 0u);
}

}  // namespace
}  // namespace budget_audit::parquet
