// Issue 11, items 2, 4, 9 and 15: standard streams closed or full, input
// that cannot be read, the writer lock under hostile hands, and the
// line-for-line answers of `log --ack json`.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace {

namespace fs = std::filesystem;
using budget_audit::cli_test::CliRun;
using budget_audit::cli_test::RunCli;

const std::string kData = BA_TEST_DATA_DIR;

std::string Tick(int minute, double cost = 0.5) {
  char buf[160];
  std::snprintf(buf, sizeof(buf),
                R"({"timestamp":"2026-06-01T10:%02d:00+00:00","slot_index":%d,"energy_cost_kwh":%g})", minute,
                minute, cost);
  return buf;
}

std::string Ticks(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += Tick(i) + "\n";
  return s;
}

class StdStreams : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = budget_audit::cli_test::FreshTestDir("streams");
    log_ = dir_ + "/log";
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Slurp(const std::string& p) { return budget_audit::cli_test::SlurpFile(p); }
  // Runs a shell command line; its exit code.
  int Shell(const std::string& cmd) {
    int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }
  std::string dir_, log_;
};

// With stdout and stderr closed, the files the log opens would get
// descriptors 1 and 2: nothing meant for the streams may reach them.
TEST_F(StdStreams, ClosedStdoutAndStderrNeverReachTheLogsFiles) {
  std::ofstream(dir_ + "/in") << Ticks(3) << "not json\n" << Tick(3) << "\n";
  const std::string cli = BA_CLI_PATH;
  EXPECT_EQ(Shell(cli + " --log " + log_ + " log < " + dir_ + "/in >&- 2>&-"), 1);  // the bad line
  EXPECT_EQ(Shell(cli + " --log " + log_ + " verify >&- 2>&-"), 0);
  EXPECT_EQ(Shell(cli + " --log " + log_ + " log <&- >&- 2>&-"), 0);  // no input: nothing to do
  const std::string lock = Slurp(log_ + "/_lock");
  EXPECT_EQ(lock.rfind("pid ", 0), 0u) << "lock holds: " << lock;
  EXPECT_EQ(lock.find('\n'), std::string::npos) << "lock holds: " << lock;
  CliRun v = RunCli("--log " + log_ + " verify");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  CliRun c = RunCli("--log " + log_ + " cat");
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(std::count(c.out.begin(), c.out.end(), '\n'), 4);
}

TEST_F(StdStreams, AcknowledgementsThatCannotBeWrittenFailTheRun) {
  for (const char* sync : {"always", "batch"}) {
    SCOPED_TRACE(sync);
    fs::remove_all(log_);
    std::ofstream(dir_ + "/in") << Ticks(5);
    const std::string err = dir_ + "/err";
    int code = Shell(std::string(BA_CLI_PATH) + " --log " + log_ + " log --sync " + sync + " < " + dir_ +
                     "/in > /dev/full 2> " + err);
    EXPECT_EQ(code, 1);
    const std::string msg = Slurp(err);
    EXPECT_NE(msg.find("writing acknowledgements to standard output"), std::string::npos) << msg;
    EXPECT_NE(msg.find("resending them is safe"), std::string::npos) << msg;
  }
}

TEST_F(StdStreams, EveryCommandChecksItsStandardOutput) {
  ASSERT_EQ(RunCli("--log " + log_ + " log", Ticks(3)).code, 0);
  const std::string cli = std::string(BA_CLI_PATH) + " --log " + log_ + " ";
  for (const std::string& cmd : std::vector<std::string>{
           "verify", "cat", "report --capacity-kw 100", "daily 2026-06-01 --capacity-kw 100", "checkpoint",
           "--help", "inspect " + kData + "/slot-log/duckdb-snappy.parquet",
           "import --json " + kData + "/import/nulls.parquet"}) {
    SCOPED_TRACE(cmd);
    const std::string err = dir_ + "/err";
    EXPECT_EQ(Shell(cli + cmd + " > /dev/full 2> " + err), 1);
    const std::string msg = Slurp(err);
    EXPECT_NE(msg.find("standard output"), std::string::npos) << msg;
  }
}

TEST_F(StdStreams, UnreadableInputIsAnError) {
  const std::string err = dir_ + "/err";
  EXPECT_EQ(Shell(std::string(BA_CLI_PATH) + " --log " + log_ + " log < " + dir_ + " 2> " + err), 1);
  const std::string msg = Slurp(err);
  EXPECT_NE(msg.find("reading standard input"), std::string::npos) << msg;
  EXPECT_NE(msg.find("Is a directory"), std::string::npos) << msg;
}

// Unlinking `_lock` under a running writer must not let a second one in.
TEST_F(StdStreams, UnlinkingTheLockFileDoesNotAdmitASecondWriter) {
  const std::string fifo = dir_ + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The first writer waits on the fifo, holding the lock.
  const std::string cli = std::string(BA_CLI_PATH) + " --log " + log_ + " log";
  ASSERT_EQ(Shell("(" + cli + " < " + fifo + " > " + dir_ + "/first.out 2>&1; echo $? > " + dir_ +
                  "/first.rc) & echo $! > " + dir_ + "/first.pid"),
            0);
  int keep = ::open(fifo.c_str(), O_WRONLY);  // unblocks the writer's open of its stdin
  ASSERT_GE(keep, 0);
  const std::string first = Tick(0) + "\n";
  ASSERT_EQ(::write(keep, first.data(), first.size()), static_cast<ssize_t>(first.size()));
  for (int i = 0; i < 200 && Slurp(dir_ + "/first.out").empty(); ++i) ::usleep(20000);
  ASSERT_EQ(Slurp(dir_ + "/first.out"), "1\n");
  ASSERT_TRUE(fs::remove(log_ + "/_lock"));
  CliRun second = RunCli("--log " + log_ + " log", Tick(1) + "\n");
  EXPECT_EQ(second.code, 3) << second.out << second.err;
  EXPECT_NE(second.err.find("locked by another writer"), std::string::npos) << second.err;
  ::close(keep);
  for (int i = 0; i < 200 && Slurp(dir_ + "/first.rc").empty(); ++i) ::usleep(20000);
  EXPECT_EQ(Slurp(dir_ + "/first.rc"), "0\n");
  CliRun c = RunCli("--log " + log_ + " cat");
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(std::count(c.out.begin(), c.out.end(), '\n'), 1);
}

// --ack json: one answer per input line, in order.
TEST_F(StdStreams, JsonAcksAnswerEveryLineInOrder) {
  for (const char* sync : {"always", "batch"}) {
    SCOPED_TRACE(sync);
    fs::remove_all(log_);
    const std::string in = Tick(0) + "\nnot json\n\n" + Tick(1) + "\n" + Tick(0) + "\n" + Tick(0, 9.0) +
                           "\n" + R"({"timestamp":"2026-06-01T10:02:00+00:00","slot_index":"x"})" + "\n";
    CliRun r = RunCli(std::string("--log ") + log_ + " log --ack json --sync " + sync, in);
    EXPECT_EQ(r.code, 1) << r.err;
    std::istringstream lines(r.out);
    std::vector<nlohmann::json> acks;
    for (std::string l; std::getline(lines, l);) acks.push_back(nlohmann::json::parse(l));
    ASSERT_EQ(acks.size(), 7u) << r.out;
    for (size_t i = 0; i < acks.size(); ++i) EXPECT_EQ(acks[i]["line"], i + 1) << acks[i];
    EXPECT_EQ(acks[0]["seq"], 1);
    EXPECT_EQ(acks[0]["duplicate"], false);
    EXPECT_TRUE(acks[1].contains("error")) << acks[1];
    EXPECT_EQ(acks[2]["skipped"], "empty line");
    EXPECT_EQ(acks[3]["seq"], 2);
    EXPECT_EQ(acks[4]["seq"], 1);
    EXPECT_EQ(acks[4]["duplicate"], true);
    EXPECT_NE(acks[5]["error"].get<std::string>().find("seq 1"), std::string::npos) << acks[5];
    EXPECT_EQ(acks[6]["error"].get<std::string>().rfind("slot_index:", 0), 0u) << acks[6];
  }
}

}  // namespace
