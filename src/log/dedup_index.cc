#include "log/dedup_index.h"

#include <algorithm>

#include <fmt/format.h>

namespace budget_audit::log {

void UnsealedIndex::Reset(const std::deque<SeqRecord>& records) {
  by_ts_.clear();
  increasing_ = true;
  for (size_t i = 1; i < records.size() && increasing_; ++i) {
    increasing_ = records[i - 1].record.timestamp_us < records[i].record.timestamp_us;
  }
  if (!increasing_) {
    for (const auto& r : records) by_ts_.emplace(r.record.timestamp_us, r.seq);
  }
}

void UnsealedIndex::ErasedFront(const std::deque<SeqRecord>& records) {
  if (!increasing_) Reset(records);
}

void UnsealedIndex::Added(const std::deque<SeqRecord>& records) {
  const size_t n = records.size();
  if (increasing_) {
    if (n < 2 || records[n - 2].record.timestamp_us < records[n - 1].record.timestamp_us) return;
    increasing_ = false;
    for (size_t i = 0; i + 1 < n; ++i) by_ts_.emplace(records[i].record.timestamp_us, records[i].seq);
  }
  by_ts_.emplace(records[n - 1].record.timestamp_us, records[n - 1].seq);
}

std::optional<size_t> UnsealedIndex::Find(const std::deque<SeqRecord>& records, int64_t ts) const {
  if (records.empty()) return std::nullopt;
  if (increasing_) {
    if (ts > records.back().record.timestamp_us) return std::nullopt;
    auto it = std::lower_bound(records.begin(), records.end(), ts,
                               [](const SeqRecord& r, int64_t t) { return r.record.timestamp_us < t; });
    if (it != records.end() && it->record.timestamp_us == ts)
      return static_cast<size_t>(it - records.begin());
    return std::nullopt;
  }
  auto it = by_ts_.find(ts);
  if (it == by_ts_.end()) return std::nullopt;
  return static_cast<size_t>(it->second - records.front().seq);
}

void SealedIndex::Forget() {
  by_file_.clear();
  cached_file_.clear();
  cached_rows_.clear();
}

Result<std::optional<SeqRecord>> SealedIndex::Find(const Manifest& manifest, uint64_t version, int64_t ts) {
  if (version != for_version_) {
    Forget();
    for_version_ = version;
  }
  for (const auto& f : manifest.files) {
    if (ts < f.min_timestamp_us || ts > f.max_timestamp_us) continue;
    BA_ASSIGN_OR_RETURN(const std::vector<TsSeq>* index, FileIndex(manifest, f));
    auto it = std::lower_bound(index->begin(), index->end(), TsSeq{ts, 0});
    if (it == index->end() || it->ts != ts) continue;
    BA_ASSIGN_OR_RETURN(SlotRecord r, Row(manifest, f, it->seq));
    return std::optional<SeqRecord>(SeqRecord{it->seq, std::move(r)});
  }
  return std::optional<SeqRecord>();
}

Result<const std::vector<SealedIndex::TsSeq>*> SealedIndex::FileIndex(const Manifest& manifest,
                                                                      const SealedFile& f) {
  auto it = by_file_.find(f.name);
  if (it != by_file_.end()) return &it->second;
  RowFilter filter;
  filter.max_seq = manifest.sealed_seq;
  BA_ASSIGN_OR_RETURN(auto c, open_(f, kColTimestamp, filter));
  std::vector<TsSeq> index;
  index.reserve(f.rows);
  while (!c->done()) {
    index.push_back({c->row().record.timestamp_us, c->row().seq});
    BA_RETURN_IF_ERROR(c->Next());
  }
  std::sort(index.begin(), index.end());
  return &by_file_.emplace(f.name, std::move(index)).first->second;
}

Result<SlotRecord> SealedIndex::Row(const Manifest& manifest, const SealedFile& f, uint64_t seq) {
  if (cached_file_ != f.name || !cached_rows_.count(seq)) {
    cached_rows_.clear();
    cached_file_ = f.name;
    RowFilter filter;
    filter.min_seq = seq;
    filter.max_seq = std::min(manifest.sealed_seq, seq + kLookupChunk - 1);
    BA_ASSIGN_OR_RETURN(auto c, open_(f, kAllColumns, filter));
    while (!c->done()) {
      cached_rows_.emplace(c->row().seq, c->row().record);
      BA_RETURN_IF_ERROR(c->Next());
    }
  }
  auto it = cached_rows_.find(seq);
  if (it == cached_rows_.end()) {
    return Status::Corruption(fmt::format("{}: seq {} vanished while being read", f.name, seq));
  }
  return it->second;
}

}  // namespace budget_audit::log
