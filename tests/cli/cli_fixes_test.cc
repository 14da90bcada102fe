// Issue 11, item 16: export's format from the extension, --since/--until
// dates at the site's local midnight, a missing log or input file, --format
// before the command, "1 day", and dates that say what is wrong with them.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_cli.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

using budget_audit::cli_test::CliRun;
using budget_audit::cli_test::RunCli;

std::string Slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

size_t Lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

class CliFixes : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("cli_fixes_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the CLI in dir_ (log ./log) with no settings from the environment.
  CliRun Run(const std::string& args, const std::string& input = "") {
    return RunCli("--log log " + args, input,
                  "cd " + dir_.string() +
                      " && env -u BUDGET_AUDIT_DATA_DIR -u BUDGET_AUDIT_CONFIG -u BUDGET_AUDIT_CAPACITY_KW"
                      " -u BUDGET_AUDIT_MAX_REDUCTION_PCT -u BUDGET_AUDIT_TIMEZONE");
  }

  // Berlin is UTC+2 in June: seq 1 is late on the local 1st (21:30Z), seq 2
  // early on the local 2nd (22:30Z on the 1st), seq 3 at noon on the 2nd.
  void LogAroundBerlinMidnight() {
    CliRun r = Run("log",
                   "{\"timestamp\": \"2026-06-01T23:30:00+02:00\", \"energy_cost_kwh\": 1}\n"
                   "{\"timestamp\": \"2026-06-02T00:30:00+02:00\", \"energy_cost_kwh\": 1}\n"
                   "{\"timestamp\": \"2026-06-02T12:00:00+02:00\", \"energy_cost_kwh\": 1}\n");
    ASSERT_EQ(r.code, 0) << r.err;
  }

  fs::path dir_;
};

TEST_F(CliFixes, ExportFormatFollowsTheExtensionUnlessNamed) {
  LogAroundBerlinMidnight();
  ASSERT_EQ(Run("export -o all.csv").code, 0);
  EXPECT_EQ(Slurp(dir_ / "all.csv").rfind("timestamp,date,slot_index,", 0), 0u);
  EXPECT_EQ(Lines(Slurp(dir_ / "all.csv")), 4u);
  ASSERT_EQ(Run("export -o all.jsonl").code, 0);
  EXPECT_EQ(Slurp(dir_ / "all.jsonl").rfind("{\"timestamp\":", 0), 0u);
  ASSERT_EQ(Run("export -o all.parquet").code, 0);
  EXPECT_EQ(Slurp(dir_ / "all.parquet").substr(0, 4), "PAR1");
  ASSERT_EQ(Run("export -o named.csv --format jsonl").code, 0);
  EXPECT_EQ(Slurp(dir_ / "named.csv").rfind("{\"timestamp\":", 0), 0u);
  // Before the command, too.
  ASSERT_EQ(Run("--format csv export -o before.jsonl").code, 0);
  EXPECT_EQ(Slurp(dir_ / "before.jsonl").rfind("timestamp,", 0), 0u);
  // Standard output: JSON lines, as cat prints.
  CliRun out = Run("export -o -");
  ASSERT_EQ(out.code, 0) << out.err;
  EXPECT_EQ(Lines(out.out), 3u);
  EXPECT_EQ(out.out.rfind("{\"timestamp\":", 0), 0u);

  CliRun unknown = Run("export -o all.txt");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("-o all.txt: unknown output format"));
  EXPECT_THAT(unknown.err, HasSubstr(".parquet, .csv or .jsonl"));
  EXPECT_FALSE(fs::exists(dir_ / "all.txt"));
}

TEST_F(CliFixes, ExportDatesAreTheSitesLocalMidnight) {
  LogAroundBerlinMidnight();
  CliRun r = Run("--timezone Europe/Berlin export -o - --since 2026-06-02");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 2u);
  EXPECT_THAT(r.out, HasSubstr("\"seq\":2"));
  r = Run("--timezone Europe/Berlin export -o - --until 2026-06-02");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 1u);
  EXPECT_THAT(r.out, HasSubstr("\"seq\":1"));
  // UTC (the default): midnight UTC on the 2nd is after seq 1 and 2.
  r = Run("export -o - --since 2026-06-02");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 1u);
  EXPECT_THAT(r.out, HasSubstr("\"seq\":3"));
  // A timestamp with an offset is exact whatever the zone.
  r = Run("--timezone Asia/Tokyo export -o - --since 2026-06-01T22:00:00Z --until 2026-06-01T23:00:00Z");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(Lines(r.out), 1u);
  EXPECT_THAT(r.out, HasSubstr("\"seq\":2"));
  // A bad date says which part is wrong.
  r = Run("export -o - --since 2026-13-02");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--since 2026-13-02: month 13 is not 1-12"));
  EXPECT_EQ(r.out, "");
}

TEST_F(CliFixes, AMissingLogIsAnErrorBeforeAnyOutput) {
  for (const std::string args :
       {"cat", "cat --format csv", "export -o - --format csv", "export -o out.csv"}) {
    SCOPED_TRACE(args);
    CliRun r = Run(args);
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("no audit log at log"));
    EXPECT_EQ(r.out, "");  // no CSV header
  }
  EXPECT_FALSE(fs::exists(dir_ / "out.csv"));
  EXPECT_FALSE(fs::exists(dir_ / "log"));
}

TEST_F(CliFixes, ImportOfAMissingFileCreatesNoLog) {
  CliRun r = Run("import missing.parquet");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("missing.parquet"));
  EXPECT_THAT(r.err, HasSubstr("not created"));
  EXPECT_FALSE(fs::exists(dir_ / "log"));
  // An existing log is left as it was.
  LogAroundBerlinMidnight();
  r = Run("import missing.parquet");
  EXPECT_EQ(r.code, 1);
  EXPECT_THAT(r.err, HasSubstr("left unchanged"));
  EXPECT_EQ(Lines(Run("cat").out), 3u);
}

TEST_F(CliFixes, FormatBeforeTheCommandIsUsedOrRefused) {
  LogAroundBerlinMidnight();
  CliRun r = Run("--capacity-kw 100 --format table report");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Budget rollup over the whole log\n"));
  r = Run("--format table daily 2026-06-02");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Daily summary for 2026-06-02\n"));
  // The command's own --format wins.
  r = Run("--format table daily 2026-06-02 --format json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("{\n", 0), 0u) << r.out;
  // The aliases, as before.
  r = Run("--daily 2026-06-02 --format table");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Daily summary for 2026-06-02\n"));
  r = Run("--format csv cat");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("timestamp,", 0), 0u);

  r = Run("--format table verify");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--format table: the verify command has no --format"));
  EXPECT_EQ(r.out, "");
  r = Run("--format table");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--report or --daily"));
  r = Run("--format csv --capacity-kw 100 report");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--format csv: the reports are json or table"));
}

TEST_F(CliFixes, OneDayIsOneDay) {
  CliRun l = Run("log", "{\"timestamp\": \"2026-06-01T10:00:00+00:00\", \"energy_cost_kwh\": 1}\n");
  ASSERT_EQ(l.code, 0) << l.err;
  CliRun r = Run("--capacity-kw 100 report --format table");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(" 1 day\n"));
  EXPECT_THAT(r.out, Not(HasSubstr("1 days")));
}

TEST_F(CliFixes, BadDatesNameTheBadPart) {
  LogAroundBerlinMidnight();
  struct Case {
    std::string args, message;
  };
  for (const Case& c : std::vector<Case>{
           {"--daily 2026-13-01", "date 2026-13-01: month 13 is not 1-12"},
           {"daily 2026-13-01", "date 2026-13-01: month 13 is not 1-12"},
           {"daily 2026-00-10", "date 2026-00-10: month 0 is not 1-12"},
           {"daily 2026-02-30", "date 2026-02-30: day 30 is not in 2026-02 (1-28)"},
           {"daily 2028-02-30", "date 2028-02-30: day 30 is not in 2028-02 (1-29)"},
           {"daily 20260431", "date 20260431: day 31 is not in 2026-04 (1-30)"},
           {"daily June-1", "date June-1: expected a date YYYY-MM-DD"},
           {"daily 2026-6-1", "date 2026-6-1: expected a date YYYY-MM-DD"},
       }) {
    SCOPED_TRACE(c.args);
    CliRun r = Run(c.args);
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr(c.message));
  }
  CliRun ok = Run("daily 20260602");
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("\"date\": \"2026-06-02\""));
}

}  // namespace
