// The writer's duplicate lookups: is a record already logged at this
// timestamp? A retried tick must get its original seq back, and the same
// timestamp with other content is a conflict (AuditLog::Append).
//
// Two parts, as the records are: the unsealed ones (in memory, in seq
// order) and the sealed ones (month files, looked up through their
// timestamp columns).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "budget_audit/env.h"
#include "log/manifest.h"
#include "log/sealed_reader.h"
#include "log/slot_parquet.h"

namespace budget_audit::log {

// Timestamp -> position among the unsealed records. While timestamps
// increase in seq order (ticks in order, the usual case) a binary search
// over the records finds them and nothing is stored; from the first one out
// of order until the next Reset(), a hash map does.
class UnsealedIndex {
 public:
  // The records were replaced or their front erased (a seal).
  void Reset(const std::deque<SeqRecord>& records);
  // Records were erased from the front (a seal): O(1) while the timestamps
  // increase (what is left still does), else as Reset.
  void ErasedFront(const std::deque<SeqRecord>& records);
  // records.back() was just appended.
  void Added(const std::deque<SeqRecord>& records);
  // The position in `records` of the one at `ts`, if any.
  std::optional<size_t> Find(const std::deque<SeqRecord>& records, int64_t ts) const;

 private:
  bool increasing_ = true;
  std::unordered_map<int64_t, uint64_t> by_ts_;  // timestamp -> seq
};

// Lookups in sealed month files. A tick normally comes after every sealed
// one and never reaches the files; retries and imports of old data do, so
// a file's (timestamp, seq) pairs are read once (two columns) and kept
// sorted, and the rows around a found seq are cached. Used by one thread.
class SealedIndex {
 public:
  // `open` opens a file of the manifest passed to Find (checked against it).
  using Opener = std::function<Result<std::unique_ptr<SealedFileCursor>>(
      const SealedFile& file, ColumnSet columns, const RowFilter& filter)>;
  explicit SealedIndex(Opener open) : open_(std::move(open)) {}

  // The record at `ts` in the files of `manifest`, if any. The cache is
  // kept while the same `version` of the manifest is passed (the writer
  // counts the manifests it publishes).
  Result<std::optional<SeqRecord>> Find(const Manifest& manifest, uint64_t version, int64_t ts);
  // Drops everything cached (the files were replaced).
  void Forget();

 private:
  struct TsSeq {
    int64_t ts;
    uint64_t seq;
    bool operator<(const TsSeq& o) const { return ts < o.ts || (ts == o.ts && seq < o.seq); }
  };
  Result<const std::vector<TsSeq>*> FileIndex(const Manifest& manifest, const SealedFile& f);
  Result<SlotRecord> Row(const Manifest& manifest, const SealedFile& f, uint64_t seq);

  static constexpr uint64_t kLookupChunk = 4096;
  Opener open_;
  uint64_t for_version_ = 0;                           // the manifest the cache is of
  std::map<std::string, std::vector<TsSeq>> by_file_;  // by file name
  std::string cached_file_;
  std::unordered_map<uint64_t, SlotRecord> cached_rows_;  // seq -> record
};

}  // namespace budget_audit::log
