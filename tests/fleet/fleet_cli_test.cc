// The fleet commands as a user runs them (publish, fleet verify, fleet
// compliance), and publish killed with SIGKILL at random moments on the real
// file system, resumed many times: after every kill the store is
// consistent (docs/fleet.md, "Consistency").
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../cli/run_cli.h"
#include "budget_audit/audit_log.h"
#include "budget_audit/fleet.h"
#include "fleet/store.h"
#include "log/manifest.h"
#include "parquet/file_reader.h"
#include "util/civil_time.h"

namespace budget_audit {
namespace {

using cli_test::FreshTestDir;
using cli_test::RunCli;
using ::testing::HasSubstr;

constexpr int64_t kMinute = 60LL * 1000000;

// Appends ticks every `step` minutes over [first_day, last_day] (UTC days)
// to the log in `dir`, sealing at each month's end and at the end.
void LogDays(const std::string& dir, int64_t first_day, int64_t last_day, int step = 15, double cost = 0.2) {
  AuditLogOptions o;
  o.sync = SyncMode::kNone;
  o.seal_policy = SealPolicy::kManual;
  o.timezone = "UTC";
  auto log = AuditLog::Open(dir, o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  for (int64_t day = first_day; day <= last_day; ++day) {
    for (int64_t ts = day * 1440 * kMinute; ts < (day + 1) * 1440 * kMinute; ts += step * kMinute) {
      SlotRecord r;
      r.timestamp_us = ts;
      r.date = FormatDate(day);
      r.energy_cost_kwh = cost * (1 + (ts / kMinute / step) % 4);
      r.gate_passed = true;
      r.source = "plan";
      r.stage_id = "s";
      auto a = (*log)->Append(r);
      ASSERT_TRUE(a.ok()) << a.status().ToString();
    }
    if (CivilFromDays(day + 1).day == 1 || day == last_day) {
      ASSERT_TRUE((*log)->Seal().ok());
    }
  }
  ASSERT_TRUE((*log)->Close().ok());
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  ASSERT_TRUE(f.good()) << path;
}

TEST(FleetCli, PublishVerifyAndComplianceEqualTheSitesOwn) {
  const std::string dir = FreshTestDir("fleet_cli");
  const std::string store = dir + "/store";
  struct SiteSpec {
    std::string id, toml;
    double cost;
  };
  const std::vector<SiteSpec> sites = {
      {"north-1", "capacity_kw = 400\nannual_potential_kwh = 500000\nsite_id = \"north-1\"\n", 0.2},
      {"south.2",
       "capacity_kw = 90\ntimezone = \"UTC\"\nlatitude = -30\nbudget_year_start = \"07-01\"\n"
       "max_reduction_pct = 3\nsite_id = \"south.2\"\n",
       0.05}};
  for (const auto& s : sites) {
    LogDays(dir + "/" + s.id + "/log", DaysFromCivil(2026, 1, 1), DaysFromCivil(2026, 3, 31), 30, s.cost);
    WriteText(dir + "/" + s.id + "/site.toml", s.toml);
    auto p =
        RunCli(fmt::format("--config {0}/{1}/site.toml --log {0}/{1}/log publish {2}", dir, s.id, store));
    ASSERT_EQ(p.code, 0) << p.err;
    EXPECT_THAT(p.out, HasSubstr("files copied"));
  }
  auto again = RunCli(
      fmt::format("--config {0}/north-1/site.toml --log {0}/north-1/log publish {1} --json", dir, store));
  ASSERT_EQ(again.code, 0) << again.err;
  EXPECT_EQ(nlohmann::json::parse(again.out)["copied"]["files"], 0);

  auto v = RunCli("fleet verify " + store);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("2 sites, 2 intact, 0 failed"));

  auto fc = RunCli("fleet compliance " + store + " --as-of 2026-03-30");
  ASSERT_EQ(fc.code, 0) << fc.err;
  auto fleet = nlohmann::json::parse(fc.out);
  ASSERT_EQ(fleet["sites"].size(), 2u);
  for (const auto& s : sites) {
    auto own = RunCli(
        fmt::format("--config {0}/{1}/site.toml --log {0}/{1}/log compliance --as-of 2026-03-30", dir, s.id));
    ASSERT_EQ(own.code, 0) << own.err;
    auto o = nlohmann::json::parse(own.out);
    const nlohmann::json* entry = nullptr;
    for (const auto& e : fleet["sites"]) {
      if (e["site_id"] == s.id) entry = &e;
    }
    ASSERT_NE(entry, nullptr) << s.id;
    for (auto it = o.begin(); it != o.end(); ++it) {
      const std::string k = it.key();
      if (k == "schema_version" || k == "months" || k == "by_stage" || k == "by_source" || k == "days")
        continue;
      if (k == "findings") {
        EXPECT_EQ((*entry)["findings"], it.value().size()) << s.id;
      } else {
        EXPECT_EQ((*entry)[k], it.value()) << s.id << ": " << k;
      }
    }
  }
  auto table = RunCli("fleet compliance " + store + " --as-of 2026-03-30 --format table");
  EXPECT_EQ(table.code, 0);
  EXPECT_THAT(table.out, HasSubstr("north-1"));
  auto html =
      RunCli("fleet compliance " + store + " --as-of 2026-03-30 --format html -o " + dir + "/fleet.html");
  EXPECT_EQ(html.code, 0) << html.err;
  EXPECT_THAT(cli_test::SlurpFile(dir + "/fleet.html"), HasSubstr("<svg"));

  // A tampered published file: fleet verify names the site and exits 1.
  const std::string month = store + "/site=south.2/2026-02.parquet";
  std::string bytes = cli_test::SlurpFile(month);
  bytes[bytes.size() / 2] ^= 0x10;
  WriteText(month, bytes);
  auto bad = RunCli("fleet verify " + store);
  EXPECT_EQ(bad.code, 1);
  EXPECT_THAT(bad.out, HasSubstr("site south.2: FAILED"));
  EXPECT_THAT(bad.out, HasSubstr("2026-02.parquet"));
  EXPECT_THAT(bad.out, HasSubstr("site north-1: intact"));
  auto fixed =
      RunCli(fmt::format("--config {0}/south.2/site.toml --log {0}/south.2/log publish {1}", dir, store));
  EXPECT_EQ(fixed.code, 0) << fixed.err;
  EXPECT_THAT(fixed.out, HasSubstr("1 differing destination files replaced"));
  EXPECT_EQ(RunCli("fleet verify " + store).code, 0);
}

TEST(FleetCli, RefusalsAndHelp) {
  const std::string dir = FreshTestDir("fleet_refusals");
  LogDays(dir + "/log", DaysFromCivil(2026, 5, 1), DaysFromCivil(2026, 5, 2), 60);
  WriteText(dir + "/none.toml", "capacity_kw = 10\n");
  auto no_id = RunCli(fmt::format("--config {0}/none.toml --log {0}/log publish {0}/store", dir));
  EXPECT_EQ(no_id.code, 2);
  EXPECT_THAT(no_id.err, HasSubstr("publish needs the site's id: set site_id"));
  WriteText(dir + "/bad.toml", "capacity_kw = 10\nsite_id = \"a b\"\n");
  auto bad_id = RunCli(fmt::format("--config {0}/bad.toml --log {0}/log publish {0}/store", dir));
  EXPECT_EQ(bad_id.code, 2);
  EXPECT_THAT(bad_id.err, HasSubstr("bad.toml:2:"));
  WriteText(dir + "/a.toml", "capacity_kw = 10\nsite_id = \"a\"\n");
  WriteText(dir + "/b.toml", "capacity_kw = 10\nsite_id = \"b\"\n");
  ASSERT_EQ(RunCli(fmt::format("--config {0}/a.toml --log {0}/log publish {0}/store", dir)).code, 0);
  auto renamed = RunCli(fmt::format("--config {0}/b.toml --log {0}/log publish {0}/store", dir));
  EXPECT_EQ(renamed.code, 2);
  EXPECT_THAT(renamed.err, HasSubstr("published as site \"a\""));
  auto missing = RunCli(fmt::format("--config {0}/a.toml --log {0}/nolog publish {0}/store", dir));
  EXPECT_EQ(missing.code, 1);
  EXPECT_THAT(missing.err, HasSubstr("no audit log here"));
  auto no_store = RunCli("fleet verify " + dir + "/nostore");
  EXPECT_EQ(no_store.code, 1);
  EXPECT_THAT(no_store.err, HasSubstr("no fleet store here"));
  for (const char* cmd : {"publish", "fleet", "fleet verify", "fleet compliance"}) {
    auto h = RunCli(std::string(cmd) + " --help");
    EXPECT_EQ(h.code, 0) << cmd;
    EXPECT_THAT(h.out, HasSubstr("Usage")) << cmd;
  }
}

// What a reader may find in a site folder after any kill.
void ExpectConsistent(const std::string& site_dir,
                      const std::map<std::string, std::set<std::string>>& vouched, int* intents) {
  Env* env = Env::Default();
  if (!std::filesystem::exists(site_dir)) return;
  for (const auto& e : std::filesystem::directory_iterator(site_dir)) {
    const std::string n = e.path().filename().string();
    if (!n.ends_with(".parquet")) continue;
    // DEST/*/*.parquet: only month files, each whole and vouched for.
    ASSERT_FALSE(IsPublishTempName(n)) << n;
    auto b = env->ReadFileToBytes(e.path().string());
    ASSERT_TRUE(b.ok());
    auto it = vouched.find(n);
    ASSERT_TRUE(it != vouched.end() && it->second.count(fleet::Sha256Hex(*b)))
        << n << " is partial or unknown";
    EXPECT_TRUE(parquet::FileReader::OpenBuffer(*b, n).ok()) << n;
  }
  if (!std::filesystem::exists(site_dir + "/_manifest.json")) return;
  auto m = log::ReadManifest(env, site_dir);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  const bool intent = std::filesystem::exists(site_dir + "/_seal_intent");
  *intents += intent ? 1 : 0;
  for (const auto& f : m->files) {
    auto b = env->ReadFileToBytes(site_dir + "/" + f.name);
    ASSERT_TRUE(b.ok()) << "the manifest names a missing " << f.name;
    if (!intent) {
      EXPECT_EQ(fleet::Sha256Hex(*b), f.sha256) << f.name;
    }
  }
}

TEST(FleetCli, PublishKilledWithSigkillAtRandomMomentsAndResumed) {
  const std::string dir = FreshTestDir("fleet_kill");
  const std::string log = dir + "/log", store = dir + "/store", site_dir = store + "/site=k";
  int64_t last = DaysFromCivil(2026, 4, 20);
  LogDays(log, DaysFromCivil(2025, 7, 1), last, 30);
  WriteText(dir + "/k.toml", "capacity_kw = 100\nsite_id = \"k\"\n");
  std::map<std::string, std::set<std::string>> vouched;
  auto remember = [&] {
    auto m = log::ReadManifest(Env::Default(), log);
    ASSERT_TRUE(m.ok());
    for (const auto& f : m->files) vouched[f.name].insert(f.sha256);
  };
  remember();
  const std::string cli = BA_CLI_PATH;
  const std::string config = dir + "/k.toml";
  auto spawn = [&]() -> pid_t {
    pid_t pid = ::fork();
    if (pid == 0) {
      const int null = ::open("/dev/null", O_WRONLY);
      ::dup2(null, 1);
      ::dup2(null, 2);
      ::execl(cli.c_str(), cli.c_str(), "--config", config.c_str(), "--log", log.c_str(), "publish",
              store.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    return pid;
  };
  // How long a whole publish takes here.
  auto t0 = std::chrono::steady_clock::now();
  int status = 0;
  ::waitpid(spawn(), &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const auto full =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0);
  std::mt19937 rng(15);
  int kills = 0, intents = 0;
  for (int round = 0; round < 60; ++round) {
    if (round % 12 == 0) std::filesystem::remove_all(site_dir);  // ours: a fresh site folder now and then
    if (round % 3 == 1) {
      LogDays(log, last + 1, last + 1, 30);  // a new day: the current month file is replaced
      ++last;
      remember();
    }
    const pid_t pid = spawn();
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::uniform_int_distribution<int64_t>(0, full.count() * 6 / 5)(rng)));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++kills;
    ExpectConsistent(site_dir, vouched, &intents);
    if (::testing::Test::HasFatalFailure()) return;
    auto v = VerifyFleet(store);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    for (const auto& s : *v) EXPECT_TRUE(s.status.ok()) << s.status.ToString();
  }
  // Resumed to the end: the log's history, whole.
  ::waitpid(spawn(), &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(cli_test::SlurpFile(site_dir + "/_manifest.json"), cli_test::SlurpFile(log + "/_manifest.json"));
  auto v = VerifyFleet(store);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 1u);
  EXPECT_TRUE((*v)[0].status.ok()) << (*v)[0].status.ToString();
  EXPECT_TRUE((*v)[0].warnings.empty());
  for (const auto& e : std::filesystem::directory_iterator(site_dir)) {
    EXPECT_FALSE(IsPublishTempName(e.path().filename().string())) << e.path();
  }
  EXPECT_GT(kills, 10);  // most runs were killed mid-way
  RecordProperty("kills", kills);
  RecordProperty("kills_between_a_month_file_and_its_manifest", intents);
}

}  // namespace
}  // namespace budget_audit
