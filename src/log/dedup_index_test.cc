#include "log/dedup_index.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace budget_audit::log {
namespace {

void Append(std::deque<SeqRecord>& records, UnsealedIndex& index, int64_t ts) {
  SeqRecord r;
  r.seq = records.empty() ? 1 : records.back().seq + 1;
  r.record.timestamp_us = ts;
  records.push_back(r);
  index.Added(records);
}

void ExpectFinds(const std::deque<SeqRecord>& records, const UnsealedIndex& index) {
  for (size_t i = 0; i < records.size(); ++i) {
    auto at = index.Find(records, records[i].record.timestamp_us);
    ASSERT_TRUE(at.has_value()) << i;
    EXPECT_EQ(*at, i);
  }
  EXPECT_FALSE(index.Find(records, -12345).has_value());
  EXPECT_FALSE(index.Find(records, 1'000'000'000).has_value());
}

// A seal erases records from the front; what is left is found, in order or not.
TEST(UnsealedIndexTest, FindsWhatIsLeftAfterASealErasesTheFront) {
  for (bool in_order : {true, false}) {
    std::deque<SeqRecord> records;
    UnsealedIndex index;
    for (int64_t i = 0; i < 100; ++i) Append(records, index, in_order ? i * 60 : (i * 37) % 100 * 60);
    ExpectFinds(records, index);
    std::vector<int64_t> erased;
    for (size_t i = 0; i < 40; ++i) erased.push_back(records[i].record.timestamp_us);
    records.erase(records.begin(), records.begin() + 40);
    index.ErasedFront(records);
    ExpectFinds(records, index);
    for (int64_t ts : erased) EXPECT_FALSE(index.Find(records, ts).has_value()) << ts;
    for (int64_t i = 100; i < 120; ++i) Append(records, index, i * 60);
    ExpectFinds(records, index);
    records.erase(records.begin(), records.end());
    index.ErasedFront(records);
    EXPECT_FALSE(index.Find(records, 100 * 60).has_value());
  }
}

}  // namespace
}  // namespace budget_audit::log
