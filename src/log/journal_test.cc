#include "log/journal.h"

#include <gtest/gtest.h>

namespace budget_audit::log {
namespace {

SlotRecord Rec(int i) {
  SlotRecord r;
  r.timestamp_us = 1780114500000000 + int64_t{i} * 900000000;
  r.date = "2026-05-30";
  r.slot_index = i;
  r.energy_cost_kwh = i * 0.5;
  r.gate_passed = i % 2;
  r.source = "fallback";
  r.stage_id = "budbreak";
  return r;
}

Bytes MakeJournal(int n, std::vector<size_t>* frame_starts = nullptr) {
  LogId id{};
  id[0] = 7;
  ByteWriter w;
  JournalFileHeader h{id, 1, Genesis(id)};
  EncodeJournalHeader(h, w);
  ChainHash prev = h.prev_hash;
  for (int i = 1; i <= n; ++i) {
    if (frame_starts) frame_starts->push_back(w.size());
    prev = ChainNext(prev, Rec(i), static_cast<uint64_t>(i));
    EncodeTickFrame(Rec(i), static_cast<uint64_t>(i), prev, w);
  }
  return w.Release();
}

TEST(Journal, FileNames) {
  EXPECT_EQ(JournalFileName(1), "00000000000000000001.journal");
  EXPECT_EQ(*ParseJournalFileName("00000000000000000042.journal"), 42u);
  EXPECT_FALSE(ParseJournalFileName("x.journal"));
  EXPECT_FALSE(ParseJournalFileName("99999999999999999999.journal"));
}

TEST(Journal, RoundTrip) {
  Bytes b = MakeJournal(5);
  auto scan = ScanJournalBytes(b, "j", true);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  ASSERT_EQ(scan->entries.size(), 5u);
  EXPECT_FALSE(scan->torn_tail);
  EXPECT_EQ(scan->entries[2].record, Rec(3));
  EXPECT_EQ(scan->valid_bytes, b.size());
}

TEST(Journal, CutAtEveryByteOfTheLastRecordsIsATornTail) {
  std::vector<size_t> starts;
  Bytes b = MakeJournal(4, &starts);
  for (size_t cut = 0; cut < b.size(); ++cut) {
    Bytes t(b.begin(), b.begin() + static_cast<ptrdiff_t>(cut));
    auto scan = ScanJournalBytes(t, "j", true);
    ASSERT_TRUE(scan.ok()) << "cut " << cut << ": " << scan.status().ToString();
    size_t expect = 0;
    for (size_t k = 0; k < starts.size(); ++k) {
      size_t end = k + 1 < starts.size() ? starts[k + 1] : b.size();
      if (end <= cut) expect = k + 1;
    }
    EXPECT_EQ(scan->entries.size(), expect) << "cut " << cut;
    // Not the last file: the same cut is damage.
    if (cut > 0 && cut != kJournalHeaderSize &&
        std::find(starts.begin(), starts.end(), cut) == starts.end()) {
      EXPECT_FALSE(ScanJournalBytes(t, "j", false).ok()) << "cut " << cut;
    }
  }
}

TEST(Journal, ZeroFilledTailIsTorn) {
  Bytes b = MakeJournal(3);
  b.resize(b.size() + 4096, 0);
  auto scan = ScanJournalBytes(b, "j", true);
  ASSERT_TRUE(scan.ok());
  EXPECT_EQ(scan->entries.size(), 3u);
  EXPECT_TRUE(scan->torn_tail);
}

TEST(Journal, DamageBeforeTheTailFailsClosed) {
  std::vector<size_t> starts;
  Bytes b = MakeJournal(4, &starts);
  b[starts[1] + 20] ^= 1;
  auto scan = ScanJournalBytes(b, "j", true);
  ASSERT_FALSE(scan.ok());
  EXPECT_TRUE(scan.status().IsCorruption());
  EXPECT_NE(scan.status().message().find(std::to_string(starts[1])), std::string::npos);
}

}  // namespace
}  // namespace budget_audit::log
