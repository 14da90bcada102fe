// Issue 11, items 11 and 12: what a seal writes before it is published.
// No name in the log directory that ends in ".parquet" is ever anything but
// sealed history (a glob over "<log>/*.parquet" would count it), a failed
// seal removes its partial file, and a writer opening the log removes what
// a killed one left.
#include <mutex>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "env/fault_env.h"
#include "env/forwarding_env.h"
#include "log/manifest.h"
#include "util/bytes.h"

namespace budget_audit {
namespace {

// Four ticks a day over several days and a month change.
SlotRecord Tick(int i) {
  SlotRecord r;
  r.timestamp_us = 1780099200000000 + int64_t{i} * 6 * 3600 * 1000000;  // 2026-05-30T00:00Z + 6 h * i
  const int day = i / 4;
  r.date = day < 2 ? fmt::format("2026-05-{:02}", 30 + day) : fmt::format("2026-06-{:02}", day - 1);
  r.slot_index = i;
  r.energy_cost_kwh = 0.25 * i;
  r.source = "plan";
  return r;
}

// An Env that remembers the name of every file created in the log directory.
class RecordingEnv final : public ForwardingEnv {
 public:
  explicit RecordingEnv(Env* base) : ForwardingEnv(base) {}
  std::set<std::string> created() {
    std::lock_guard<std::mutex> l(mu_);
    return created_;
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    Note(p);
    return base()->NewWritableFile(p);
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    Note(p);
    return base()->NewAppendableFile(p);
  }

 private:
  void Note(const std::string& p) {
    std::lock_guard<std::mutex> l(mu_);
    created_.insert(BaseName(p));
  }
  std::mutex mu_;
  std::set<std::string> created_;
};

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

TEST(SealTemporaries, NoFileButSealedHistoryIsEverNamedParquet) {
  auto mem = NewMemEnv();
  RecordingEnv env(mem.get());
  AuditLogOptions o;
  o.env = &env;
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 0; i < 24; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
    ASSERT_TRUE((*log)->Seal().ok());
  }
  auto m = log::ReadManifest(mem.get(), "/log");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::set<std::string> sealed;
  for (const auto& f : m->files) sealed.insert(f.name);
  EXPECT_EQ(sealed, (std::set<std::string>{"2026-05.parquet", "2026-06.parquet"}));
  size_t temporaries = 0;
  for (const auto& name : env.created()) {
    if (EndsWith(name, ".parquet")) {
      EXPECT_TRUE(sealed.count(name)) << name << " was created";
    }
    if (name.rfind(log::kTempPrefix, 0) == 0) ++temporaries;
  }
  EXPECT_GT(temporaries, 0u) << "month files are written under a temporary name first";
  EXPECT_EQ(log::SealTempName("2026-06.parquet"), "_tmp.2026-06.parquet.partial");
}

// Every operation of a seal fails once in turn; afterwards no temporary is
// left (it would fill what a full disk has left), and the next seal works.
TEST(SealTemporaries, AFailedSealRemovesItsTemporary) {
  for (int n = 1;; ++n) {
    SCOPED_TRACE(fmt::format("failing operation {} of the seal", n));
    auto mem = NewMemEnv();
    FaultInjectionEnv env(mem.get());
    AuditLogOptions o;
    o.env = &env;
    o.seal_policy = SealPolicy::kManual;
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 0; i < 12; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
    env.FailAt(n, /*persistent=*/false);
    Status s = (*log)->Seal();
    const bool fired = env.fault_fired();
    env.ClearFaults();
    if (!fired) {
      ASSERT_TRUE(s.ok()) << s.ToString();
      ASSERT_GT(n, 3) << "a seal does more than a few operations";
      break;
    }
    auto children = mem->GetChildren("/log");
    ASSERT_TRUE(children.ok());
    for (const auto& c : *children) {
      EXPECT_NE(c.rfind(log::kTempPrefix, 0), 0u)
          << c << " left behind by a failed seal (" << s.ToString() << ")";
    }
    Status again = (*log)->Seal();
    EXPECT_TRUE(again.ok()) << again.ToString();
  }
}

TEST(SealTemporaries, OpenRemovesWhatAKilledWriterLeft) {
  auto env = NewMemEnv();
  AuditLogOptions o;
  o.env = env.get();
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 6; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
  }
  // What a writer killed mid-seal leaves: a partial month file and a
  // partial manifest (today's names and the names of earlier versions).
  for (const char* name : {"_tmp.2026-05.parquet.partial", "_tmp.2026-05.parquet", "_tmp._manifest.json"}) {
    auto f = env->NewWritableFile(JoinPath("/log", name));
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(AsSpan(std::string(4096, 'x'))).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_EQ((*log)->last_seq(), 6u);
  }
  auto children = env->GetChildren("/log");
  ASSERT_TRUE(children.ok());
  for (const auto& c : *children) EXPECT_NE(c.rfind(log::kTempPrefix, 0), 0u) << c;
  auto snap = LogSnapshot::Open("/log", env.get());
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  EXPECT_EQ((*snap)->last_seq(), 6u);
}

}  // namespace
}  // namespace budget_audit
