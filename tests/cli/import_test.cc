// End-to-end tests of `budget-audit import`: the slot-log fixtures written
// by pandas-like (arrow-rs), DuckDB and hyparquet writers, the type-variant
// fixtures of tests/data/import, re-imports, conflicts, bad files, and the
// summary (text and --json).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace {

namespace fs = std::filesystem;

using budget_audit::cli_test::CliRun;
using budget_audit::cli_test::RunCli;

const std::string kData = BA_TEST_DATA_DIR;
const std::string kSlotLog = kData + "/slot-log/";
const std::string kImport = kData + "/import/";

bool Has(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

class ImportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = ::testing::TempDir() + "/import_cli_" + std::to_string(::getpid());
    fs::remove_all(base_);
    fs::create_directories(base_);
  }
  void TearDown() override { fs::remove_all(base_); }
  std::string Log(const std::string& name = "log") { return base_ + "/" + name; }
  CliRun Import(const std::string& args, const std::string& log = "log") {
    return RunCli("--log " + Log(log) + " import " + args);
  }
  // The log's records as JSON objects, without seq.
  std::vector<nlohmann::json> Records(const std::string& log = "log") {
    CliRun c = RunCli("--log " + Log(log) + " cat");
    EXPECT_EQ(c.code, 0) << c.err;
    std::vector<nlohmann::json> out;
    std::istringstream in(c.out);
    std::string line;
    while (std::getline(in, line)) {
      auto j = nlohmann::json::parse(line);
      j.erase("seq");
      out.push_back(std::move(j));
    }
    return out;
  }
  std::string base_;
};

std::vector<nlohmann::json> ExpectedRows() {
  std::vector<nlohmann::json> out;
  std::ifstream in(kSlotLog + "expected.jsonl");
  std::string line;
  while (std::getline(in, line)) out.push_back(nlohmann::json::parse(line));
  return out;
}

TEST(ImportCliUsage, HelpAndUsageErrors) {
  CliRun h = RunCli("import --help");
  EXPECT_EQ(h.code, 0);
  EXPECT_TRUE(Has(h.out, "Usage")) << h.out;
  EXPECT_TRUE(Has(h.out, "Example")) << h.out;
  EXPECT_TRUE(Has(h.out, "--truncate-nanos"));
  EXPECT_TRUE(Has(h.out, "--json"));
  EXPECT_EQ(RunCli("import").code, 2);  // FILE is required
}

TEST_F(ImportCli, PandasFileIntoAFreshLogThenAgain) {
  CliRun r = Import(kSlotLog + "arrow-rs-v1.parquet");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "1000 rows read")) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(appended +1000\n)"))) << r.err;
  EXPECT_TRUE(Has(r.err, "1000 records, synced and sealed")) << r.err;
  EXPECT_FALSE(Has(r.err, "\r"));  // no progress line when stderr is not a terminal
  EXPECT_EQ(r.out, "");
  std::vector<nlohmann::json> want = ExpectedRows();
  std::vector<nlohmann::json> got = Records();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) ASSERT_EQ(got[i], want[i]) << "row " << i + 1;
  // Sealed into the month file (readable as plain Parquet), and intact.
  EXPECT_TRUE(fs::exists(Log() + "/2026-05.parquet"));
  CliRun v = RunCli("--log " + Log() + " verify");
  EXPECT_EQ(v.code, 0) << v.out << v.err;

  CliRun again = Import(kSlotLog + "arrow-rs-v1.parquet --json");
  ASSERT_EQ(again.code, 0) << again.err;
  auto j = nlohmann::json::parse(again.out);
  EXPECT_EQ(j["appended"], 0);
  EXPECT_EQ(j["already_present"], 1000);
  EXPECT_EQ(j["last_seq"], 1000);
  EXPECT_EQ(j["durable"], true);
  EXPECT_EQ(Records().size(), 1000u);
}

TEST_F(ImportCli, EveryWriterGivesTheSameRecords) {
  std::string files;
  for (const char* f :
       {"arrow-rs-v1", "arrow-rs-v2", "duckdb-snappy", "duckdb-gzip", "duckdb-zstd-v2", "hyparquet"}) {
    files += " " + kSlotLog + f + ".parquet";
  }
  CliRun r = Import("--json" + files);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["files"], 6);
  EXPECT_EQ(j["files_failed"], 0);
  EXPECT_EQ(j["rows_read"], 6000);
  EXPECT_EQ(j["appended"], 1000);
  EXPECT_EQ(j["already_present"], 5000);
  EXPECT_EQ(j["conflicts"], 0);
  EXPECT_EQ(j["refused"], 0);
  EXPECT_EQ(j["defaults"]["date"]["missing_column"], 0);
  EXPECT_EQ(j["file_reports"].size(), 6u);
  EXPECT_EQ(j["file_reports"][5]["already_present"], 1000);
  EXPECT_EQ(Records(), ExpectedRows());
}

TEST_F(ImportCli, ConflictsAreReportedAndTheRestImported) {
  ASSERT_EQ(Import(kSlotLog + "duckdb-snappy.parquet").code, 0);
  CliRun r = Import(kImport + "conflict.parquet --json");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Has(r.err,
                  "conflict.parquet: row 2: conflict: a different record with this "
                  "timestamp is already logged as seq 2"))
      << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["appended"], 1);
  EXPECT_EQ(j["already_present"], 1);
  EXPECT_EQ(j["conflicts"], 1);
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_EQ(j["problems"][0]["kind"], "conflict");
  EXPECT_EQ(j["problems"][0]["row"], 2);
  EXPECT_EQ(j["problems"][0]["existing_seq"], 2);
  EXPECT_EQ(j["last_seq"], 1001);
}

TEST_F(ImportCli, BadFilesAreNamedAndTheOthersImported) {
  CliRun r = Import(base_ + "/missing.parquet " + kImport + "no-timestamp.parquet " + kSlotLog +
                    "expected.jsonl " + kSlotLog + "hyparquet.parquet");
  EXPECT_EQ(r.code, 1);
  EXPECT_TRUE(Has(r.err, base_ + "/missing.parquet")) << r.err;
  EXPECT_TRUE(Has(r.err, "no-timestamp.parquet: no 'timestamp' column")) << r.err;
  EXPECT_TRUE(Has(r.err, "expected.jsonl")) << r.err;
  EXPECT_TRUE(Has(r.err, "(3 failed)")) << r.err;
  EXPECT_EQ(Records().size(), 1000u);
}

TEST_F(ImportCli, ALogExportedFromAnotherLog) {
  ASSERT_EQ(Import(kSlotLog + "arrow-rs-v2.parquet", "a").code, 0);
  // The sealed month files of log a (with their seq column), as a directory.
  CliRun r = Import(Log("a"), "b");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "extra columns ignored: seq")) << r.err;
  EXPECT_EQ(Records("b"), Records("a"));
  EXPECT_EQ(RunCli("--log " + Log("a") + " cat").out, RunCli("--log " + Log("b") + " cat").out);
}

TEST_F(ImportCli, TypeVariantsNullsAndNanoseconds) {
  CliRun tv = Import(kImport + "type-variants.parquet");
  ASSERT_EQ(tv.code, 0) << tv.err;
  EXPECT_TRUE(Has(tv.err, "without isAdjustedToUTC")) << tv.err;
  EXPECT_TRUE(Has(tv.err, "extra columns ignored: seq, note")) << tv.err;
  std::vector<nlohmann::json> rows = Records();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1]["timestamp"], "2026-05-30T04:30:00Z");
  EXPECT_EQ(rows[1]["energy_cost_kwh"], 3.434625);
  EXPECT_EQ(rows[1]["planned_offset_deg"], -3.875);
  EXPECT_EQ(rows[1]["slot_index"], 18);

  CliRun nulls = Import(kImport + "nulls.parquet --json", "nulls");
  EXPECT_EQ(nulls.code, 1);  // one row without a timestamp
  EXPECT_TRUE(Has(nulls.err, "nulls.parquet: row 2: timestamp: null")) << nulls.err;
  auto j = nlohmann::json::parse(nulls.out);
  EXPECT_EQ(j["refused"], 1);
  EXPECT_EQ(j["defaults"]["date"]["null"], 1);
  EXPECT_EQ(j["defaults"]["slot_index"]["null"], 1);
  EXPECT_EQ(j["defaults"]["stage_id"]["null"], 1);
  EXPECT_EQ(j["defaults"]["source"]["missing_column"], 2);
  EXPECT_TRUE(Has(nulls.err, "defaults used")) << nulls.err;

  CliRun ns = Import(kImport + "sub-micro-nanos.parquet", "ns");
  EXPECT_EQ(ns.code, 1);
  EXPECT_TRUE(Has(ns.err,
                  "row 2: timestamp: 2026-05-30T04:15:00.00000025Z has 250 ns below the "
                  "microsecond"))
      << ns.err;
  CliRun floored = Import("--truncate-nanos " + kImport + "sub-micro-nanos.parquet --json", "ns");
  // Row 2 floored lands on row 1's timestamp with other content: a conflict.
  EXPECT_EQ(floored.code, 1) << floored.err;
  auto f = nlohmann::json::parse(floored.out);
  EXPECT_EQ(f["truncated_timestamps"], 1);
  EXPECT_EQ(f["already_present"], 2);
  EXPECT_EQ(f["appended"], 0);
  EXPECT_EQ(f["conflicts"], 1);

  CliRun i96 = Import(kImport + "int96.parquet", "i96");
  EXPECT_EQ(i96.code, 0) << i96.err;
  EXPECT_TRUE(Has(i96.err, "INT96")) << i96.err;
}

}  // namespace
