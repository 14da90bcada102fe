#include "log/verify.h"

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "budget_audit/audit_log.h"
#include "log/checkpoint.h"
#include "log/journal.h"
#include "log/manifest.h"
#include "log/sealed_reader.h"
#include "log/snapshot.h"

namespace budget_audit::log {
namespace {

SlotRecord DayRec(int day, int i) {
  SlotRecord r;
  r.timestamp_us = 1780099200000000 + int64_t{day} * 86400000000 + int64_t{i} * 900000000;
  int d = 30 + day;
  r.date = d <= 31 ? fmt::format("2026-05-{:02}", d) : fmt::format("2026-06-{:02}", d - 31);
  r.slot_index = i;
  r.energy_cost_kwh = 0.25 * i;
  r.gate_passed = i % 3 == 0;
  r.source = "plan";
  r.stage_id = "flowering";
  return r;
}

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AuditLogOptions o;
    o.env = env_.get();
    o.local_date = [](int64_t) { return DayRec(3, 0).date; };  // the last day stays in the journal
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok());
    for (int day = 0; day < 4; ++day) {
      for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Append(DayRec(day, i)).ok());
    }
    head_ = (*log)->head_hex();
  }
  Status Verify() { return VerifyLog(env_.get(), "/log").status(); }
  Bytes Read(const std::string& p) { return *env_->ReadFileToBytes(p); }
  void Write(const std::string& p, const Bytes& b) {
    auto f = env_->NewWritableFile(p);
    ASSERT_TRUE((*f)->Append(b).ok());
  }
  std::unique_ptr<Env> env_ = NewMemEnv();
  std::string head_;
};

TEST_F(VerifyTest, IntactLogVerifies) {
  auto r = VerifyLog(env_.get(), "/log");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records, 40u);
  EXPECT_EQ(r->sealed_records, 30u);
  EXPECT_EQ(r->files, 2u);
  EXPECT_EQ(r->head_hex, head_);
  EXPECT_FALSE(r->torn_tail);
  EXPECT_TRUE(r->warnings.empty());
}

TEST_F(VerifyTest, SnapshotListsEveryRecordInOrder) {
  uint64_t next = 1;
  Status s = ForEachRecord(env_.get(), "/log", [&](const SeqRecord& r) {
    EXPECT_EQ(r.seq, next);
    EXPECT_EQ(r.record, DayRec(static_cast<int>((next - 1) / 10), static_cast<int>((next - 1) % 10)));
    ++next;
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(next, 41u);
}

TEST_F(VerifyTest, FlippedByteInASealedFileIsFound) {
  Bytes b = Read("/log/2026-05.parquet");
  b[b.size() / 2] ^= 0x10;
  Write("/log/2026-05.parquet", b);
  Status s = Verify();
  ASSERT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("2026-05.parquet"), std::string::npos) << s.message();
}

TEST_F(VerifyTest, ValueRewrittenByAValidWriterIsFound) {
  // An attacker rewrites a sealed file with a valid Parquet writer and even
  // fixes the manifest's hash: the chain still gives it away.
  auto rows = *ReadAuditFile(env_.get(), "/log/2026-05.parquet");
  rows[3].record.energy_cost_kwh = 0.0;
  {
    auto w = parquet::FileWriter::Open(env_.get(), "/log/2026-05.parquet", AuditColumnSpecs(), {});
    ASSERT_TRUE((*w)->WriteRowGroup(AuditColumns(rows)).ok());
    ASSERT_TRUE((*w)->Close().ok());
  }
  Manifest m = *ReadManifest(env_.get(), "/log");
  Sha256Digest d = Sha256(Read("/log/2026-05.parquet"));
  for (auto& f : m.files) {
    if (f.name == "2026-05.parquet") f.sha256 = ToHex(ByteSpan(d.data(), d.size()));
  }
  ASSERT_TRUE(WriteManifest(env_.get(), "/log", m).ok());
  Status s = Verify();
  ASSERT_TRUE(s.IsCorruption());
  // The file's report summary no longer matches its rows...
  EXPECT_NE(s.message().find("report summary"), std::string::npos) << s.message();
  // ...nor does its site summary...
  for (auto& f : m.files) {
    if (f.name == "2026-05.parquet") f.summary.reset();
  }
  ASSERT_TRUE(WriteManifest(env_.get(), "/log", m).ok());
  s = Verify();
  ASSERT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("site summary"), std::string::npos) << s.message();
  // ...and without summaries (the attacker dropped them) the chain gives it away.
  for (auto& f : m.files) {
    if (f.name == "2026-05.parquet") f.site.reset();
  }
  ASSERT_TRUE(WriteManifest(env_.get(), "/log", m).ok());
  s = Verify();
  ASSERT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("sealed_head"), std::string::npos) << s.message();
}

TEST_F(VerifyTest, DeletedOrSwappedFilesAreFound) {
  Bytes may = Read("/log/2026-05.parquet"), june = Read("/log/2026-06.parquet");
  Write("/log/2026-05.parquet", june);
  Write("/log/2026-06.parquet", may);
  EXPECT_TRUE(Verify().IsCorruption());
  ASSERT_TRUE(env_->DeleteFile("/log/2026-05.parquet").ok());
  Status s = Verify();
  ASSERT_TRUE(s.IsCorruption());
  EXPECT_NE(s.message().find("missing"), std::string::npos);
}

TEST_F(VerifyTest, TruncatedJournalIsATornTailOtherDamageIsNot) {
  auto names = *env_->GetChildren("/log/_journal");
  std::sort(names.begin(), names.end());
  ASSERT_GE(names.size(), 1u);
  std::string j = "/log/_journal/" + names.back();
  Bytes b = Read(j);
  Bytes cut(b.begin(), b.end() - 7);
  Write(j, cut);
  // After a clean close this is damage (CleanClose tests); a writer killed
  // while writing leaves no clean-close record.
  EXPECT_TRUE(Verify().IsCorruption());
  ASSERT_TRUE(env_->DeleteFile("/log/_closed").ok());
  auto r = VerifyLog(env_.get(), "/log");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->torn_tail);
  EXPECT_EQ(r->records, 39u);
  b[kJournalHeaderSize + 20] ^= 1;  // damage in the first frame
  Write(j, b);
  EXPECT_TRUE(Verify().IsCorruption());
}

TEST_F(VerifyTest, JournalCopyOfASealedRecordMustMatchIt) {
  // A journal frame that repeats a sealed record, rewritten with another
  // value, its stored hash kept and its CRC made valid again.
  bool changed = false;
  const auto names = *env_->GetChildren("/log/_journal");
  for (const auto& n : names) {
    const std::string j = "/log/_journal/" + n;
    auto scan = ScanJournalFile(env_.get(), j, false);
    ASSERT_TRUE(scan.ok());
    for (const auto& e : scan->entries) {
      if (e.seq > 30 || changed) continue;
      SlotRecord r = e.record;
      r.energy_cost_kwh += 1;
      ByteWriter w;
      EncodeTickFrame(r, e.seq, e.hash, w);
      Bytes b = Read(j);
      std::copy(w.bytes().begin(), w.bytes().end(), b.begin() + static_cast<ptrdiff_t>(e.offset));
      Write(j, b);
      changed = true;
    }
  }
  ASSERT_TRUE(changed) << "no sealed record left in the journal to tamper with";
  Status s = Verify();
  ASSERT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_NE(s.message().find("differs from its sealed copy"), std::string::npos) << s.ToString();
}

TEST_F(VerifyTest, SignedCheckpointProvesThePrefix) {
  KeyPair kp = GenerateKeyPair();
  auto r = VerifyLog(env_.get(), "/log");
  Checkpoint c{r->log_id_hex, r->records, r->head_hex, "2026-06-03T00:00:00Z", {}, {}};
  ASSERT_TRUE(SignCheckpoint(c, kp.secret_hex).ok());
  auto parsed = CheckpointFromJson(CheckpointToJson(c));
  ASSERT_TRUE(parsed.ok());
  EXPECT_TRUE(VerifyCheckpointSignature(*parsed, kp.public_hex).ok());
  EXPECT_FALSE(VerifyCheckpointSignature(*parsed, GenerateKeyPair().public_hex).ok());
  parsed->seq -= 1;  // a replayed or edited checkpoint
  EXPECT_FALSE(VerifyCheckpointSignature(*parsed, kp.public_hex).ok());

  VerifyOptions o;
  o.hash_at = 25;
  auto at = VerifyLog(env_.get(), "/log", o);
  ASSERT_TRUE(at.ok());
  ASSERT_TRUE(at->hash_at_requested.has_value());
  o.hash_at = 41;
  EXPECT_TRUE(VerifyLog(env_.get(), "/log", o).status().IsCorruption());
}

}  // namespace
}  // namespace budget_audit::log
