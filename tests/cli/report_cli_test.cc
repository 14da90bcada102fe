// The report commands and the configuration through the CLI: settings'
// precedence and errors (exit 2 naming key, file and line), the aliases of
// the Python flags, the table format, export ranges. The numbers
// themselves are checked against the Python module in
// tests/golden/report_golden_test.cc.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "run_cli.h"

namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

using budget_audit::cli_test::CliRun;
using budget_audit::cli_test::RunCli;

class ReportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) / ("report_cli_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the CLI in dir_ with a clean environment plus `env` ("K=V ...").
  CliRun Run(const std::string& args, const std::string& input = "", const std::string& env = "") {
    return RunCli(args, input,
                  "cd " + dir_.string() +
                      " && env -u BUDGET_AUDIT_DATA_DIR -u BUDGET_AUDIT_CONFIG -u BUDGET_AUDIT_CAPACITY_KW"
                      " -u BUDGET_AUDIT_MAX_REDUCTION_PCT -u BUDGET_AUDIT_TIMEZONE " +
                      env);
  }

  void LogTicks() {
    std::string ticks;
    for (int day = 1; day <= 3; ++day) {
      for (int h = 8; h < 12; ++h) {
        ticks += "{\"timestamp\": \"2026-06-0" + std::to_string(day) + "T" + (h < 10 ? "0" : "") +
                 std::to_string(h) +
                 ":00:00+02:00\", \"energy_cost_kwh\": 1.5, \"target_angle\": -12.5, "
                 "\"live_gate_passed\": true, \"budget_remaining_kwh\": 100}\n";
      }
    }
    CliRun r = Run("log", ticks);
    ASSERT_EQ(r.code, 0) << r.err;
  }

  void WriteFile(const std::string& name, const std::string& text) {
    fs::create_directories((dir_ / name).parent_path());
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
};

TEST_F(ReportCli, EmptyLogGivesThePythonMessages) {
  CliRun r = Run("");
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "No audit data yet.\n");
  EXPECT_THAT(r.err, HasSubstr("no audit log at ./data/budget_audit/slot_log"));
  EXPECT_EQ(Run("report").out, "{\n  \"error\": \"No audit data\"\n}\n");
  EXPECT_EQ(Run("--daily 2026-06-01").out, "{\n  \"error\": \"No audit data\"\n}\n");
}

TEST_F(ReportCli, MissingCapacityNamesTheThreeWaysToSetIt) {
  LogTicks();
  CliRun r = Run("report");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("--capacity-kw"));
  EXPECT_THAT(r.err, HasSubstr("BUDGET_AUDIT_CAPACITY_KW"));
  EXPECT_THAT(r.err, HasSubstr("capacity_kw"));
  EXPECT_THAT(r.err, HasSubstr("budget_audit.toml"));
  // daily needs no capacity.
  EXPECT_EQ(Run("daily 2026-06-02").code, 0);
}

TEST_F(ReportCli, PrecedenceFlagOverEnvironmentOverFile) {
  LogTicks();
  WriteFile("data/budget_audit.toml", "capacity_kw = 100\nmax_reduction_pct = 4\n");
  CliRun file = Run("report");
  ASSERT_EQ(file.code, 0) << file.err;
  EXPECT_THAT(file.out, HasSubstr("\"ceiling_kwh\": 8760.0"));  // 100 * 6 * 365 * 4 %
  EXPECT_THAT(file.out, HasSubstr("\"ceiling_pct\": 4,"));
  CliRun env = Run("report", "", "BUDGET_AUDIT_CAPACITY_KW=200 BUDGET_AUDIT_MAX_REDUCTION_PCT=5.0");
  EXPECT_THAT(env.out, HasSubstr("\"ceiling_kwh\": 21900.0"));
  EXPECT_THAT(env.out, HasSubstr("\"ceiling_pct\": 5.0,"));
  CliRun flag = Run("--capacity-kw 50 report", "", "BUDGET_AUDIT_CAPACITY_KW=200");
  EXPECT_THAT(flag.out, HasSubstr("\"ceiling_kwh\": 4380.0"));
}

TEST_F(ReportCli, ConfigurationErrorsNameKeyFileAndLine) {
  LogTicks();
  WriteFile("data/budget_audit.toml", "capacity_kw = 100\ncapacity_kv = 3\n");
  CliRun r = Run("report");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("budget_audit.toml:2"));
  EXPECT_THAT(r.err, HasSubstr("capacity_kv"));
  EXPECT_THAT(r.err, HasSubstr("capacity_kw"));  // the suggestion

  WriteFile("data/budget_audit.toml", "capacity_kw = -1\n");
  r = Run("report");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("budget_audit.toml:1"));

  WriteFile("data/budget_audit.toml", "capacity_kw = [1\n");
  r = Run("report");
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("budget_audit.toml"));

  WriteFile("data/budget_audit.toml", "capacity_kw = 100\n");
  for (const char* bad : {"--max-reduction-pct 0", "--max-reduction-pct 100.5", "--timezone Mars/Olympus"}) {
    r = Run(std::string(bad) + " report");
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_FALSE(r.err.empty()) << bad;
  }
  // A broken default config file never stops the log from being written.
  WriteFile("data/budget_audit.toml", "this is not toml\n");
  EXPECT_EQ(Run("log", "{\"timestamp\": \"2026-06-04T08:00:00Z\"}\n").code, 0);
}

TEST_F(ReportCli, AliasesAndTableFormat) {
  LogTicks();
  CliRun a = Run("--capacity-kw 100 --report");
  CliRun b = Run("--capacity-kw 100 report");
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(Run("--daily 2026-06-02").out, Run("daily 2026-06-02").out);
  EXPECT_EQ(Run("daily 20260602").out, Run("daily 2026-06-02").out);
  EXPECT_EQ(Run("daily 2026-02-30").code, 2);

  CliRun t = Run("--capacity-kw 100 report --format table");
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_THAT(t.out, HasSubstr("period_days"));
  EXPECT_THAT(t.out, HasSubstr("3 days"));
  EXPECT_THAT(t.out, HasSubstr("18.0 kWh"));
  EXPECT_THAT(t.out, HasSubstr("compliant"));
  CliRun d = Run("daily 2026-06-02 --format table");
  EXPECT_THAT(d.out, HasSubstr("max_offset_deg"));
  EXPECT_THAT(d.out, HasSubstr("12.5°"));

  CliRun dflt = Run("--capacity-kw 100");
  EXPECT_EQ(dflt.out.rfind("Audit log: 12 slots, 3 days\n{\n", 0), 0u) << dflt.out;
}

TEST_F(ReportCli, DailyDefaultsToTodayInTheConfiguredZone) {
  LogTicks();
  CliRun r = Run("daily --timezone Pacific/Kiritimati");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"date\": "));
}

TEST_F(ReportCli, ExportTimeRange) {
  LogTicks();
  CliRun r = Run("export --format jsonl -o - --since 2026-06-02T00:00:00+02:00 --until 2026-06-03");
  ASSERT_EQ(r.code, 0) << r.err;
  // 2026-06-02 local day: 4 ticks (06:00-09:00Z on the 2nd).
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4);
  EXPECT_THAT(r.out, HasSubstr("\"seq\":5"));
  r = Run("export -o all.parquet");
  ASSERT_EQ(r.code, 0) << r.err;
  CliRun back = Run("cat all.parquet --columns seq");
  EXPECT_EQ(std::count(back.out.begin(), back.out.end(), '\n'), 12);
  EXPECT_EQ(Run("export --format parquet -o -").code, 2);
  EXPECT_EQ(Run("export -o x.csv --since yesterday").code, 2);
}

}  // namespace
