// Issue 11, items 7 and 8: a crash's torn tail against damage after a clean
// close, cut tails kept and reported, and missing or mangled parts of the
// layout — for the writer, the snapshot readers and verify alike.
#include "log/layout.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "env/fault_env.h"
#include "log/journal.h"
#include "log/verify.h"

namespace budget_audit::log {
namespace {

SlotRecord Rec(int i) {
  SlotRecord r;
  r.timestamp_us = 1780114500000000 + int64_t{i} * 900000000;  // 2026-05-30T04:15Z + 15 min * i
  r.date = "2026-05-30";
  r.slot_index = i;
  r.energy_cost_kwh = i * 0.25;
  r.source = "plan";
  return r;
}

class LayoutTest : public ::testing::Test {
 protected:
  AuditLogOptions Opts() {
    AuditLogOptions o;
    o.env = env_.get();
    o.local_date = [](int64_t) { return std::string("2026-05-30"); };  // Rec's day has not ended
    return o;
  }
  void Write(int from, int to) {
    auto log = AuditLog::Open("/log", Opts());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = from; i <= to; ++i) ASSERT_TRUE((*log)->Append(Rec(i)).ok());
    ASSERT_TRUE((*log)->Close().ok());
  }
  std::string LastJournal() {
    auto names = *env_->GetChildren("/log/_journal");
    std::sort(names.begin(), names.end());
    return "/log/_journal/" + names.back();
  }
  Bytes Read(const std::string& p) { return *env_->ReadFileToBytes(p); }
  void Put(const std::string& p, const Bytes& b) {
    auto f = env_->NewWritableFile(p);
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE((*f)->Append(b).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }
  // What every way of reading the log says: writer, snapshot, verify.
  struct Verdicts {
    Status writer, snapshot, verify;
  };
  Verdicts Open() {
    Verdicts v;
    v.verify = VerifyLog(env_.get(), "/log").status();
    v.snapshot = LogSnapshot::Open("/log", env_.get()).status();
    auto w = AuditLog::Open("/log", Opts());
    v.writer = w.status();
    return v;
  }
  void ExpectAllCorrupt(const std::string& fragment) {
    Verdicts v = Open();
    for (const Status* s : {&v.verify, &v.snapshot, &v.writer}) {
      EXPECT_TRUE(s->IsCorruption()) << s->ToString();
      EXPECT_NE(s->message().find(fragment), std::string::npos) << s->message();
    }
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
};

TEST_F(LayoutTest, ACleanCloseIsRecordedAndRemovedByTheNextWriter) {
  Write(1, 3);
  EXPECT_TRUE(*env_->FileExists("/log/_closed"));
  auto r = VerifyLog(env_.get(), "/log");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->closed_cleanly);
  {
    auto log = AuditLog::Open("/log", Opts());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_FALSE(*env_->FileExists("/log/_closed")) << "removed before anything is appended";
    auto open = VerifyLog(env_.get(), "/log");
    ASSERT_TRUE(open.ok());
    EXPECT_FALSE(open->closed_cleanly);
    ASSERT_TRUE((*log)->Append(Rec(4)).ok());
  }  // the destructor closes cleanly too
  EXPECT_TRUE(*env_->FileExists("/log/_closed"));
  Write(5, 6);
  auto again = VerifyLog(env_.get(), "/log");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->records, 6u);
  EXPECT_TRUE(again->cuts.empty());
}

TEST_F(LayoutTest, TailDamageAfterACleanCloseIsCorruptionNeverATornTail) {
  Write(1, 5);
  const std::string j = LastJournal();
  const Bytes good = Read(j);
  struct Damage {
    const char* what;
    Bytes bytes;
    const char* says;
  };
  Bytes flipped = good, zeroed = good, cut = good, extra = good;
  flipped[flipped.size() - 40] ^= 0x10;                    // inside the last record
  std::fill(zeroed.end() - 24, zeroed.end(), uint8_t{0});  // its end zeroed
  cut.resize(cut.size() - 7);                              // its end cut off
  extra.insert(extra.end(), 16, uint8_t{0});               // zeros after it
  // A whole last frame that fails its checksum is damage in any case; a
  // cut or zeros after the last frame are a crash's torn tail only when the
  // log was not closed cleanly.
  for (const Damage& d :
       {Damage{"flipped", flipped, "frame checksum mismatch"},
        Damage{"zeroed", zeroed, "frame checksum mismatch"}, Damage{"cut", cut, "closed cleanly after seq 5"},
        Damage{"extra zeros", extra, "closed cleanly after seq 5"}}) {
    SCOPED_TRACE(d.what);
    Put(j, d.bytes);
    ExpectAllCorrupt(d.says);
    EXPECT_EQ(Read(j), d.bytes) << "nothing is cut";
  }
  Put(j, good);
  Verdicts v = Open();
  EXPECT_TRUE(v.writer.ok()) << v.writer.ToString();
}

TEST_F(LayoutTest, AWholeFrameWithABadChecksumIsNeverATornWrite) {
  Write(1, 5);
  ASSERT_TRUE(env_->DeleteFile("/log/_closed").ok());  // as if the writer had been killed
  const std::string j = LastJournal();
  Bytes b = Read(j);
  b[b.size() - 40] ^= 0x10;
  Put(j, b);
  ExpectAllCorrupt("frame checksum mismatch");
}

TEST_F(LayoutTest, ACrashsTornTailIsKeptAsideAndReportedForever) {
  Write(1, 5);
  ASSERT_TRUE(env_->DeleteFile("/log/_closed").ok());  // as if the writer had been killed mid-append
  const std::string j = LastJournal();
  Bytes b = Read(j);
  const size_t torn = 30;
  const Bytes tail(b.end() - torn, b.end());
  b.resize(b.size() - 7);  // the last record's frame cut short
  Put(j, b);
  {
    auto before = VerifyLog(env_.get(), "/log");
    ASSERT_TRUE(before.ok()) << before.status().ToString();
    EXPECT_TRUE(before->torn_tail);
    EXPECT_EQ(before->records, 4u);
    EXPECT_GT(before->torn_tail_bytes, 0u);
  }
  {
    auto log = AuditLog::Open("/log", Opts());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_TRUE((*log)->recovered_torn_tail());
    EXPECT_EQ((*log)->last_seq(), 4u);
    EXPECT_EQ((*log)->Append(Rec(50))->seq, 5u);  // seq 5 goes to another record: the cut is kept
  }
  auto cuts = ListCutTails(env_.get(), "/log");
  ASSERT_TRUE(cuts.ok()) << cuts.status().ToString();
  ASSERT_EQ(cuts->size(), 1u);
  const CutTail& c = cuts->front();
  EXPECT_EQ(c.first_seq, 5u);
  EXPECT_EQ(c.journal, BaseName(j));
  EXPECT_EQ(c.offset + c.bytes, b.size());
  Bytes kept = Read("/log/_cut/" + c.name);
  EXPECT_TRUE(std::equal(kept.begin(), kept.end(), b.end() - static_cast<ptrdiff_t>(kept.size())));
  auto after = VerifyLog(env_.get(), "/log");
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->records, 5u);
  ASSERT_EQ(after->cuts.size(), 1u);
  EXPECT_EQ(after->cuts[0].name, c.name);
  (void)tail;
}

TEST_F(LayoutTest, AFailedAppendLeavesNoCleanClose) {
  FaultInjectionEnv faults(env_.get());
  AuditLogOptions o = Opts();
  o.env = &faults;
  {
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append(Rec(1)).ok());
    faults.FailAt(1, false);
    EXPECT_FALSE((*log)->Append(Rec(2)).ok());
    faults.ClearFaults();
    EXPECT_TRUE((*log)->Close().ok());
  }
  EXPECT_FALSE(*env_->FileExists("/log/_closed"));
  auto log = AuditLog::Open("/log", Opts());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->last_seq(), 1u);
}

TEST_F(LayoutTest, ADeletedManifestIsDamageNotANewLog) {
  Write(1, 3);
  ASSERT_TRUE(env_->DeleteFile("/log/_manifest.json").ok());
  ExpectAllCorrupt("_manifest.json is missing but the directory holds a log's files");
  EXPECT_FALSE(*env_->FileExists("/log/_manifest.json")) << "no new identity was written";
}

TEST(LayoutOnDisk, AJournalReplacedByAFileOrDeletedIsDamage) {
  namespace fs = std::filesystem;
  const std::string dir = ::testing::TempDir() + "/ba_layout_" + std::to_string(::getpid());
  fs::remove_all(dir);
  Env* env = Env::Default();
  {
    auto log = AuditLog::Open(dir);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 1; i <= 3; ++i) ASSERT_TRUE((*log)->Append(Rec(i)).ok());
  }
  auto expect_corrupt = [&](const std::string& fragment) {
    for (Status s :
         {VerifyLog(env, dir).status(), LogSnapshot::Open(dir, env).status(), AuditLog::Open(dir).status()}) {
      EXPECT_TRUE(s.IsCorruption()) << s.ToString();
      EXPECT_NE(s.message().find(fragment), std::string::npos) << s.message();
    }
  };
  fs::remove_all(dir + "/_journal");
  expect_corrupt("_journal is missing");
  std::ofstream(dir + "/_journal") << "x";
  expect_corrupt("_journal is not a directory");
  fs::remove_all(dir);
}

TEST_F(LayoutTest, AManifestMangledIsDamage) {
  Write(1, 3);
  Bytes m = Read("/log/_manifest.json");
  m.resize(m.size() / 2);
  Put("/log/_manifest.json", m);
  ExpectAllCorrupt("_manifest.json");
}

TEST_F(LayoutTest, ACrashWhileCreatingALogLeavesNothingToLose) {
  // What Open leaves if killed before its manifest exists: _lock and an
  // empty _journal/. That is no log: a writer creates one there.
  ASSERT_TRUE(env_->CreateDirs("/log/_journal").ok());
  Put("/log/_lock", Bytes{'p'});
  auto v = VerifyLog(env_.get(), "/log");
  EXPECT_TRUE(v.status().IsNotFound()) << v.status().ToString();
  Write(1, 2);
  auto r = VerifyLog(env_.get(), "/log");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records, 2u);
}

}  // namespace
}  // namespace budget_audit::log
