// Issue 11, items 7, 8, 13 and 14 through the command line: what a user
// or a disk does to a log between runs, and what every command then says.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "run_cli.h"

namespace {

namespace fs = std::filesystem;
using budget_audit::cli_test::CliRun;
using budget_audit::cli_test::RunCli;

// Ticks of today (UTC), one a minute from midnight: the day has not ended,
// so they stay in the journal when the writer closes.
std::string TodayTicks(int from, int to) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::string s;
  for (int i = from; i < to; ++i) {
    char buf[200];
    std::snprintf(buf, sizeof(buf),
                  R"({"timestamp":"%04d-%02d-%02dT%02d:%02d:00Z","slot_index":%d,"energy_cost_kwh":0.5})"
                  "\n",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, i / 60, i % 60, i);
    s += buf;
  }
  return s;
}

std::string DayTicks(const char* date, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    char buf[200];
    std::snprintf(buf, sizeof(buf),
                  R"({"timestamp":"%sT%02d:%02d:00Z","slot_index":%d})"
                  "\n",
                  date, i / 60, i % 60, i);
    s += buf;
  }
  return s;
}

class Damage : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = budget_audit::cli_test::FreshTestDir("damage");
    log_ = dir_ + "/log";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Journal() {
    std::string last;
    for (const auto& e : fs::directory_iterator(log_ + "/_journal")) {
      if (e.path().string() > last) last = e.path().string();
    }
    return last;
  }
  std::string Slurp(const std::string& p) { return budget_audit::cli_test::SlurpFile(p); }
  void Spit(const std::string& p, const std::string& b) { std::ofstream(p, std::ios::binary) << b; }
  CliRun Cli(const std::string& args, const std::string& in = "") {
    return RunCli("--log " + log_ + " " + args, in);
  }
  std::string dir_, log_;
};

TEST_F(Damage, TailDamageAfterACleanCloseFailsEveryCommand) {
  ASSERT_EQ(Cli("log", TodayTicks(0, 5)).code, 0);
  CliRun v = Cli("verify");
  ASSERT_EQ(v.code, 0) << v.err;
  EXPECT_NE(v.out.find("closed:   cleanly"), std::string::npos) << v.out;
  const std::string j = Journal();
  const std::string good = Slurp(j);
  for (int kind = 0; kind < 3; ++kind) {
    std::string bad = good;
    if (kind == 0) bad[bad.size() - 40] ^= 0x10;  // a byte of the last record flipped
    if (kind == 1) bad.resize(bad.size() - 10);   // its end cut
    if (kind == 2) bad.append(64, '\0');          // zeros after it
    SCOPED_TRACE(kind);
    Spit(j, bad);
    for (const char* cmd : {"verify", "cat", "report --capacity-kw 100"}) {
      CliRun r = Cli(cmd);
      EXPECT_EQ(r.code, 1) << cmd << ": " << r.out << r.err;
    }
    CliRun w = Cli("log", TodayTicks(5, 6));
    EXPECT_EQ(w.code, 1) << w.err;
    EXPECT_EQ(w.out, "") << "nothing acknowledged";
    EXPECT_EQ(Slurp(j), bad) << "nothing cut";
  }
  Spit(j, good);
  EXPECT_EQ(Cli("log", TodayTicks(5, 6)).out, "6\n");
}

TEST_F(Damage, ACrashsTornTailIsMovedAsideAndVerifyReportsTheCut) {
  ASSERT_EQ(Cli("log", TodayTicks(0, 5)).code, 0);
  fs::remove(log_ + "/_closed");  // as a killed writer leaves it
  const std::string j = Journal();
  std::string b = Slurp(j);
  b.resize(b.size() - 10);
  Spit(j, b);
  CliRun before = Cli("verify");
  ASSERT_EQ(before.code, 0) << before.err;
  EXPECT_NE(before.out.find("torn tail"), std::string::npos) << before.out;
  EXPECT_NE(before.out.find("verified: 4 records"), std::string::npos) << before.out;
  ASSERT_EQ(Cli("log", TodayTicks(10, 11)).out, "5\n");
  CliRun after = Cli("verify");
  ASSERT_EQ(after.code, 0) << after.err;
  EXPECT_NE(after.out.find("cut:"), std::string::npos) << after.out;
  EXPECT_NE(after.out.find("seq 5"), std::string::npos) << after.out;
  size_t cut_files = 0;
  for (const auto& e : fs::directory_iterator(log_ + "/_cut")) cut_files += e.is_regular_file();
  EXPECT_EQ(cut_files, 1u);
}

TEST_F(Damage, MissingOrMangledLayoutPartsAreDamageNeverANewLog) {
  ASSERT_EQ(Cli("log", TodayTicks(0, 3)).code, 0);
  const std::string manifest = Slurp(log_ + "/_manifest.json");
  fs::remove(log_ + "/_manifest.json");
  for (const char* cmd : {"verify", "cat", "log"}) {
    CliRun r = Cli(cmd, TodayTicks(3, 4));
    EXPECT_EQ(r.code, 1) << cmd << ": " << r.err;
    EXPECT_NE(r.err.find("_manifest.json is missing"), std::string::npos) << cmd << ": " << r.err;
  }
  EXPECT_FALSE(fs::exists(log_ + "/_manifest.json")) << "no new log id was made";
  Spit(log_ + "/_manifest.json", manifest);
  fs::rename(log_ + "/_journal", dir_ + "/journal-aside");
  Spit(log_ + "/_journal", "not a directory");
  for (const char* cmd : {"verify", "cat", "log"}) {
    CliRun r = Cli(cmd, TodayTicks(3, 4));
    EXPECT_EQ(r.code, 1) << cmd << ": " << r.out << r.err;
    EXPECT_NE(r.err.find("_journal is not a directory"), std::string::npos) << cmd << ": " << r.err;
  }
  fs::remove(log_ + "/_journal");
  fs::rename(dir_ + "/journal-aside", log_ + "/_journal");
  EXPECT_EQ(Cli("verify").code, 0);
}

TEST_F(Damage, EndedDaysAreSealedWhenTheWriterCloses) {
  // Two past days: the day change seals the first, closing the second.
  ASSERT_EQ(Cli("log", DayTicks("2026-03-01", 4) + DayTicks("2026-03-02", 4)).code, 0);
  CliRun v = Cli("verify");
  EXPECT_NE(v.out.find("verified: 8 records (8 sealed in 1 files, 0 in"), std::string::npos) << v.out;
  // Today's ticks stay in the journal until `seal --all`.
  ASSERT_EQ(Cli("log", TodayTicks(0, 3)).code, 0);
  CliRun s = Cli("seal");
  ASSERT_EQ(s.code, 0) << s.err;
  EXPECT_NE(s.out.find("8 of 11 records"), std::string::npos) << s.out;
  CliRun all = Cli("seal --all");
  ASSERT_EQ(all.code, 0) << all.err;
  EXPECT_NE(all.out.find("11 of 11 records"), std::string::npos) << all.out;
  CliRun help = RunCli("seal --help");
  EXPECT_EQ(help.code, 0);
  CliRun missing = RunCli("--log " + dir_ + "/nowhere seal");
  EXPECT_EQ(missing.code, 1) << missing.err;
  EXPECT_FALSE(fs::exists(dir_ + "/nowhere"));
}

TEST_F(Damage, AFarFutureTickDoesNotStopTheSealing) {
  const std::string ticks = DayTicks("2026-03-01", 3) +
                            R"({"timestamp":"9999-12-31T00:00:00Z"})"
                            "\n" +
                            DayTicks("2026-03-02", 3) + DayTicks("2026-03-03", 3);
  ASSERT_EQ(Cli("log", ticks).code, 0);
  CliRun v = Cli("verify");
  EXPECT_NE(v.out.find("verified: 10 records (10 sealed in 2 files"), std::string::npos) << v.out;
  EXPECT_TRUE(fs::exists(log_ + "/9999-12.parquet"));
}

TEST_F(Damage, AnOverlongLineIsRefusedAndTheLogStaysUsable) {
  std::string huge =
      R"({"timestamp":"2026-03-01T00:00:00Z","source":")" + std::string(17 << 20, 'x') + "\"}\n";
  CliRun r = Cli("log --ack json", huge + DayTicks("2026-03-01", 2).substr(0, 0) +
                                       R"({"timestamp":"2026-03-01T00:01:00Z"})"
                                       "\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find(R"({"line":1,"error":"the line is longer than)"), std::string::npos)
      << r.out.substr(0, 300);
  EXPECT_NE(r.out.find(R"({"line":2,"seq":1,"duplicate":false})"), std::string::npos) << r.out.substr(0, 300);
  EXPECT_EQ(Cli("verify").code, 0);
}

}  // namespace
