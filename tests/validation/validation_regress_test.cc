// Regression tests for issue 11, items 1, 5 and 6, beyond the table
// (validation_table_test.cc): what happens to the log and the reports
// around a refusal.
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cli/run_cli.h"
#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "log/validate.h"

namespace budget_audit {
namespace {

namespace fs = std::filesystem;
using cli_test::CliRun;
using cli_test::RunCli;

std::string TempLog(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/" + name + "_" + std::to_string(::getpid());
  fs::remove_all(dir);
  return dir;
}

// Item 1: a tick with a 1 MiB source was acknowledged, and then nothing could
// read or write the log ("frame length ... exceeds the maximum").
TEST(ValidationRegress, AMebibyteSourceIsRefusedAndTheLogStaysUsable) {
  const std::string dir = TempLog("regress_big_source");
  const std::string big(1 << 20, 's');
  const std::string ticks = R"({"timestamp":"2026-05-30T06:00:00+02:00","slot_index":1})"
                            "\n"
                            R"({"timestamp":"2026-05-30T06:15:00+02:00","slot_index":2,"source":")" +
                            big + "\"}\n" +
                            R"({"timestamp":"2026-05-30T06:30:00+02:00","slot_index":3})"
                            "\n";
  CliRun r = RunCli("--log " + dir + " log", ticks);
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "1\n2\n");  // the big tick got no seq
  EXPECT_NE(r.err.find("line 2: source: 1048576 bytes is longer than the 4096 bytes"), std::string::npos)
      << r.err.substr(0, 300);

  // Readable: cat and verify; writable: the next writer appends.
  CliRun cat = RunCli("--log " + dir + " cat --columns seq,slot_index");
  EXPECT_EQ(cat.code, 0) << cat.err;
  EXPECT_EQ(cat.out, "{\"seq\":1,\"slot_index\":1}\n{\"seq\":2,\"slot_index\":3}\n");
  CliRun v = RunCli("--log " + dir + " verify");
  EXPECT_EQ(v.code, 0) << v.err;
  CliRun more = RunCli("--log " + dir + " log", R"({"timestamp":"2026-05-30T06:45:00+02:00","slot_index":4})"
                                                "\n");
  EXPECT_EQ(more.code, 0) << more.err;
  EXPECT_EQ(more.out, "3\n");
  fs::remove_all(dir);
}

// Item 1, in process: Append refuses before anything is written.
TEST(ValidationRegress, AppendRefusesBeforeWriting) {
  auto env = NewMemEnv();
  AuditLogOptions o;
  o.env = env.get();
  auto log = AuditLog::Open("/log", o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  SlotRecord r;
  r.timestamp_us = 1780114500000000;
  r.date = "2026-05-30";
  ASSERT_TRUE((*log)->Append(r).ok());
  auto children = env->GetChildren("/log/_journal");
  ASSERT_TRUE(children.ok());
  ASSERT_EQ(children->size(), 1u);
  const std::string journal = "/log/_journal/" + (*children)[0];
  auto size_before = env->GetFileSize(journal);
  ASSERT_TRUE(size_before.ok());

  SlotRecord big = r;
  big.timestamp_us += 900000000;
  big.source.assign(1 << 20, 'x');
  auto seq = (*log)->Append(big);
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(seq.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(seq.status().message().rfind("source: 1048576 bytes", 0), 0u) << seq.status().message();
  SlotRecord nan = r;
  nan.timestamp_us += 900000000;
  nan.energy_cost_kwh = std::nan("");
  EXPECT_EQ((*log)->Append(nan).status().message().rfind("energy_cost_kwh: NaN", 0), 0u);
  // LogSlot(SlotRecord) refuses too, and queues nothing for retry.
  EXPECT_EQ((*log)->LogSlot(big).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*log)->retry_queue_size(), 0u);
  SlotRecord wrong_date = r;
  wrong_date.timestamp_us += 900000000;
  wrong_date.date = "2026-06-04";
  EXPECT_EQ((*log)->Append(wrong_date).status().message().rfind("date: 2026-06-04 is not", 0), 0u);
  auto size_after = env->GetFileSize(journal);
  ASSERT_TRUE(size_after.ok());
  EXPECT_EQ(*size_after, *size_before);  // nothing written
  EXPECT_EQ((*log)->last_seq(), 1u);

  SlotRecord next = r;
  next.timestamp_us += 900000000;
  auto ok = (*log)->Append(next);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->seq, 2u);
  log->reset();
  auto reopened = AuditLog::Open("/log", o);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->last_seq(), 2u);
}

// Item 5: two costs of 1e308 made `report` print Infinity, which is not JSON.
TEST(ValidationRegress, ReportsNeverPrintInfinity) {
  const std::string dir = TempLog("regress_report_inf");
  const std::string ticks = R"({"timestamp":"2026-05-30T06:00:00+02:00","energy_cost_kwh":1e308})"
                            "\n"
                            R"({"timestamp":"2026-05-30T06:15:00+02:00","energy_cost_kwh":1e308})"
                            "\n";
  CliRun r = RunCli("--log " + dir + " log", ticks);
  ASSERT_EQ(r.code, 0) << r.err;
  CliRun rep = RunCli("--log " + dir + " --capacity-kw 100 report");
  ASSERT_EQ(rep.code, 0) << rep.err;
  EXPECT_EQ(rep.out.find("Infinity"), std::string::npos) << rep.out;
  auto j = nlohmann::json::parse(rep.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << rep.out;
  EXPECT_TRUE(j["total_cost_kwh"].is_null());
  EXPECT_TRUE(j["daily_avg_kwh"].is_null());
  EXPECT_EQ(j["period_days"], 1);
  ASSERT_TRUE(j["error"].is_string());
  EXPECT_NE(j["error"].get<std::string>().find("total_cost_kwh"), std::string::npos);
  CliRun day = RunCli("--log " + dir + " daily 2026-05-30");
  ASSERT_EQ(day.code, 0) << day.err;
  auto d = nlohmann::json::parse(day.out, nullptr, false);
  ASSERT_FALSE(d.is_discarded()) << day.out;
  EXPECT_TRUE(d["total_cost_kwh"].is_null());
  EXPECT_EQ(d["slots"], 2);
  CliRun plain = RunCli("--log " + dir + " --capacity-kw 100");
  ASSERT_EQ(plain.code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("Infinity"), std::string::npos) << plain.out;
  fs::remove_all(dir);
}

// Item 5: a tick without a timestamp, resent, made a second record.
TEST(ValidationRegress, TheCliRefusesATickWithoutATimestamp) {
  const std::string dir = TempLog("regress_no_ts");
  CliRun r = RunCli("--log " + dir + " log", "{}\n{\"slot_index\":3}\n");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("line 1: timestamp: missing"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 2: timestamp: missing"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

// --truncate-nanos and --ignore-keys of `log`.
TEST(ValidationRegress, LogFlagsForNanosAndExtraKeys) {
  const std::string dir = TempLog("regress_log_flags");
  const std::string tick = R"({"timestamp":"2026-05-30T06:00:00.123456789+02:00","note":"x","v":[1]})"
                           "\n";
  CliRun refused = RunCli("--log " + dir + " log", tick);
  EXPECT_EQ(refused.code, 1);
  CliRun ok = RunCli("--log " + dir + " log --truncate-nanos --ignore-keys note,v", tick);
  EXPECT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out, "1\n");
  CliRun cat = RunCli("--log " + dir + " cat --columns timestamp");
  EXPECT_EQ(cat.out, "{\"timestamp\":\"2026-05-30T04:00:00.123456Z\"}\n") << cat.err;
  CliRun bad = RunCli("--log " + dir + " log --ignore-keys source", tick);
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("--ignore-keys source"), std::string::npos) << bad.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace budget_audit
