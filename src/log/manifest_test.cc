// The manifest's checksum (docs/format.md §2.4, issue 11 item 10): written
// by every writer, checked by every reader; a manifest from before it is
// read, warned about by verify, and given one by the next writer.
#include "log/manifest.h"

#include <gtest/gtest.h>

#include <regex>

#include <fmt/format.h>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "log/snapshot.h"
#include "log/verify.h"
#include "util/civil_time.h"
#include "util/sha256.h"

namespace budget_audit::log {
namespace {

constexpr int64_t kMinute = 60'000'000;
constexpr int64_t kDay = 1440 * kMinute;
constexpr int64_t kJune1 = 1780272000'000'000;  // 2026-06-01T00:00:00Z

SlotRecord Tick(int i) {
  SlotRecord r;
  r.timestamp_us = kJune1 + int64_t{i} * 10 * kMinute;
  r.date = FormatDate(FloorDiv(r.timestamp_us, kDay));
  r.energy_cost_kwh = 0.5;
  r.gate_passed = i % 2 == 0;
  r.source = "optimizer";
  return r;
}

std::string Text(const Bytes& b) { return std::string(b.begin(), b.end()); }
Bytes ToBytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

class ManifestChecksum : public ::testing::Test {
 protected:
  void SetUp() override {
    // Three days of ticks every 10 minutes; the clock on the third, so two
    // days are sealed (with summaries) and the third is in the journal.
    auto log = AuditLog::Open("/log", Options());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 0; i < 3 * 144; ++i) ASSERT_TRUE((*log)->Append(Tick(i)).ok());
  }
  AuditLogOptions Options() {
    AuditLogOptions o;
    o.env = env_.get();
    o.sync = SyncMode::kNone;
    o.local_date = [](int64_t) { return Tick(2 * 144).date; };
    return o;
  }
  std::string Manifest() { return Text(*env_->ReadFileToBytes("/log/_manifest.json")); }
  void PutManifest(const std::string& text) {
    ASSERT_TRUE(env_->WriteFileAtomic("/log/_manifest.json", AsSpan(text)).ok());
  }
  // The manifest as written before checksums: the member removed.
  static std::string WithoutChecksum(const std::string& text) {
    return std::regex_replace(text, std::regex(",\n  \"checksum\": \"sha256:[0-9a-f]{64}\"\n\\}\n$"),
                              "\n}\n");
  }

  std::unique_ptr<Env> env_ = NewMemEnv();
};

TEST_F(ManifestChecksum, IsTheLastMemberOverEveryByteBeforeIt) {
  const std::string text = Manifest();
  const size_t at = text.rfind("\"checksum\"");
  ASSERT_NE(at, std::string::npos) << text;
  const Sha256Digest d = Sha256(AsSpan(std::string_view(text).substr(0, at)));
  EXPECT_EQ(text.substr(at),
            fmt::format("\"checksum\": \"sha256:{}\"\n}}\n", ToHex(ByteSpan(d.data(), d.size()))));
  auto m = ParseManifest(ToBytes(text), "/log/_manifest.json");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_TRUE(m->had_checksum);
  EXPECT_EQ(m->digest, ToHex(ByteSpan(d.data(), d.size())));
  ASSERT_EQ(m->files.size(), 1u);
  ASSERT_TRUE(m->files[0].summary.has_value());
}

// Edits that keep the JSON valid and the manifest well-formed: before the
// checksum, each one changed what `report` and `daily` print.
TEST_F(ManifestChecksum, AnyEditIsCorruptionNamingTheManifest) {
  const std::string text = Manifest();
  ASSERT_NE(text.find("\"gate_passed\":144"), std::string::npos) << text;
  ASSERT_NE(text.find("\"2026-06-01\","), std::string::npos) << text;
  const std::pair<std::string, std::string> edits[] = {
      {"\"gate_passed\":144", "\"gate_passed\":44"},  // interventions
      {"\"2026-06-01\",", ""},                        // a day gone from `daily` and the count
      {"\"sealed_seq\": 288", "\"sealed_seq\": 287"},
      {"\"files\": [", "\"files\":  ["},  // even whitespace
  };
  for (const auto& [from, to] : edits) {
    std::string edited = text;
    const size_t at = edited.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    edited.replace(at, from.size(), to);
    auto m = ParseManifest(ToBytes(edited), "/log/_manifest.json");
    ASSERT_FALSE(m.ok()) << from;
    EXPECT_TRUE(m.status().IsCorruption()) << m.status().ToString();
    EXPECT_NE(m.status().message().find("/log/_manifest.json: checksum differs"), std::string::npos)
        << m.status().message();
  }
  // A checksum of the wrong form, or not where the writer puts it.
  std::string bad = text;
  bad.replace(bad.rfind("sha256:"), 7, "md5:xx:");
  EXPECT_NE(ParseManifest(ToBytes(bad), "/log/_manifest.json").status().message().find("checksum is not"),
            std::string::npos);
  bad = text + " ";
  EXPECT_NE(ParseManifest(ToBytes(bad), "/log/_manifest.json").status().message().find("last member"),
            std::string::npos);
}

TEST_F(ManifestChecksum, EveryReaderAndTheWriterRefuseAnEditedManifest) {
  std::string text = Manifest();
  text.replace(text.find("\"gate_passed\":144"), 17, "\"gate_passed\":143");
  PutManifest(text);
  auto expect_named = [](const Status& s, const char* who) {
    EXPECT_TRUE(s.IsCorruption()) << who << ": " << s.ToString();
    EXPECT_NE(s.message().find("_manifest.json"), std::string::npos) << who << ": " << s.message();
  };
  expect_named(LogSnapshot::Open("/log", env_.get()).status(), "snapshot");
  expect_named(VerifyLog(env_.get(), "/log").status(), "verify");
  expect_named(AuditLog::Open("/log", Options()).status(), "writer");
  EXPECT_EQ(Manifest(), text) << "the writer left the edited manifest as it found it";
}

TEST_F(ManifestChecksum, AManifestWithoutOneIsReadAndGetsOneAtTheNextWriterOpen) {
  const std::string with = Manifest();
  const std::string without = WithoutChecksum(with);
  ASSERT_NE(without, with);
  PutManifest(without);
  auto m = ReadManifest(env_.get(), "/log");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_FALSE(m->had_checksum);
  auto snap = LogSnapshot::Open("/log", env_.get());
  ASSERT_TRUE(snap.ok()) << snap.status().ToString();
  auto totals = log::SnapshotAccess::Totals(**snap);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->records, 3u * 144);
  auto v = VerifyLog(env_.get(), "/log");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->manifest_checksum);
  ASSERT_FALSE(v->warnings.empty());
  EXPECT_NE(v->warnings[0].find("_manifest.json has no checksum"), std::string::npos) << v->warnings[0];

  // The next writer: opened and closed without a seal (the clock is still
  // on the journal's day), it rewrites the manifest with a checksum.
  { ASSERT_TRUE(AuditLog::Open("/log", Options()).ok()); }
  EXPECT_EQ(Manifest(), with);
  v = VerifyLog(env_.get(), "/log");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->manifest_checksum);
  EXPECT_TRUE(v->warnings.empty()) << v->warnings[0];
}

}  // namespace
}  // namespace budget_audit::log
