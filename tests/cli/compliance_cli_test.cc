// `budget-audit compliance` and `allowance` as commands: formats, -o, --check's
// exit status, the configuration they read, their refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "run_cli.h"

namespace budget_audit::cli_test {
namespace {

using ::testing::HasSubstr;

// A log of June ticks (10 kWh a day) and a config whose ceiling the pace
// keeps (generous) or breaks (tight).
std::string MakeSite(const std::string& tag, double annual_potential_kwh) {
  const std::string dir = FreshTestDir(tag);
  std::ofstream(dir + "/budget_audit.toml") << "capacity_kw = 100\nmax_reduction_pct = 5\n"
                                            << "annual_potential_kwh = " << annual_potential_kwh << "\n"
                                            << "timezone = \"Europe/Berlin\"\n";
  std::string ticks;
  for (int d = 1; d <= 30; ++d) {
    char line[256];
    std::snprintf(
        line, sizeof(line),
        "{\"timestamp\":\"2026-06-%02dT12:00:00+02:00\",\"energy_cost_kwh\":10,\"live_gate_passed\":true,"
        "\"stage_id\":\"heading\",\"source\":\"heat\"}\n",
        d);
    ticks += line;
  }
  auto r = RunCli("--data-dir " + dir + " log", ticks, "BUDGET_AUDIT_TODAY=2026-07-01");
  EXPECT_EQ(r.code, 0) << r.err;
  return dir;
}

TEST(ComplianceCli, JsonTableHtmlAndCheck) {
  const std::string generous = MakeSite("compliance_ok", 1e6);
  auto json = RunCli("--data-dir " + generous + " compliance --year 2026 --as-of 2026-06-30");
  ASSERT_EQ(json.code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"spent_kwh\": 300.0"));
  EXPECT_THAT(json.out, HasSubstr("\"compliant_projection\": true"));
  EXPECT_EQ(RunCli("--data-dir " + generous + " compliance --year 2026 --as-of 2026-06-30 --check").code, 0);
  auto table = RunCli("--data-dir " + generous + " compliance --year 2026 --as-of 2026-06-30 --format table");
  ASSERT_EQ(table.code, 0);
  EXPECT_THAT(table.out, HasSubstr("heading"));
  const std::string html = generous + "/report.html";
  auto page = RunCli("--data-dir " + generous +
                     " compliance --year 2026 --as-of 2026-06-30 --format html -o " + html);
  ASSERT_EQ(page.code, 0) << page.err;
  EXPECT_THAT(SlurpFile(html), HasSubstr("<svg"));
  // A ceiling the pace breaks: --check says so with exit 4, the report printed all the same.
  const std::string tight = MakeSite("compliance_tight", 10000);
  auto check = RunCli("--data-dir " + tight + " compliance --year 2026 --as-of 2026-06-30 --check");
  EXPECT_EQ(check.code, 4) << check.err;
  EXPECT_THAT(check.out, HasSubstr("\"compliant_projection\": false"));
}

TEST(ComplianceCli, Allowance) {
  const std::string dir = MakeSite("allowance", 1e6);
  auto a = RunCli("--data-dir " + dir + " allowance 2026-07-01");
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_THAT(a.out, HasSubstr("\"date\": \"2026-07-01\""));
  EXPECT_THAT(a.out, HasSubstr("\"spent_before_kwh\": 300.0"));
  EXPECT_EQ(RunCli("--data-dir " + dir + " allowance 2026-07-01 --format table").code, 0);
  EXPECT_EQ(RunCli("--data-dir " + dir + " allowance 2026-13-01").code, 2);
}

TEST(ComplianceCli, EvidencePack) {
  const std::string dir = MakeSite("compliance_pack", 1e6);
  const std::string pack = dir + "/pack-2026";
  auto made = RunCli("--data-dir " + dir + " compliance --year 2026 --as-of 2026-06-30 --pack " + pack);
  ASSERT_EQ(made.code, 0) << made.err;
  EXPECT_THAT(made.out, HasSubstr("30 records"));
  EXPECT_THAT(SlurpFile(pack + "/SHA256SUMS"), HasSubstr("  records-2026.parquet\n"));
  auto ok = RunCli("--data-dir " + dir + " verify --pack " + pack);
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr("intact"));
  std::ofstream(pack + "/compliance-2026.html", std::ios::app) << "<!-- edited -->";
  auto bad = RunCli("--data-dir " + dir + " verify --pack " + pack);
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.err, HasSubstr("compliance-2026.html has SHA-256"));
  EXPECT_EQ(RunCli("--data-dir " + dir + " compliance --year 2026 --pack " + pack).code, 2);  // not over it
}

TEST(ComplianceCli, Refusals) {
  const std::string empty = FreshTestDir("compliance_none");
  auto missing = RunCli("--data-dir " + empty + " --capacity-kw 10 compliance");
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no audit log at"));
  const std::string dir = MakeSite("compliance_bad", 1e6);
  auto late = RunCli("--data-dir " + dir + " compliance --year 2025 --as-of 2026-06-30");
  EXPECT_EQ(late.code, 2);
  EXPECT_THAT(late.err, HasSubstr("after the budget year's last day"));
  std::ofstream(dir + "/budget_audit.toml", std::ios::app) << "budget_year_start = \"13-01\"\n";
  auto bad = RunCli("--data-dir " + dir + " compliance");
  EXPECT_EQ(bad.code, 2);
  EXPECT_THAT(bad.err, HasSubstr("budget_year_start"));
}

}  // namespace
}  // namespace budget_audit::cli_test
