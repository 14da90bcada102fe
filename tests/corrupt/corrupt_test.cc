// Damaged files must end in an error, never a crash, hang or sanitizer
// report: the Apache bad_data corpus, truncations of good files at many
// points, and byte flips throughout good files.
#include <filesystem>
#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "parquet/file_reader.h"

namespace budget_audit::parquet {
namespace {

namespace fs = std::filesystem;

std::vector<uint8_t> Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

// Reads everything readable; returns the first error (OK if all read).
Status ReadAll(std::vector<uint8_t> bytes, const std::string& name) {
  ReadOptions o;
  o.verify_page_crc = true;
  BA_ASSIGN_OR_RETURN(auto r, FileReader::OpenBuffer(std::move(bytes), name, o));
  // As `cat` does: every column, so nested-only files fail as unsupported.
  BA_ASSIGN_OR_RETURN(auto cols, r->schema().Project({}));
  for (int g = 0; g < r->num_row_groups(); ++g) {
    BA_RETURN_IF_ERROR(r->ReadRowGroup(g, cols).status());
  }
  return Status::OK();
}

const std::string kData = BA_TEST_DATA_DIR;

TEST(Corrupt, ApacheBadDataFilesFail) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(kData + "/parquet-testing/bad_data")) {
    if (e.path().extension() != ".parquet") continue;
    Status s = ReadAll(Slurp(e.path()), e.path().filename());
    EXPECT_FALSE(s.ok()) << e.path();
    EXPECT_FALSE(s.message().empty());
    ++n;
  }
  EXPECT_GE(n, 5);
}

std::vector<fs::path> GoodFiles() {
  return {kData + "/slot-log/arrow-rs-v1.parquet",
          kData + "/slot-log/duckdb-zstd-v2.parquet",
          kData + "/slot-log/hyparquet.parquet",
          kData + "/parquet-testing/data/alltypes_plain.parquet",
          kData + "/parquet-testing/data/datapage_v2.snappy.parquet",
          kData + "/parquet-testing/data/delta_byte_array.parquet"};
}

TEST(Corrupt, TruncatedFilesFail) {
  for (const auto& p : GoodFiles()) {
    auto bytes = Slurp(p);
    ASSERT_FALSE(bytes.empty()) << p;
    // Every cut in the last 600 bytes (footer and tail), and 200 cuts spread
    // over the rest.
    std::vector<size_t> cuts;
    for (size_t k = 1; k <= 600 && k < bytes.size(); ++k) cuts.push_back(bytes.size() - k);
    for (size_t k = 0; k < 200; ++k) cuts.push_back(bytes.size() * k / 200);
    for (size_t cut : cuts) {
      std::vector<uint8_t> t(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(cut));
      EXPECT_FALSE(ReadAll(std::move(t), p.filename()).ok()) << p << " cut at " << cut;
    }
  }
}

TEST(Corrupt, ByteFlipsNeverCrash) {
  std::mt19937 rng(1234);
  int failures = 0, total = 0;
  for (const auto& p : GoodFiles()) {
    auto bytes = Slurp(p);
    for (int k = 0; k < 400; ++k) {
      auto t = bytes;
      size_t pos = rng() % t.size();
      t[pos] ^= static_cast<uint8_t>(1u << (rng() % 8));
      if (k % 4 == 0) t[rng() % t.size()] = static_cast<uint8_t>(rng());
      Status s = ReadAll(std::move(t), p.filename());
      failures += !s.ok();
      ++total;
    }
  }
  // Most flips land in data and may still decode; what matters is no crash.
  EXPECT_GT(failures, 0);
  EXPECT_EQ(total, 2400);
}

}  // namespace
}  // namespace budget_audit::parquet
