// Every slot-log fixture (one log of 1000 ticks written by five independent
// Parquet writers) must read exactly as its expected.jsonl.
#include <fstream>

#include <gtest/gtest.h>

#include "row_json.h"

namespace budget_audit {
namespace {

std::vector<nlohmann::json> Expected() {
  std::ifstream in(std::string(BA_TEST_DATA_DIR) + "/slot-log/expected.jsonl");
  std::vector<nlohmann::json> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

class SlotLogTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SlotLogTest, ReadsExpectedRows) {
  auto expected = Expected();
  ASSERT_EQ(expected.size(), 1000u);
  auto rows = testing::ReadRowsAsJson(std::string(BA_TEST_DATA_DIR) + "/slot-log/" + GetParam());
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ((*rows)[i], expected[i]) << "row " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(Writers, SlotLogTest,
                         ::testing::Values("arrow-rs-v1.parquet", "arrow-rs-v2.parquet",
                                           "duckdb-snappy.parquet", "duckdb-gzip.parquet",
                                           "duckdb-zstd-v2.parquet", "hyparquet.parquet"),
                         [](const auto& info) {
                           std::string n = info.param.substr(0, info.param.find('.'));
                           for (char& c : n)
                             if (c == '-') c = '_';
                           return n;
                         });

}  // namespace
}  // namespace budget_audit
