// The public verify and checkpoint API (budget_audit/verify.h,
// checkpoint.h): findings as data, their text and JSON, checkpoints made,
// kept and refused, key files.
#include "budget_audit/verify.h"

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "budget_audit/audit_log.h"
#include "budget_audit/checkpoint.h"

namespace budget_audit {
namespace {

using Bytes = std::vector<uint8_t>;

SlotRecord DayRec(int day, int i) {
  SlotRecord r;
  r.timestamp_us = 1780099200000000 + int64_t{day} * 86400000000 + int64_t{i} * 900000000;
  int d = 30 + day;
  r.date = d <= 31 ? fmt::format("2026-05-{:02}", d) : fmt::format("2026-06-{:02}", d - 31);
  r.slot_index = i;
  r.energy_cost_kwh = 0.25 * i;
  r.source = "plan";
  return r;
}

bool Contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

std::span<const uint8_t> Span(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class VerifyApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Four days of ten records; the last day stays in the journal.
    for (int day = 0; day < 4; ++day) {
      for (int i = 0; i < 10; ++i) Append(DayRec(day, i));
    }
  }
  // Appends through a writer that closes cleanly.
  void Append(const SlotRecord& r) {
    AuditLogOptions o;
    o.env = env_.get();
    o.local_date = [](int64_t) { return DayRec(3, 0).date; };
    auto log = AuditLog::Open("/log", o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    ASSERT_TRUE((*log)->Append(r).ok());
    head_ = (*log)->head_hex();
    log_id_ = (*log)->log_id_hex();
    ASSERT_TRUE((*log)->Close().ok());
  }
  VerifyOptions Options() {
    VerifyOptions o;
    o.env = env_.get();
    return o;
  }
  std::string LastJournal() {
    auto names = *env_->GetChildren("/log/_journal");
    std::sort(names.begin(), names.end());
    return names.back();
  }
  void AppendBytes(const std::string& path, const Bytes& more) {
    Bytes b = *env_->ReadFileToBytes(path);
    b.insert(b.end(), more.begin(), more.end());
    auto f = env_->NewWritableFile(path);
    ASSERT_TRUE((*f)->Append(b).ok());
    ASSERT_TRUE((*f)->Close().ok());
  }

  std::unique_ptr<Env> env_ = NewMemEnv();
  std::string head_, log_id_;
};

TEST_F(VerifyApiTest, IntactLogAsData) {
  auto r = Verify("/log", Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->dir, "/log");
  EXPECT_EQ(r->log_id_hex, log_id_);
  EXPECT_EQ(r->records, 40u);
  EXPECT_EQ(r->sealed_records, 30u);
  EXPECT_EQ(r->journal_records(), 10u);
  EXPECT_EQ(r->sealed_files, 2u);
  EXPECT_GE(r->journal_files, 1u);
  EXPECT_EQ(r->head_hex, head_);
  EXPECT_TRUE(r->closed_cleanly);
  EXPECT_FALSE(r->torn_tail);
  EXPECT_TRUE(r->cuts.empty());
  EXPECT_TRUE(r->warnings.empty());
  EXPECT_FALSE(r->timestamps_backwards);
  EXPECT_FALSE(r->checkpoint);
  EXPECT_TRUE(r->manifest_checksum);
  EXPECT_EQ(r->manifest_digest.size(), 64u);

  EXPECT_EQ(VerifyReportText(*r),
            fmt::format("verified: 40 records (30 sealed in 2 files, 10 in {} journal files)\n"
                        "log id:   {}\n"
                        "head:     seq 40 {}\n"
                        "closed:   cleanly by the last writer\n",
                        r->journal_files, log_id_, head_));

  const std::string text = VerifyReportToJson(*r);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["intact"], true);
  EXPECT_EQ(j["log"], "/log");
  EXPECT_EQ(j["log_id"], log_id_);
  EXPECT_EQ(j["records"], 40);
  EXPECT_EQ(j["sealed_records"], 30);
  EXPECT_EQ(j["sealed_files"], 2);
  EXPECT_EQ(j["journal_records"], 10);
  EXPECT_EQ(j["head"]["seq"], 40);
  EXPECT_EQ(j["head"]["hash"], head_);
  EXPECT_EQ(j["closed_cleanly"], true);
  EXPECT_TRUE(j["torn_tail"].is_null());
  EXPECT_TRUE(j["cuts"].empty());
  EXPECT_TRUE(j["warnings"].empty());
  EXPECT_TRUE(j["checkpoint"].is_null());
  EXPECT_EQ(j["manifest"]["checksum"], true);
  // Keys in the documented order.
  EXPECT_EQ(text.rfind("{\"intact\":true,\"log\":\"/log\",\"log_id\":", 0), 0u) << text;
}

TEST_F(VerifyApiTest, TornTailThenItsCutAsFindings) {
  // A crash: no clean-close record, half a frame at the journal's end.
  ASSERT_TRUE(env_->DeleteFile("/log/_closed").ok());
  const std::string journal = LastJournal();
  const uint64_t size = *env_->GetFileSize("/log/_journal/" + journal);
  // A frame header announcing 100 bytes, and one of them: cut short.
  AppendBytes("/log/_journal/" + journal, Bytes{0x5a, 0x5a, 0x5a, 0x5a, 100, 0, 0, 0, 0x5a});
  auto r = Verify("/log", Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->closed_cleanly);
  ASSERT_TRUE(r->torn_tail);
  EXPECT_EQ(r->torn_tail->journal, journal);
  EXPECT_EQ(r->torn_tail->offset, size);
  EXPECT_EQ(r->torn_tail->bytes, 9u);
  EXPECT_EQ(r->records, 40u);
  EXPECT_TRUE(Contains(VerifyReportText(*r),
                       fmt::format("note: the journal ends in a torn tail of 9 bytes at _journal/{} "
                                   "offset {} (left by a crash;",
                                   journal, size)))
      << VerifyReportText(*r);
  auto j = nlohmann::json::parse(VerifyReportToJson(*r));
  EXPECT_EQ(j["torn_tail"]["journal"], journal);
  EXPECT_EQ(j["torn_tail"]["offset"], size);
  EXPECT_EQ(j["torn_tail"]["bytes"], 9);

  // The next writer keeps the tail in _cut/ and cuts it.
  Append(DayRec(3, 10));
  r = Verify("/log", Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->torn_tail);
  EXPECT_EQ(r->records, 41u);
  ASSERT_EQ(r->cuts.size(), 1u);
  const CutTailFinding& c = r->cuts[0];
  EXPECT_EQ(c.journal, journal);
  EXPECT_EQ(c.offset, size);
  EXPECT_EQ(c.bytes, 9u);
  EXPECT_EQ(c.first_seq, 41u);
  EXPECT_EQ(c.complete_frames, 0u);
  EXPECT_FALSE(c.name.empty());
  EXPECT_GT(c.cut_at_us, 0);
  const std::string text = VerifyReportText(*r);
  EXPECT_TRUE(Contains(text, fmt::format("cut:      9 bytes cut after a crash from _journal/{} at offset "
                                         "{} on ",
                                         journal, size)))
      << text;
  EXPECT_TRUE(Contains(text, fmt::format(": seq 41 (an incomplete frame, never acknowledged); kept as "
                                         "_cut/{}\n",
                                         c.name)))
      << text;
  j = nlohmann::json::parse(VerifyReportToJson(*r));
  ASSERT_EQ(j["cuts"].size(), 1u);
  EXPECT_EQ(j["cuts"][0]["name"], c.name);
  EXPECT_EQ(j["cuts"][0]["first_seq"], 41);
  EXPECT_EQ(j["cuts"][0]["complete_frames"], 0);
  EXPECT_EQ(j["cuts"][0]["cut_at"].get<std::string>().back(), 'Z');
}

TEST_F(VerifyApiTest, WarningsCarryTheirKind) {
  // A record earlier than the one before it, and an interrupted seal.
  SlotRecord back = DayRec(3, 3);
  back.timestamp_us -= 1;  // before DayRec(3, 9), logged last
  back.slot_index = 99;
  Append(back);
  ASSERT_TRUE(env_->WriteFileAtomic("/log/_seal_intent", {}).ok());
  auto r = Verify("/log", Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(r->timestamps_backwards);
  EXPECT_EQ(r->timestamps_backwards->count, 1u);
  EXPECT_EQ(r->timestamps_backwards->first_seq, 41u);
  EXPECT_EQ(r->timestamps_backwards->timestamp_us, back.timestamp_us);
  EXPECT_EQ(r->timestamps_backwards->previous_us, DayRec(3, 9).timestamp_us);
  std::vector<VerifyWarningKind> kinds;
  for (const auto& w : r->warnings) kinds.push_back(w.kind);
  EXPECT_EQ(kinds, (std::vector<VerifyWarningKind>{VerifyWarningKind::kSealInterrupted,
                                                   VerifyWarningKind::kTimestampsBackwards}));
  EXPECT_TRUE(Contains(r->warnings[1].message, "timestamps go backwards 1 time(s); first at seq 41"))
      << r->warnings[1].message;
  const std::string text = VerifyReportText(*r);
  EXPECT_TRUE(Contains(text, "warning: a seal was interrupted (_seal_intent present)")) << text;
  EXPECT_TRUE(Contains(text, "\nwarning: timestamps go backwards")) << text;
  auto j = nlohmann::json::parse(VerifyReportToJson(*r));
  ASSERT_EQ(j["warnings"].size(), 2u);
  EXPECT_EQ(j["warnings"][0]["kind"], "seal_interrupted");
  EXPECT_EQ(j["warnings"][1]["kind"], "timestamps_backwards");
  EXPECT_EQ(j["timestamps_backwards"]["first_seq"], 41);
  EXPECT_EQ(j["timestamps_backwards"]["previous"], "2026-06-02T02:15:00Z");
}

TEST_F(VerifyApiTest, DamageIsAnErrorNamingTheFile) {
  Bytes b = *env_->ReadFileToBytes("/log/2026-05.parquet");
  b[b.size() / 2] ^= 0x10;
  ASSERT_TRUE(env_->WriteFileAtomic("/log/2026-05.parquet", b).ok());
  auto r = Verify("/log", Options());
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsCorruption());
  EXPECT_EQ(r.status().message().rfind("verify /log: 2026-05.parquet", 0), 0u) << r.status().message();
  auto j = nlohmann::json::parse(VerifyErrorToJson(r.status()));
  EXPECT_EQ(j["intact"], false);
  EXPECT_EQ(j["error"]["code"], "Corruption");
  EXPECT_EQ(j["error"]["message"], r.status().message());

  auto none = Verify("/nowhere", Options());
  ASSERT_TRUE(none.status().IsNotFound()) << none.status().ToString();
  EXPECT_EQ(none.status().message().rfind("verify /nowhere: /nowhere: no audit log here", 0), 0u)
      << none.status().message();
}

TEST_F(VerifyApiTest, SignedCheckpointRoundTripAndItsPrefixKept) {
  KeyPair kp = GenerateKeyPair();
  CheckpointOptions co;
  co.env = env_.get();
  co.secret_key_hex = kp.secret_hex;
  auto cp = MakeCheckpoint("/log", co);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->log_id_hex, log_id_);
  EXPECT_EQ(cp->seq, 40u);
  EXPECT_EQ(cp->head_hex, head_);
  ASSERT_EQ(cp->time.size(), 20u) << cp->time;  // YYYY-MM-DDTHH:MM:SSZ
  EXPECT_EQ(cp->public_key_hex, kp.public_hex);
  ASSERT_TRUE(cp->signature_hex);

  // Kept off the device as JSON, read back the same.
  auto back = CheckpointFromJson(CheckpointToJson(*cp));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->log_id_hex, cp->log_id_hex);
  EXPECT_EQ(back->seq, cp->seq);
  EXPECT_EQ(back->head_hex, cp->head_hex);
  EXPECT_EQ(back->time, cp->time);
  EXPECT_EQ(back->public_key_hex, cp->public_key_hex);
  EXPECT_EQ(back->signature_hex, cp->signature_hex);

  // The log grows; it still holds the checkpoint's prefix.
  Append(DayRec(3, 10));
  VerifyOptions o = Options();
  o.checkpoint = *back;
  o.public_key_hex = kp.public_hex;
  auto r = Verify("/log", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->records, 41u);
  ASSERT_TRUE(r->checkpoint);
  EXPECT_EQ(r->checkpoint->checkpoint.seq, 40u);
  EXPECT_TRUE(r->checkpoint->signature_checked);
  EXPECT_TRUE(Contains(VerifyReportText(*r),
                       fmt::format("\ncheckpoint: seq 40 ({}), signature valid, matches\n", cp->time)))
      << VerifyReportText(*r);
  auto j = nlohmann::json::parse(VerifyReportToJson(*r));
  EXPECT_EQ(j["checkpoint"]["seq"], 40);
  EXPECT_EQ(j["checkpoint"]["head"], cp->head_hex);
  EXPECT_EQ(j["checkpoint"]["signed"], true);
  EXPECT_EQ(j["checkpoint"]["signature_checked"], true);

  // Unsigned: held, without a signature line.
  Checkpoint plain = *back;
  plain.public_key_hex.reset();
  plain.signature_hex.reset();
  o.checkpoint = plain;
  o.public_key_hex.reset();
  r = Verify("/log", o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->checkpoint->signature_checked);
  EXPECT_TRUE(Contains(VerifyReportText(*r), fmt::format("checkpoint: seq 40 ({}) matches\n", cp->time)));
}

TEST_F(VerifyApiTest, RefusedCheckpoints) {
  KeyPair kp = GenerateKeyPair();
  CheckpointOptions co;
  co.env = env_.get();
  co.secret_key_hex = kp.secret_hex;
  const Checkpoint good = *MakeCheckpoint("/log", co);
  auto verify = [&](const Checkpoint& c, std::optional<std::string> key) {
    VerifyOptions o = Options();
    o.checkpoint = c;
    o.checkpoint_name = "cp.json";
    o.public_key_hex = std::move(key);
    return Verify("/log", o).status();
  };
  EXPECT_TRUE(verify(good, kp.public_hex).ok());

  // Another signer's key: refused before the log is read, naming the checkpoint.
  Status s = verify(good, GenerateKeyPair().public_hex);
  EXPECT_TRUE(s.IsCorruption()) << s.ToString();
  EXPECT_EQ(s.message(), "cp.json: the checkpoint's signature does not verify with this public key");
  // Signed, no key given; a key without a checkpoint; a key that is not hex.
  EXPECT_EQ(verify(good, std::nullopt).code(), StatusCode::kInvalidArgument);
  VerifyOptions key_only = Options();
  key_only.public_key_hex = kp.public_hex;
  EXPECT_EQ(Verify("/log", key_only).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(verify(good, "xyz").code(), StatusCode::kInvalidArgument);

  // An edited checkpoint no longer matches its signature.
  Checkpoint edited = good;
  edited.seq = 30;
  EXPECT_TRUE(verify(edited, kp.public_hex).IsCorruption());

  // Unsigned checkpoints the log does not hold.
  Checkpoint c = good;
  c.public_key_hex.reset();
  c.signature_hex.reset();
  Checkpoint wrong_head = c;
  wrong_head.head_hex = std::string(64, '0');
  s = verify(wrong_head, std::nullopt);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_TRUE(Contains(s.message(),
                       "verify /log: the log no longer holds the checkpointed prefix: "
                       "the chain hash at seq 40 is " +
                           head_))
      << s.message();
  Checkpoint beyond = c;
  beyond.seq = 41;
  s = verify(beyond, std::nullopt);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_EQ(s.message(), "verify /log: the log holds 40 records, fewer than the checkpoint's seq 41");
  Checkpoint other = c;
  other.log_id_hex = std::string(32, 'a');
  s = verify(other, std::nullopt);
  EXPECT_TRUE(s.IsCorruption());
  EXPECT_TRUE(Contains(s.message(), "the checkpoint is of log aaaa")) << s.message();

  // The log rewritten after the checkpoint: its prefix is gone.
  Bytes b = *env_->ReadFileToBytes("/log/2026-05.parquet");
  b[b.size() / 2] ^= 0x10;
  ASSERT_TRUE(env_->WriteFileAtomic("/log/2026-05.parquet", b).ok());
  EXPECT_TRUE(verify(good, kp.public_hex).IsCorruption());
  // And a damaged log gets no new checkpoint.
  auto none = MakeCheckpoint("/log", co);
  ASSERT_TRUE(none.status().IsCorruption());
  EXPECT_EQ(none.status().message().rfind("checkpoint /log: 2026-05.parquet", 0), 0u)
      << none.status().message();
}

TEST_F(VerifyApiTest, KeyFilesSignAndCheck) {
  ASSERT_TRUE(env_->CreateDir("/keys").ok());
  auto files = WriteNewKeyPair("/keys/device", env_.get());
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ(files->secret_path, "/keys/device.key");
  EXPECT_EQ(files->public_path, "/keys/device.pub");
  // Never overwritten.
  auto again = WriteNewKeyPair("/keys/device", env_.get());
  EXPECT_EQ(again.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(again.status().message(), "/keys/device.key exists; not overwriting a key");

  auto pub = ReadKeyFile(env_.get(), files->public_path);
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->size(), 64u);

  CheckpointOptions co;
  co.env = env_.get();
  co.secret_key_file = files->secret_path;
  auto cp = MakeCheckpoint("/log", co);
  ASSERT_TRUE(cp.ok()) << cp.status().ToString();
  EXPECT_EQ(cp->public_key_hex, *pub);
  ASSERT_TRUE(env_->WriteFileAtomic("/keys/cp.json", Span(CheckpointToJson(*cp))).ok());
  auto read = ReadCheckpointFile(env_.get(), "/keys/cp.json");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_TRUE(VerifyCheckpointSignature(*read, *pub).ok());

  // A key file that is not a key; a checkpoint file that is not one; both
  // kinds of key at once.
  ASSERT_TRUE(env_->WriteFileAtomic("/keys/bad.key", Span("not a key\n")).ok());
  co.secret_key_file = "/keys/bad.key";
  auto bad = MakeCheckpoint("/log", co);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("/keys/bad.key: secret key:", 0), 0u) << bad.status().message();
  auto not_cp = ReadCheckpointFile(env_.get(), "/keys/bad.key");
  EXPECT_EQ(not_cp.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(not_cp.status().message(), "/keys/bad.key: not a JSON object");
  co.secret_key_hex = GenerateKeyPair().secret_hex;
  EXPECT_EQ(MakeCheckpoint("/log", co).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace budget_audit
