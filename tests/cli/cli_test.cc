// End-to-end tests of the budget-audit binary: exit codes, messages, and
// the cat/inspect/log commands on real files.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "run_cli.h"

namespace {

namespace fs = std::filesystem;

using budget_audit::cli_test::CliRun;
using budget_audit::cli_test::RunCli;

const std::string kData = BA_TEST_DATA_DIR;

TEST(Cli, HelpOnEveryCommand) {
  for (std::string c : {"", "cat ", "inspect ", "log ", "verify ", "checkpoint ", "keygen "}) {
    CliRun r = RunCli(c + "--help");
    EXPECT_EQ(r.code, 0) << c;
    EXPECT_NE(r.out.find("Usage"), std::string::npos) << c;
  }
}

TEST(Cli, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCli("inspect").code, 2);
  EXPECT_EQ(RunCli("no-such-command").code, 2);
  EXPECT_EQ(RunCli("cat x.parquet -o out.txt").code, 2);
}

TEST(Cli, CatMatchesExpectedRows) {
  CliRun r = RunCli("cat " + kData + "/slot-log/duckdb-snappy.parquet");
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream exp(kData + "/slot-log/expected.jsonl");
  std::string line;
  size_t pos = 0, n = 0;
  while (std::getline(exp, line)) {
    size_t nl = r.out.find('\n', pos);
    ASSERT_NE(nl, std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(r.out.substr(pos, nl - pos)), nlohmann::json::parse(line)) << n;
    pos = nl + 1;
    ++n;
  }
  EXPECT_EQ(n, 1000u);
}

TEST(Cli, CatProjectionAndFormats) {
  std::string f = kData + "/slot-log/arrow-rs-v2.parquet";
  CliRun r = RunCli("cat " + f + " --columns slot_index,source");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')), R"({"slot_index":17,"source":"manual"})");
  CliRun bad = RunCli("cat " + f + " --columns nope");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("nope"), std::string::npos);
  std::string tmp = ::testing::TempDir() + "/cat_" + std::to_string(::getpid());
  CliRun csv = RunCli("cat " + f + " -o " + tmp + ".csv");
  ASSERT_EQ(csv.code, 0) << csv.err;
  std::ifstream in(tmp + ".csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header.rfind("timestamp,date,slot_index,", 0), 0u);
  CliRun pq = RunCli("cat " + f + " -o " + tmp + ".parquet");
  ASSERT_EQ(pq.code, 0) << pq.err;
  CliRun back = RunCli("cat " + tmp + ".parquet");
  CliRun orig = RunCli("cat " + f);
  EXPECT_EQ(back.out, orig.out);
  fs::remove(tmp + ".csv");
  fs::remove(tmp + ".parquet");
}

TEST(Cli, BadFilesExitOneWithAMessage) {
  CliRun missing = RunCli("cat /nonexistent/x.parquet");
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/x.parquet"), std::string::npos);
  CliRun notpq = RunCli("cat " + kData + "/slot-log/expected.jsonl");
  EXPECT_EQ(notpq.code, 1);
  EXPECT_NE(notpq.err.find("PAR1"), std::string::npos);
  CliRun enc = RunCli("cat " + kData + "/parquet-testing/data/uniform_encryption.parquet.encrypted");
  EXPECT_EQ(enc.code, 1);
  EXPECT_NE(enc.err.find("encrypted"), std::string::npos);
  CliRun nested = RunCli("cat " + kData + "/parquet-testing/data/nested_lists.snappy.parquet");
  EXPECT_EQ(nested.code, 1);
  EXPECT_NE(nested.err.find("nested"), std::string::npos);
}

TEST(Cli, InspectShowsFooter) {
  CliRun r = RunCli("inspect " + kData + "/slot-log/duckdb-zstd-v2.parquet");
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["num_rows"], 1000);
  EXPECT_EQ(j["schema"].size(), 11u);
  EXPECT_EQ(j["row_groups"][0]["columns"][0]["codec"], "ZSTD");
}

TEST(Cli, LogAppendsAndAcknowledges) {
  std::string dir = ::testing::TempDir() + "/cli_log_" + std::to_string(::getpid());
  fs::remove_all(dir);
  std::string ticks = R"({"timestamp":"2026-05-30T06:15:00+02:00","slot_index":17,"energy_cost_kwh":1.5})"
                      "\n"
                      R"({"timestamp":"2026-05-30T06:30:00+02:00","energy_cost_kwh":"x"})"
                      "\n"
                      R"({"timestamp":"2026-05-30T06:15:00+02:00","slot_index":17,"energy_cost_kwh":1.5})"
                      "\n"
                      R"({"timestamp":"2026-05-30T06:15:00+02:00","slot_index":18})"
                      "\n"
                      R"({"timestamp":"2026-05-31T06:15:00+02:00","slot_index":1})"
                      "\n";
  CliRun r = RunCli("--log " + dir + " log", ticks);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "1\n1\n2\n");
  EXPECT_NE(r.err.find("line 2: energy_cost_kwh:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 4: timestamp:"), std::string::npos) << r.err;
  // The day change sealed May 30 into a Parquet file readable by cat, and
  // closing the log sealed May 31, which has ended too (issue 11, item 13).
  CliRun c = RunCli("cat " + dir + "/2026-05.parquet --columns slot_index,seq,date");
  EXPECT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(c.out,
            "{\"slot_index\":17,\"seq\":1,\"date\":\"2026-05-30\"}\n"
            "{\"slot_index\":1,\"seq\":2,\"date\":\"2026-05-31\"}\n");

  // The whole log (sealed + journal) through cat without a path.
  CliRun all = RunCli("--log " + dir + " cat --columns seq,slot_index");
  EXPECT_EQ(all.code, 0) << all.err;
  EXPECT_EQ(all.out, "{\"seq\":1,\"slot_index\":17}\n{\"seq\":2,\"slot_index\":1}\n");

  // verify, a signed checkpoint, and tampering found.
  CliRun v = RunCli("--log " + dir + " verify");
  EXPECT_EQ(v.code, 0) << v.err;
  EXPECT_NE(v.out.find("verified: 2 records"), std::string::npos) << v.out;
  std::string key = dir + "/../cli_key_" + std::to_string(::getpid());
  ASSERT_EQ(RunCli("keygen -o " + key).code, 0);
  EXPECT_EQ(fs::status(key + ".key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write)
      << "the secret key is never readable by others";
  CliRun cp = RunCli("--log " + dir + " checkpoint --sign " + key + ".key -o " + key + ".cp");
  ASSERT_EQ(cp.code, 0) << cp.err;
  CliRun vc = RunCli("--log " + dir + " verify --checkpoint " + key + ".cp --pubkey " + key + ".pub");
  EXPECT_EQ(vc.code, 0) << vc.err;
  EXPECT_NE(vc.out.find("signature valid"), std::string::npos) << vc.out;
  EXPECT_EQ(RunCli("--log " + dir + " verify --checkpoint " + key + ".cp").code, 2);
  {
    std::fstream f(dir + "/2026-05.parquet", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x7f');
  }
  CliRun bad = RunCli("--log " + dir + " verify");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.err.find("2026-05.parquet"), std::string::npos) << bad.err;
  for (const char* ext : {".key", ".pub", ".cp"}) fs::remove(key + ext);
  fs::remove_all(dir);
}

TEST(Cli, SecondWriterExitsThreeNamingThePid) {
  std::string dir = ::testing::TempDir() + "/cli_lock_" + std::to_string(::getpid());
  fs::remove_all(dir);
  // A writer that keeps stdin open for a few seconds.
  std::string holder = "sleep 4 | " + std::string(BA_CLI_PATH) + " --log " + dir + " log & sleep 1";
  ASSERT_EQ(std::system(holder.c_str()), 0);
  CliRun r = RunCli("--log " + dir + " log", "{}\n");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_NE(r.err.find("pid "), std::string::npos) << r.err;
  CliRun w = RunCli("--log " + dir + " log --wait 10", "{\"timestamp\":\"2026-01-01T00:00:00Z\"}\n");
  EXPECT_EQ(w.code, 0) << w.err;
  EXPECT_EQ(w.out, "1\n");
  fs::remove_all(dir);
}

}  // namespace
