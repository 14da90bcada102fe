// Issue 11, item 10: readers printed tampered numbers with exit 0. Now
// every sealed file a command decodes is checked against its SHA-256 in
// the manifest, the manifest against its checksum, and `report` / `daily`
// can say whether and against which checkpoint the log was verified.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "budget_audit/env.h"
#include "log/sealed_reader.h"
#include "log/slot_parquet.h"
#include "parquet/file_writer.h"
#include "run_cli.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using budget_audit::cli_test::CliRun;
using budget_audit::cli_test::RunCli;

class ReaderChecks : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::path(::testing::TempDir()) / ("reader_checks_" + std::to_string(::getpid()))).string();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    log_ = dir_ + "/log";
    // Three past days of ticks every 10 minutes (all sealed when `log`
    // closes) into 2026-06.parquet.
    std::string ticks;
    for (int day = 1; day <= 3; ++day) {
      for (int m = 0; m < 1440; m += 10) {
        ticks += fmt::format(
            "{{\"timestamp\": \"2026-06-0{}T{:02}:{:02}:00Z\", \"energy_cost_kwh\": 0.5, "
            "\"live_gate_passed\": {}, \"budget_remaining_kwh\": 100}}\n",
            day, m / 60, m % 60, m % 20 == 0 ? "true" : "false");
      }
    }
    CliRun r = Run("log", ticks);
    ASSERT_EQ(r.code, 0) << r.err;
  }
  void TearDown() override { fs::remove_all(dir_); }

  CliRun Run(const std::string& args, const std::string& input = "") {
    return RunCli("--log " + log_ + " --capacity-kw 100 " + args, input);
  }
  std::string Read(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  void Put(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  std::string Head() {
    CliRun v = Run("verify");
    std::smatch m;
    std::regex re("head: +seq [0-9]+ ([0-9a-f]{64})");
    EXPECT_TRUE(std::regex_search(v.out, m, re)) << v.out << v.err;
    return m.size() > 1 ? m[1].str() : "";
  }
  // The month file rewritten by a valid Parquet writer (ours), one
  // energy_cost changed: what a tool or a hand could do.
  void RewriteWithOneCostChanged() {
    using namespace budget_audit;
    const std::string path = log_ + "/2026-06.parquet";
    auto rows = log::ReadAuditFile(Env::Default(), path);
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    (*rows)[200].record.energy_cost_kwh = 100.5;  // June 2
    auto w = parquet::FileWriter::Open(Env::Default(), path, log::AuditColumnSpecs(), {});
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->WriteRowGroup(log::AuditColumns(*rows)).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }

  std::string dir_, log_;
};

TEST_F(ReaderChecks, ASealedFileRewrittenWithOneCostChangedIsRefusedByEveryReaderNamingIt) {
  const std::string daily_before = Run("daily 2026-06-02").out;
  ASSERT_THAT(daily_before, HasSubstr("\"slots\": 144"));
  RewriteWithOneCostChanged();
  // (`report` reads the manifest's summaries instead of sealed rows; in a
  // log this small their block sums reach into numpy's last partial chunk,
  // so it decodes the file too.)
  for (const std::string& cmd :
       {std::string("cat"), std::string("daily 2026-06-02"), std::string("daily 2026-06-02 --format table"),
        std::string("report"), std::string("report --verify"), std::string(""),
        "export -o " + dir_ + "/out.csv", "export -o " + dir_ + "/out.parquet"}) {
    CliRun r = Run(cmd);
    EXPECT_EQ(r.code, 1) << cmd << ": " << r.out;
    EXPECT_EQ(r.out, "") << cmd;
    EXPECT_THAT(r.err, HasSubstr("2026-06.parquet: SHA-256")) << cmd;
    EXPECT_THAT(r.err, HasSubstr("the file was changed after it was sealed")) << cmd;
  }
  EXPECT_THAT(Run("cat").err, HasSubstr(log_ + "/2026-06.parquet: SHA-256"));
  EXPECT_FALSE(fs::exists(dir_ + "/out.csv"));
  EXPECT_FALSE(fs::exists(dir_ + "/out.parquet"));
  EXPECT_EQ(Run("verify").code, 1);
}

TEST_F(ReaderChecks, AnEditedManifestSummaryIsRefusedByReportsVerifyAndTheWriter) {
  const std::string path = log_ + "/_manifest.json";
  const std::string good = Read(path);
  // Valid JSON, plausible numbers: 5000 interventions fewer, a day gone.
  const std::pair<std::string, std::string> edits[] = {
      {"\"gate_passed\":216", "\"gate_passed\":16"},
      {"\"2026-06-02\",", ""},
  };
  for (const auto& [from, to] : edits) {
    std::string text = good;
    const size_t at = text.find(from);
    ASSERT_NE(at, std::string::npos) << text;
    text.replace(at, from.size(), to);
    Put(path, text);
    for (const std::string cmd : {"report", "daily 2026-06-02", "", "verify", "cat --columns seq", "log"}) {
      CliRun r = Run(cmd);
      EXPECT_EQ(r.code, 1) << from << ", " << cmd << ": " << r.out;
      EXPECT_EQ(r.out, "") << from << ", " << cmd;
      EXPECT_THAT(r.err, HasSubstr(path + ": checksum differs from the manifest's content")) << cmd;
    }
    EXPECT_EQ(Read(path), text) << "the writer left it as it found it";
  }
  Put(path, good);
  EXPECT_EQ(Run("report").code, 0);
}

TEST_F(ReaderChecks, AManifestWithoutChecksumIsReadWarnedAboutAndGetsOneAtTheNextWriter) {
  const std::string path = log_ + "/_manifest.json";
  const std::string good = Read(path);
  const std::string report = Run("report").out;
  // As written before 2026-12-04: no checksum member.
  const std::string old =
      std::regex_replace(good, std::regex(",\n  \"checksum\": \"sha256:[0-9a-f]{64}\"\n\\}\n$"), "\n}\n");
  ASSERT_NE(old, good);
  Put(path, old);
  EXPECT_EQ(Run("report").out, report);
  CliRun v = Run("verify");
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_THAT(v.out, HasSubstr("warning: _manifest.json has no checksum"));
  ASSERT_EQ(Run("log", "").code, 0);  // a writer opens and closes the log
  EXPECT_EQ(Read(path), good);
  v = Run("verify");
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_THAT(v.out, Not(HasSubstr("checksum")));
}

TEST_F(ReaderChecks, ReportsSayWhatWasVerifiedOnlyWhenAsked) {
  const std::string head = Head();
  ASSERT_EQ(head.size(), 64u);
  const std::string plain = Run("report").out;
  ASSERT_EQ(plain.substr(plain.size() - 3), "\n}\n");
  const std::string verified_member =
      ",\n  \"verified\": {\n    \"records\": 432,\n    \"head\": \"" + head + "\"\n  }\n}\n";
  CliRun r = Run("report --verify");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, plain.substr(0, plain.size() - 3) + verified_member);
  const std::string daily = Run("daily 2026-06-02").out;
  r = Run("daily 2026-06-02 --verify");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, daily.substr(0, daily.size() - 3) + verified_member);
  const std::string table = Run("report --format table").out;
  r = Run("report --format table --verify");
  EXPECT_EQ(r.out, table + "Verified: 432 records, chain head " + head + "\n");

  // Against a signed checkpoint, then an unsigned one.
  const std::string key = dir_ + "/key";
  ASSERT_EQ(RunCli("keygen -o " + key).code, 0);
  ASSERT_EQ(Run("checkpoint --sign " + key + ".key -o " + dir_ + "/signed.cp").code, 0);
  ASSERT_EQ(Run("checkpoint -o " + dir_ + "/plain.cp").code, 0);
  const std::string cp_time = [&] {
    std::smatch m;
    std::string text = Read(dir_ + "/signed.cp");
    EXPECT_TRUE(std::regex_search(text, m, std::regex("\"time\": *\"([^\"]+)\""))) << text;
    return m.size() > 1 ? m[1].str() : "";
  }();
  r = Run("report --checkpoint " + dir_ + "/signed.cp --pubkey " + key + ".pub");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, plain.substr(0, plain.size() - 3) +
                       ",\n  \"verified\": {\n    \"records\": 432,\n    \"head\": \"" + head +
                       "\",\n    \"checkpoint\": {\n      \"seq\": 432,\n      \"time\": \"" + cp_time +
                       "\",\n      \"head\": \"" + head + "\",\n      \"signed\": true\n    }\n  }\n}\n");
  r = Run("daily 2026-06-02 --format table --checkpoint " + dir_ + "/signed.cp --pubkey " + key + ".pub");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Verified: 432 records, chain head " + head +
                               "; holds checkpoint seq 432 of " + cp_time + " (signature valid)\n"));
  r = Run("report --checkpoint " + dir_ + "/plain.cp");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"signed\": false"));
  // A signed checkpoint without the key, or a key without a checkpoint: usage.
  EXPECT_EQ(Run("report --checkpoint " + dir_ + "/signed.cp").code, 2);
  EXPECT_EQ(Run("report --pubkey " + key + ".pub").code, 2);
  // More records since the checkpoint: the log still holds its prefix.
  ASSERT_EQ(Run("log", "{\"timestamp\": \"2026-06-04T00:00:00Z\"}\n").code, 0);
  r = Run("report --checkpoint " + dir_ + "/signed.cp --pubkey " + key + ".pub");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"records\": 433"));
  // A checkpoint the log does not hold: exit 1 and no report.
  std::string forged = Read(dir_ + "/plain.cp");
  forged.replace(forged.find(head), 64, std::string(64, 'a'));
  Put(dir_ + "/forged.cp", forged);
  r = Run("report --checkpoint " + dir_ + "/forged.cp");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("no longer holds the checkpointed prefix"));
  // Nothing to verify: no log.
  r = RunCli("--log " + dir_ + "/none --capacity-kw 100 report --verify");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("nothing to verify"));
}

}  // namespace
