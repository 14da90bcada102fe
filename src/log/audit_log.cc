// The writer side of the audit log: lock, recovery, journal appends.
//
// Recovery on open scans every journal file in seq order, checking that
// files chain onto each other (first_seq, prev_hash, log id) and that every
// record's stored chain hash is what the chain gives. A torn tail of the
// last file is cut (ftruncate + fsync) before anything is appended.
#include "budget_audit/audit_log.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "log/journal.h"
#include "log/layout.h"
#include "log/manifest.h"
#include "log/sealed_reader.h"
#include "log/slot_parquet.h"
#include "log/validate.h"
#include "parquet/file_reader.h"
#include "util/civil_time.h"
#include "util/sha256.h"

namespace budget_audit {

using log::ChainHash;
using log::JournalFileHeader;
using log::LogId;

namespace {

// A file being written that feeds every byte appended to it to a hasher
// (sealing records each month file's SHA-256 in the manifest).
class HashingFile final : public WritableFile {
 public:
  HashingFile(std::unique_ptr<WritableFile> file, Sha256Hasher* hash)
      : file_(std::move(file)), hash_(hash) {}
  Status Append(std::span<const uint8_t> data) override {
    BA_RETURN_IF_ERROR(file_->Append(data));
    hash_->Update(ByteSpan(data.data(), data.size()));
    return Status::OK();
  }
  Status Sync() override { return file_->Sync(); }
  Status Truncate(uint64_t) override {
    return Status::FailedPrecondition(fmt::format("{}: a hashed file cannot be truncated", path()));
  }
  Status Close() override { return file_->Close(); }
  const std::string& path() const override { return file_->path(); }

 private:
  std::unique_ptr<WritableFile> file_;
  Sha256Hasher* hash_;
};

}  // namespace

struct AuditLog::Impl {
  Env* env = nullptr;
  AuditLogOptions options;
  std::string dir, journal_dir;
  std::unique_ptr<FileLock> lock;
  log::Manifest manifest;
  uint64_t last_seq = 0;
  ChainHash head{};
  std::unique_ptr<WritableFile> journal;  // current file, positioned at its end
  uint64_t journal_size = 0;
  bool needs_recovery = false;
  Status recovery_cause;  // what set needs_recovery
  bool torn_tail_cut = false;
  // The last writer's clean-close record, until recovery has checked it.
  std::optional<log::CleanClose> clean_close;
  bool closed = false;
  // Records not yet sealed (seq > manifest.sealed_seq), with chain hashes.
  std::vector<log::SeqRecord> unsealed;
  std::vector<ChainHash> unsealed_hashes;
  ByteWriter frame;  // the frame being appended (reused: no allocation per record)
  std::string max_date;  // latest `date` appended or recovered
  // Journal files in seq order (first seq, path); the last is `journal`.
  std::vector<std::pair<uint64_t, std::string>> journal_files;
  Status seal_status;  // the last sealing attempt's result
  // Unsealed records by timestamp (sealed ones are looked up in the month
  // files whose timestamp range covers the timestamp): while their
  // timestamps increase in seq order (ticks in order, the usual case) a
  // binary search over `unsealed` finds them; from the first one out of
  // order until the next seal, a hash map (timestamp -> seq) does.
  bool unsealed_ts_increasing = true;
  std::unordered_map<int64_t, uint64_t> unsealed_by_ts;
  // The latest timestamp of any sealed file (a later one needs no lookup).
  int64_t sealed_max_ts = std::numeric_limits<int64_t>::min();
  bool last_was_duplicate = false;
  // A seal started and did not finish in this process (files may be ahead
  // of the manifest until the next seal or open repairs them).
  bool seal_interrupted = false;
  std::deque<SlotRecord> retry_queue;

  // Duplicate lookups in sealed files. A tick normally comes after every
  // sealed one and never reaches the files; retries and imports of old
  // data do, so a file's (timestamp, seq) pairs are read once (two columns)
  // and kept sorted, and the rows around a found seq are cached.
  struct TsSeq {
    int64_t ts;
    uint64_t seq;
    bool operator<(const TsSeq& o) const { return ts < o.ts || (ts == o.ts && seq < o.seq); }
  };
  std::map<std::string, std::vector<TsSeq>> sealed_ts_index;  // by file name
  std::string cached_file;
  std::unordered_map<uint64_t, SlotRecord> cached_rows;       // seq -> record
  static constexpr uint64_t kLookupChunk = 4096;

  void ForgetSealedIndex() {
    sealed_ts_index.clear();
    cached_file.clear();
    cached_rows.clear();
  }

  // A sealed file checked against its manifest entry; only a seal cut short
  // in this process leaves files ahead of the manifest (rows are then
  // filtered by seq).
  Result<std::unique_ptr<log::SealedFileCursor>> OpenSealed(const log::SealedFile& f, ColumnSet columns,
                                                            const log::RowFilter& filter) {
    return log::OpenSealedFile(env, dir, f, columns, filter,
                               [this](const log::SealedFile& e, Bytes&, std::string& sha) {
                                 return seal_interrupted
                                            ? Status::OK()
                                            : log::SealedFileChanged(JoinPath(dir, e.name), e.sha256, sha);
                               });
  }

  Result<const std::vector<TsSeq>*> SealedIndex(const log::SealedFile& f) {
    auto it = sealed_ts_index.find(f.name);
    if (it != sealed_ts_index.end()) return &it->second;
    log::RowFilter filter;
    filter.max_seq = manifest.sealed_seq;
    BA_ASSIGN_OR_RETURN(auto c, OpenSealed(f, kColTimestamp, filter));
    std::vector<TsSeq> index;
    index.reserve(f.rows);
    while (!c->done()) {
      index.push_back({c->row().record.timestamp_us, c->row().seq});
      BA_RETURN_IF_ERROR(c->Next());
    }
    std::sort(index.begin(), index.end());
    return &sealed_ts_index.emplace(f.name, std::move(index)).first->second;
  }

  Result<SlotRecord> SealedRecord(const log::SealedFile& f, uint64_t seq) {
    if (cached_file != f.name || !cached_rows.count(seq)) {
      cached_rows.clear();
      cached_file = f.name;
      log::RowFilter filter;
      filter.min_seq = seq;
      filter.max_seq = std::min(manifest.sealed_seq, seq + kLookupChunk - 1);
      BA_ASSIGN_OR_RETURN(auto c, OpenSealed(f, kAllColumns, filter));
      while (!c->done()) {
        cached_rows.emplace(c->row().seq, c->row().record);
        BA_RETURN_IF_ERROR(c->Next());
      }
    }
    auto it = cached_rows.find(seq);
    if (it == cached_rows.end()) {
      return Status::Corruption(fmt::format("{}: seq {} vanished while being read", f.name, seq));
    }
    return it->second;
  }

  // Called after unsealed.push_back().
  void IndexLastUnsealed() {
    const size_t n = unsealed.size();
    if (unsealed_ts_increasing) {
      if (n < 2 || unsealed[n - 2].record.timestamp_us < unsealed[n - 1].record.timestamp_us) return;
      unsealed_ts_increasing = false;
      for (size_t i = 0; i + 1 < n; ++i) unsealed_by_ts.emplace(unsealed[i].record.timestamp_us, unsealed[i].seq);
    }
    unsealed_by_ts.emplace(unsealed[n - 1].record.timestamp_us, unsealed[n - 1].seq);
  }

  // Called after records were taken from (or all put into) `unsealed`.
  void ReindexUnsealed() {
    unsealed_by_ts.clear();
    unsealed_ts_increasing = true;
    for (size_t i = 1; i < unsealed.size() && unsealed_ts_increasing; ++i) {
      unsealed_ts_increasing = unsealed[i - 1].record.timestamp_us < unsealed[i].record.timestamp_us;
    }
    if (!unsealed_ts_increasing) {
      for (const auto& r : unsealed) unsealed_by_ts.emplace(r.record.timestamp_us, r.seq);
    }
  }

  void NoteManifest() {
    sealed_max_ts = std::numeric_limits<int64_t>::min();
    for (const auto& f : manifest.files) sealed_max_ts = std::max(sealed_max_ts, f.max_timestamp_us);
  }

  // The record already logged at this timestamp, if any.
  Result<std::optional<log::SeqRecord>> FindByTimestamp(int64_t ts) {
    if (unsealed_ts_increasing) {
      if (!unsealed.empty() && ts <= unsealed.back().record.timestamp_us) {
        auto it = std::lower_bound(unsealed.begin(), unsealed.end(), ts,
                                   [](const log::SeqRecord& r, int64_t t) { return r.record.timestamp_us < t; });
        if (it != unsealed.end() && it->record.timestamp_us == ts) return std::optional<log::SeqRecord>(*it);
      }
    } else if (auto it = unsealed_by_ts.find(ts); it != unsealed_by_ts.end()) {
      return std::optional<log::SeqRecord>(unsealed[it->second - unsealed.front().seq]);
    }
    if (ts > sealed_max_ts) return std::optional<log::SeqRecord>();
    for (const auto& f : manifest.files) {
      if (ts < f.min_timestamp_us || ts > f.max_timestamp_us) continue;
      BA_ASSIGN_OR_RETURN(const std::vector<TsSeq>* index, SealedIndex(f));
      auto it = std::lower_bound(index->begin(), index->end(), TsSeq{ts, 0});
      if (it == index->end() || it->ts != ts) continue;
      BA_ASSIGN_OR_RETURN(SlotRecord r, SealedRecord(f, it->seq));
      return std::optional<log::SeqRecord>(log::SeqRecord{it->seq, std::move(r)});
    }
    return std::optional<log::SeqRecord>();
  }

  Status Init() {
    BA_RETURN_IF_ERROR(env->CreateDirs(dir));
    std::string holder = options.holder_info.empty() ? fmt::format("pid {}", ::getpid())
                                                     : options.holder_info;
    BA_ASSIGN_OR_RETURN(lock, env->TryLockFile(JoinPath(dir, log::kLockName), holder));
    BA_RETURN_IF_ERROR(RemoveTemporaries());
    // A missing or mangled part of a log is damage, never a new log: a new
    // identity would make every later writer refuse the old journal.
    BA_ASSIGN_OR_RETURN(log::LayoutState layout, log::CheckLayout(env, dir));
    if (layout == log::LayoutState::kComplete) {
      BA_ASSIGN_OR_RETURN(manifest, log::ReadManifest(env, dir));
      // A manifest from before checksums (2026-12-04) gets one now, not
      // only at the next seal.
      if (!manifest.had_checksum) BA_RETURN_IF_ERROR(log::WriteManifest(env, dir, manifest));
      BA_ASSIGN_OR_RETURN(clean_close, log::ReadCleanClose(env, dir));
    } else {
      std::random_device rd;
      for (auto& b : manifest.log_id) b = static_cast<uint8_t>(rd());
      manifest.sealed_seq = 0;
      manifest.sealed_head = log::Genesis(manifest.log_id);
      BA_RETURN_IF_ERROR(env->CreateDirs(journal_dir));
      BA_RETURN_IF_ERROR(env->SyncDir(dir));
      BA_RETURN_IF_ERROR(log::WriteManifest(env, dir, manifest));
    }
    BA_RETURN_IF_ERROR(env->CreateDirs(journal_dir));
    return Recover();
  }

  // Removes what an earlier writer left half-written ("_tmp.*": a month
  // file it was sealing, a manifest it was replacing) when it was killed or
  // its disk filled. Only the lock holder writes them, so none is in use.
  Status RemoveTemporaries() {
    BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(dir));
    bool removed = false;
    for (const auto& n : names) {
      if (n.rfind(log::kTempPrefix, 0) != 0) continue;
      BA_RETURN_IF_ERROR(env->DeleteFile(JoinPath(dir, n)));
      removed = true;
    }
    return removed ? env->SyncDir(dir) : Status::OK();
  }

  Status Recover() {
    journal.reset();
    ForgetSealedIndex();
    last_seq = manifest.sealed_seq;
    head = manifest.sealed_head;
    unsealed.clear();
    unsealed_hashes.clear();
    unsealed_by_ts.clear();
    unsealed_ts_increasing = true;
    NoteManifest();
    journal_files.clear();
    BA_ASSIGN_OR_RETURN(auto files, log::ListJournalFiles(env, journal_dir));
    log::JournalEnd end;  // how the last file ends
    const std::string clock_date = ClockDate();
    bool last_headerless = false;
    for (size_t i = 0; i < files.size(); ++i) {
      const bool is_last = i + 1 == files.size();
      const std::string path = JoinPath(journal_dir, files[i].second);
      BA_ASSIGN_OR_RETURN(auto scan, log::ScanJournalFile(env, path, is_last));
      if (is_last) end.SetLastFile(files[i].second, scan);
      if (!scan.header) {  // cut while being created (only the last file can be)
        last_headerless = true;
        continue;
      }
      const JournalFileHeader& h = *scan.header;
      if (h.log_id != manifest.log_id) {
        return Status::Corruption(fmt::format("{}: belongs to another log (log id differs)", path));
      }
      if (h.first_seq != files[i].first) {
        return Status::Corruption(fmt::format("{}: header says first seq {}", path, h.first_seq));
      }
      // Files wholly covered by sealed history may remain until deleted.
      for (const auto& e : scan.entries) {
        if (e.seq <= last_seq) continue;
        if (e.seq != last_seq + 1) {
          return Status::Corruption(fmt::format("{}: seq {} at offset {} where {} was expected", path,
                                                e.seq, e.offset, last_seq + 1));
        }
        ChainHash expect = log::ChainNext(head, e.record, e.seq);
        if (expect != e.hash) {
          return Status::Corruption(fmt::format(
              "{}: chain hash of seq {} at offset {} does not match its content", path, e.seq,
              e.offset));
        }
        head = expect;
        last_seq = e.seq;
        if (e.record.date > max_date && !AheadOf(e.record.date, clock_date)) max_date = e.record.date;
        unsealed.push_back({e.seq, e.record});
        unsealed_hashes.push_back(e.hash);
        IndexLastUnsealed();
      }
      journal_files.emplace_back(files[i].first, path);
    }
    end.last_seq = last_seq;
    end.head = head;
    if (clean_close) {
      // The last writer closed cleanly: the journal must end exactly where
      // it said. Then the marker goes (durably) before anything is appended.
      BA_RETURN_IF_ERROR(log::CheckCleanClose(dir, *clean_close, end));
      BA_RETURN_IF_ERROR(log::RemoveCleanClose(env, dir));
      clean_close.reset();
    }
    if (!files.empty()) {
      // A crash's torn tail is moved aside (kept in _cut/, reported by
      // verify), then cut.
      const std::string path = JoinPath(journal_dir, end.journal);
      if (end.torn_tail) {
        BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, uint64_t{1} << 34));
        BA_RETURN_IF_ERROR(log::KeepCutTail(env, dir, end.journal, end.valid_bytes, last_seq + 1,
                                            ByteSpan(bytes.data() + end.valid_bytes, bytes.size() - end.valid_bytes)));
        torn_tail_cut = true;
      }
      if (last_headerless) {
        BA_RETURN_IF_ERROR(env->DeleteFile(path));
        BA_RETURN_IF_ERROR(env->SyncDir(journal_dir));
      } else if (end.torn_tail) {
        BA_ASSIGN_OR_RETURN(auto f, env->NewAppendableFile(path));
        BA_RETURN_IF_ERROR(f->Truncate(end.valid_bytes));
        BA_RETURN_IF_ERROR(f->Sync());
        journal = std::move(f);
      } else {
        BA_ASSIGN_OR_RETURN(journal, env->NewAppendableFile(path));
      }
      journal_size = end.valid_bytes;
    }
    if (last_seq < manifest.sealed_seq) {
      return Status::Corruption("journal ends before the sealed history");
    }
    needs_recovery = false;
    BA_ASSIGN_OR_RETURN(bool intent, env->FileExists(JoinPath(dir, log::kSealIntentName)));
    if (intent) {
      // A seal was interrupted between publishing files and the manifest:
      // publish again from the manifest's files and the journal.
      BA_RETURN_IF_ERROR(SealUpTo(manifest.sealed_seq, /*repair=*/true));
    }
    return Status::OK();
  }

  // Rows per row group of a month file: every group but the last holds
  // exactly this many (docs/format.md §2.5).
  static constexpr uint64_t kGroupRows = uint64_t{1} << 17;


  // Publishes every unsealed record with seq <= upto into its month file
  // (rewritten whole: old rows + new rows, in seq order), then the manifest,
  // then drops journal files that hold only sealed records. With `repair`,
  // rewrites every month that has unsealed records even if upto covers none.
  Status SealUpTo(uint64_t upto, bool repair) {
    ForgetSealedIndex();
    // Unsealed seqs are dense: the first `take` records have seq <= upto.
    const size_t take = unsealed.empty() || upto < unsealed.front().seq
                            ? 0
                            : static_cast<size_t>(std::min<uint64_t>(unsealed.size(), upto - unsealed.front().seq + 1));
    // The records to seal, by month file, in seq order. Usually each month's
    // records are one run in `unsealed` (a day's, or consecutive months' in
    // a bulk load) and are published straight from it; a month whose records
    // are interleaved with another's (late records) is copied together.
    std::map<std::string, std::span<const log::SeqRecord>> by_month;
    std::map<std::string, std::vector<log::SeqRecord>> copies;
    {
      std::map<std::string, size_t> runs;  // month -> number of runs among the first `take`
      std::vector<std::pair<std::string, size_t>> starts;  // (month, first index) per run
      for (size_t i = 0; i < (repair ? unsealed.size() : take); ++i) {
        if (i > 0 && log::MonthKey(unsealed[i].record.date) == log::MonthKey(unsealed[i - 1].record.date)) continue;
        std::string name = log::MonthFileName(unsealed[i].record.date);
        by_month[name];  // a repair rewrites every month with unsealed records
        if (i >= take) continue;
        ++runs[name];
        starts.emplace_back(std::move(name), i);
      }
      for (size_t r = 0; r < starts.size(); ++r) {
        const auto& [name, begin] = starts[r];
        const size_t end = r + 1 < starts.size() ? starts[r + 1].second : take;
        if (runs[name] == 1) {
          by_month[name] = std::span<const log::SeqRecord>(unsealed.data() + begin, end - begin);
        } else {
          auto& c = copies[name];
          c.insert(c.end(), unsealed.begin() + static_cast<ptrdiff_t>(begin),
                   unsealed.begin() + static_cast<ptrdiff_t>(end));
        }
      }
      for (auto& [name, rows] : copies) by_month[name] = rows;
    }
    if (by_month.empty()) return Status::OK();
    // Month files match the manifest unless a seal was cut short (then the
    // next open repairs, or, within this process, rows are re-read and
    // filtered by seq as in a repair).
    const bool files_match_manifest = !repair && !seal_interrupted;
    // The intent file makes an interrupted seal visible to the next open.
    BA_RETURN_IF_ERROR(env->WriteFileAtomic(JoinPath(dir, log::kSealIntentName), AsSpan("seal\n")));
    seal_interrupted = true;
    // Each month file is written apart (on options.seal_threads threads),
    // then the manifest entries are updated in month order.
    std::vector<MonthJob> jobs;
    jobs.reserve(by_month.size());
    for (auto& [name, rows] : by_month) {
      MonthJob& job = jobs.emplace_back();
      job.name = name;
      job.rows = rows;
      for (const auto& f : manifest.files) {
        if (f.name == name) job.old_entry = &f;
      }
    }
    const size_t threads = std::min<size_t>(std::max<size_t>(options.seal_threads, 1), jobs.size());
    std::atomic<size_t> next_job{0};
    auto work = [&] {
      for (size_t j; (j = next_job.fetch_add(1)) < jobs.size();) {
        jobs[j].status = SealMonth(jobs[j], files_match_manifest, upto);
      }
    };
    {
      std::vector<std::jthread> helpers;
      for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
      work();
    }
    log::Manifest next = manifest;
    for (auto& job : jobs) {
      BA_RETURN_IF_ERROR(job.status);
      if (!job.result) continue;
      auto it = std::find_if(next.files.begin(), next.files.end(),
                             [&](const log::SealedFile& f) { return f.name == job.name; });
      if (it == next.files.end()) {
        next.files.push_back(std::move(*job.result));
      } else {
        *it = std::move(*job.result);
      }
    }
    std::sort(next.files.begin(), next.files.end(),
              [](const log::SealedFile& a, const log::SealedFile& b) { return a.name < b.name; });
    BA_RETURN_IF_ERROR(env->SyncDir(dir));
    if (take > 0) {
      next.sealed_seq = unsealed[take - 1].seq;
      next.sealed_head = unsealed_hashes[take - 1];
    }
    BA_RETURN_IF_ERROR(log::WriteManifest(env, dir, next));
    manifest = next;
    NoteManifest();
    ForgetSealedIndex();
    BA_RETURN_IF_ERROR(env->DeleteFile(JoinPath(dir, log::kSealIntentName)));
    seal_interrupted = false;
    unsealed.erase(unsealed.begin(), unsealed.begin() + static_cast<ptrdiff_t>(take));
    unsealed_hashes.erase(unsealed_hashes.begin(), unsealed_hashes.begin() + static_cast<ptrdiff_t>(take));
    ReindexUnsealed();
    return DropSealedJournalFiles();
  }

  // One month file of a seal: its new rows, the manifest entry it had (in
  // `manifest`; null for a new month) and, once written, the entry it gets.
  struct MonthJob {
    std::string name;
    std::span<const log::SeqRecord> rows;
    const log::SealedFile* old_entry = nullptr;
    std::optional<log::SealedFile> result;  // none: nothing to write
    Status status;
  };

  // Writes a month file: the old file's rows (copied or decoded, see below)
  // and the job's rows; sets job.result. Touches no shared state but the
  // files of its month (SealUpTo runs several at once).
  Status SealMonth(MonthJob& job, bool files_match_manifest, uint64_t upto) {
    const std::string& name = job.name;
    const log::SealedFile* entry = job.old_entry;
    const std::span<const log::SeqRecord> rows = job.rows;
    std::unique_ptr<parquet::FileReader> old;
    int copy_groups = 0;  // leading row groups of `old` copied verbatim
    std::span<const log::SeqRecord> all = rows;    // rows the entry does not count yet
    std::span<const log::SeqRecord> write = rows;  // rows encoded after the copied groups
    std::vector<log::SeqRecord> merged;            // old rows decoded + new ones
    if (entry && files_match_manifest) {
      // Full row groups are copied verbatim (no decoding), after checking
      // the file is the one the manifest vouches for; a last group with
      // room left is decoded and written again with the new rows.
      BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(JoinPath(dir, name)));
      Sha256Digest d = Sha256(bytes);
      if (ToHex(ByteSpan(d.data(), d.size())) != entry->sha256) {
        return Status::Corruption(fmt::format(
            "{}: not the file the manifest vouches for (SHA-256 differs); not sealing into it", name));
      }
      BA_ASSIGN_OR_RETURN(old, parquet::FileReader::OpenBuffer(bytes, name));
      copy_groups = old->num_row_groups();
      if (copy_groups > 0 && static_cast<uint64_t>(old->row_group_num_rows(copy_groups - 1)) < kGroupRows) {
        --copy_groups;
        log::RowFilter filter;
        filter.first_group = copy_groups;
        BA_ASSIGN_OR_RETURN(auto last, parquet::FileReader::OpenBuffer(std::move(bytes), name));
        BA_ASSIGN_OR_RETURN(auto c, log::SealedFileCursor::Open(std::move(last), kAllColumns, filter));
        while (!c->done()) {
          merged.push_back(c->row());
          BA_RETURN_IF_ERROR(c->Next());
        }
        merged.insert(merged.end(), rows.begin(), rows.end());
        write = merged;
      }
    } else if (entry) {
      BA_ASSIGN_OR_RETURN(auto old_rows, log::ReadAuditFile(env, JoinPath(dir, name)));
      for (auto& r : old_rows) {
        if (r.seq <= manifest.sealed_seq) merged.push_back(std::move(r));
      }
      merged.insert(merged.end(), rows.begin(), rows.end());
      std::sort(merged.begin(), merged.end(),
                [](const log::SeqRecord& a, const log::SeqRecord& b) { return a.seq < b.seq; });
      all = write = merged;
    }
    if (all.empty()) return Status::OK();
    BA_ASSIGN_OR_RETURN(std::string sha, PublishMonth(name, old.get(), copy_groups, write, upto));
    const bool had_rows = old != nullptr && entry->rows > 0;
    log::SealedFile out;
    if (had_rows) {
      out = *entry;
    } else {
      out.name = name;
      out.rows = 0;
      out.min_seq = all.front().seq;
      out.min_timestamp_us = out.max_timestamp_us = all.front().record.timestamp_us;
      out.max_seq = 0;
    }
    out.rows += all.size();
    for (const auto& r : all) {
      out.min_timestamp_us = std::min(out.min_timestamp_us, r.record.timestamp_us);
      out.max_timestamp_us = std::max(out.max_timestamp_us, r.record.timestamp_us);
    }
    out.max_seq = std::max(out.max_seq, all.back().seq);
    out.sha256 = sha;
    // The report summary continues from the old rows' (they precede the
    // new ones in seq order); a file that once had none keeps none.
    if (!had_rows || out.summary) {
      log::SummaryBuilder summary(had_rows ? std::move(*out.summary) : log::FileSummary{});
      for (const auto& r : all) summary.Add(r.seq, r.record);
      out.summary = summary.Finish();
    }
    job.result = std::move(out);
    return Status::OK();
  }

  // Writes `name` as the first `copy_groups` row groups of `old` (copied
  // verbatim; may be null) followed by `rows` (seq order, all after the
  // copied ones) in groups of kGroupRows, atomically.
  Result<std::string> PublishMonth(const std::string& name, const parquet::FileReader* old, int copy_groups,
                                   std::span<const log::SeqRecord> rows, uint64_t sealed_seq) {
    const std::string tmp = JoinPath(dir, log::SealTempName(name));
    parquet::WriterOptions wo;
    wo.sync_on_close = true;
    // zstd, and no dictionary for a day's numbers that rarely repeat
    // (cumulative budgets, continuous costs): with snappy and dictionaries
    // everywhere the files were about 2.7 times larger.
    wo.codec = parquet::Codec::ZSTD;
    wo.delta_columns = {"timestamp", "seq", "slot_index"};
    wo.dictionary_max_distinct_ratio = 0.5;
    wo.varied_float_encoding = parquet::Encoding::BYTE_STREAM_SPLIT;
    wo.key_value_metadata = {
        {"budget_audit.format_version", std::to_string(log::kLogFormatVersion)},
        {"budget_audit.log_id", ToHex(ByteSpan(manifest.log_id.data(), manifest.log_id.size()))},
        {"budget_audit.sealed_seq", std::to_string(sealed_seq)},
    };
    // The file is hashed as it is written, not read back for it.
    Sha256Hasher hash;
    BA_ASSIGN_OR_RETURN(auto file, env->NewWritableFile(tmp));
    // A failed seal (disk full, I/O error) must not leave its partial file
    // taking the space that remains.
    struct RemoveOnFailure {
      Env* env;
      const std::string& path;
      bool armed = true;
      ~RemoveOnFailure() {
        if (armed) (void)env->DeleteFile(path);
      }
    } cleanup{env, tmp};
    BA_ASSIGN_OR_RETURN(auto w, parquet::FileWriter::Open(std::make_unique<HashingFile>(std::move(file), &hash),
                                                          log::AuditColumnSpecs(), wo));
    for (int g = 0; old && g < copy_groups; ++g) BA_RETURN_IF_ERROR(w->CopyRowGroup(*old, g));
    // A month of one-minute ticks is one group: dictionaries and zstd see the
    // whole month (files 2.7 times smaller than with a group per day, §2.5).
    for (size_t start = 0; start < rows.size(); start += kGroupRows) {
      const size_t n = std::min<size_t>(kGroupRows, rows.size() - start);
      BA_RETURN_IF_ERROR(w->WriteRowGroup(log::AuditColumns(rows.subspan(start, n))));
    }
    BA_RETURN_IF_ERROR(w->Close().status());
    const Sha256Digest d = hash.Finish();
    BA_RETURN_IF_ERROR(env->RenameFile(tmp, JoinPath(dir, name)));
    cleanup.armed = false;
    return ToHex(ByteSpan(d.data(), d.size()));
  }

  // Journal files whose records are all sealed are deleted; the current file
  // is closed first when it holds nothing unsealed, so it can go too.
  Status DropSealedJournalFiles() {
    // A current file that holds sealed records is closed, so the next
    // append starts a new one and this one can go at the next seal: the
    // journal stays about a day long and recovery scans little.
    if (journal && !journal_files.empty() && journal_files.back().first <= manifest.sealed_seq) {
      // Synced first when it still holds unsealed records: once another
      // file follows it, a torn tail here would be damage, not the end of
      // the log (SyncMode kBatch and kNone leave the last records
      // unsynced). A file holding only sealed records is deleted below, and
      // until then it is the last file, so it needs no sync (a bulk load
      // that seals whole months would otherwise write each month's journal
      // to disk only to delete it).
      if (last_seq > manifest.sealed_seq) BA_RETURN_IF_ERROR(journal->Sync());
      BA_RETURN_IF_ERROR(journal->Close());
      journal.reset();
    }
    std::vector<std::pair<uint64_t, std::string>> keep;
    for (size_t i = 0; i < journal_files.size(); ++i) {
      bool is_current = i + 1 == journal_files.size() && journal;
      uint64_t last = i + 1 < journal_files.size() ? journal_files[i + 1].first - 1 : last_seq;
      if (!is_current && last <= manifest.sealed_seq) {
        BA_RETURN_IF_ERROR(env->DeleteFile(journal_files[i].second));
      } else {
        keep.push_back(journal_files[i]);
      }
    }
    journal_files = std::move(keep);
    return env->SyncDir(journal_dir);
  }

  Status StartJournalFile() {
    if (journal) {
      BA_RETURN_IF_ERROR(journal->Sync());  // see DropSealedJournalFiles
      BA_RETURN_IF_ERROR(journal->Close());
    }
    journal.reset();
    std::string path = JoinPath(journal_dir, log::JournalFileName(last_seq + 1));
    BA_ASSIGN_OR_RETURN(auto f, env->NewWritableFile(path));
    ByteWriter w;
    log::EncodeJournalHeader(JournalFileHeader{manifest.log_id, last_seq + 1, head}, w);
    BA_RETURN_IF_ERROR(f->Append(w.bytes()));
    BA_RETURN_IF_ERROR(f->Sync());
    BA_RETURN_IF_ERROR(env->SyncDir(journal_dir));
    journal = std::move(f);
    journal_size = w.size();
    journal_files.emplace_back(last_seq + 1, path);
    return Status::OK();
  }

  Result<AppendResult> Append(SlotRecord&& record) {
    const SlotRecord& r = record;
    if (closed) return Status::FailedPrecondition(fmt::format("{}: the log was closed", dir));
    if (needs_recovery) BA_RETURN_IF_ERROR(Recover());
    last_was_duplicate = false;
    BA_ASSIGN_OR_RETURN(auto existing, FindByTimestamp(r.timestamp_us));
    if (existing) {
      if (log::SameContent(existing->record, r)) {
        last_was_duplicate = true;  // a retry: acknowledge the original
        return AppendResult{existing->seq, true};
      }
      return Status::AlreadyExists(fmt::format(
                                       "timestamp: a different record with this timestamp is already logged as seq {}",
                                       existing->seq))
          .WithSeq(existing->seq);
    }
    Status s = AppendImpl(std::move(record));
    if (!s.ok()) {
      // Whatever reached the file is cut by the recovery before the next
      // append; nothing is acknowledged now.
      needs_recovery = true;
      recovery_cause = s;
      journal.reset();
      return s;
    }
    // A new day began: seal everything before this record. The record is
    // durable already, so a sealing failure does not fail the append; it is
    // kept in seal_status and retried at the next day change or Seal().
    const std::string& date = unsealed.back().record.date;  // the record was moved there
    // A date far ahead of the clock does not move max_date: it would stop
    // the daily seals until that date (it is sealed with the next one).
    if (date > max_date && (max_date.empty() || !AheadOf(date, ClockDate()))) {
      bool new_day = !max_date.empty();
      if (options.seal_policy == SealPolicy::kMonthly) {
        new_day = new_day && log::MonthFileName(date) != log::MonthFileName(max_date);
      }
      if (options.seal_policy == SealPolicy::kManual) new_day = false;
      max_date = date;
      if (new_day && unsealed.size() > 1) {
        seal_status = SealUpTo(last_seq - 1, false);
      }
    }
    return AppendResult{last_seq, false};
  }

  // The clock's date at the site, and whether `date` is so far ahead of it
  // (more than a day) that it must not hold the daily sealing back.
  std::string ClockDate() {
    const int64_t now = env->NowMicros();
    return options.local_date ? options.local_date(now) : FormatDate(FloorDiv(now, 86400000000));
  }
  static bool AheadOf(const std::string& date, const std::string& clock_date) {
    auto d = ParseDate(date), c = ParseDate(clock_date);
    return d && c && *d > *c + 1;
  }

  Status SealEndedDays() { return closed ? Status::OK() : SealEndedDaysOfOpenLog(); }
  Status SealEndedDaysOfOpenLog() {
    if (options.seal_policy != SealPolicy::kDaily) return Status::OK();
    if (needs_recovery) BA_RETURN_IF_ERROR(Recover());
    const std::string today = ClockDate();
    size_t k = 0;
    while (k < unsealed.size() &&
           (unsealed[k].record.date < today || AheadOf(unsealed[k].record.date, today))) {
      ++k;
    }
    if (k == 0) return Status::OK();
    seal_status = SealUpTo(unsealed[k - 1].seq, false);
    return seal_status;
  }

  // Makes everything durable and records the clean close (log/layout.h).
  // After a failed append the journal may end in a partial frame: no clean
  // close is recorded, and the next writer treats the end as a crash's.
  Status Close() {
    if (closed) return Status::OK();
    closed = true;
    if (needs_recovery) return Status::OK();
    // Days that ended are sealed first (a failure stays in seal_status: the
    // records are safe in the journal and the close goes on).
    (void)SealEndedDaysOfOpenLog();
    if (needs_recovery) return Status::OK();
    if (journal) BA_RETURN_IF_ERROR(journal->Sync());
    log::CleanClose c;
    c.last_seq = last_seq;
    c.head = head;
    if (!journal_files.empty()) {
      c.journal = BaseName(journal_files.back().second);
      BA_ASSIGN_OR_RETURN(c.journal_bytes, env->GetFileSize(journal_files.back().second));
    }
    return log::WriteCleanClose(env, dir, c);
  }

  Status AppendImpl(SlotRecord&& r) {
    if (!journal || journal_size >= options.journal_file_bytes) BA_RETURN_IF_ERROR(StartJournalFile());
    uint64_t seq = last_seq + 1;
    frame.Clear();
    const ChainHash next = log::AppendChainedTickFrame(r, seq, head, frame);
    BA_RETURN_IF_ERROR(journal->Append(frame.bytes()));
    if (options.sync == SyncMode::kAlways) BA_RETURN_IF_ERROR(journal->Sync());
    journal_size += frame.size();
    last_seq = seq;
    head = next;
    unsealed.push_back({seq, std::move(r)});
    unsealed_hashes.push_back(next);
    IndexLastUnsealed();
    return Status::OK();
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() {
  if (impl_) (void)impl_->Close();  // Close() reports what this cannot
}

Status AuditLog::Close() { return impl_->Close(); }

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& dir,
                                                 const AuditLogOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->env = options.env ? options.env : Env::Default();
  impl->dir = dir;
  impl->journal_dir = JoinPath(dir, log::kJournalDirName);
  BA_RETURN_IF_ERROR(impl->Init());
  // Days that ended while no writer ran (a failure is kept in
  // last_seal_status(): the log is open and the records are safe).
  (void)impl->SealEndedDays();
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

// The validation policy of every way in (log/validate.h), before anything
// is written: a record the log takes is one every reader reads.
Result<AppendResult> AuditLog::Append(const SlotRecord& record) {
  BA_RETURN_IF_ERROR(log::ValidateRecord(record));
  return impl_->Append(SlotRecord(record));
}
Result<AppendResult> AuditLog::Append(SlotRecord&& record) {
  BA_RETURN_IF_ERROR(log::ValidateRecord(record));
  return impl_->Append(std::move(record));
}

Status AuditLog::Sync() {
  if (impl_->needs_recovery) {
    // The failure that stopped the journal, with its OS error: the records
    // appended since the last sync are not durable.
    const Status& cause = impl_->recovery_cause;
    return Status(cause.ok() ? StatusCode::kFailedPrecondition : cause.code(),
                  fmt::format("the journal needs recovery after a failed write: {}",
                              cause.ok() ? "unknown error" : cause.message()));
  }
  if (!impl_->journal) return Status::OK();
  Status s = impl_->journal->Sync();
  if (!s.ok()) {
    impl_->needs_recovery = true;
    impl_->recovery_cause = s;
    impl_->journal.reset();
  }
  return s;
}

Status AuditLog::Seal() {
  if (impl_->needs_recovery) BA_RETURN_IF_ERROR(impl_->Recover());
  impl_->seal_status = impl_->SealUpTo(impl_->last_seq, false);
  return impl_->seal_status;
}

Status AuditLog::SealEndedDays() { return impl_->SealEndedDays(); }
uint64_t AuditLog::sealed_seq() const { return impl_->manifest.sealed_seq; }

Status AuditLog::FlushRetryQueue() {
  auto& q = impl_->retry_queue;
  while (!q.empty()) {
    auto seq = impl_->Append(SlotRecord(q.front()));
    if (!seq.ok() && seq.status().code() != StatusCode::kAlreadyExists) return seq.status();
    q.pop_front();  // durable, or a conflict that no retry can fix
    if (!seq.ok()) return seq.status();
  }
  return Status::OK();
}

Status AuditLog::LogSlot(const SlotRecord& record) {
  // Refused, not queued: no retry makes it valid.
  BA_RETURN_IF_ERROR(log::ValidateRecord(record));
  Status flushed = FlushRetryQueue();
  if (!flushed.ok() && flushed.code() != StatusCode::kAlreadyExists) {
    if (impl_->retry_queue.size() >= impl_->options.retry_queue_capacity) {
      return Status::ResourceExhausted(fmt::format(
          "retry queue full ({} records waiting); record dropped: {}", impl_->retry_queue.size(),
          flushed.message()));
    }
    impl_->retry_queue.push_back(record);
    return flushed;
  }
  auto seq = impl_->Append(SlotRecord(record));
  if (seq.ok()) return flushed;
  if (seq.status().code() == StatusCode::kAlreadyExists) return seq.status();
  if (impl_->retry_queue.size() >= impl_->options.retry_queue_capacity) {
    return Status::ResourceExhausted(fmt::format("retry queue full; record dropped: {}",
                                                 seq.status().message()));
  }
  impl_->retry_queue.push_back(record);
  return seq.status();
}

Status AuditLog::LogSlot(const ControllerTick& tick) {
  BA_RETURN_IF_ERROR(log::ValidateTick(tick));  // named as tick attributes
  return LogSlot(SlotRecordFromTick(tick, impl_->env->NowMicros()));
}

size_t AuditLog::retry_queue_size() const { return impl_->retry_queue.size(); }

bool AuditLog::last_append_was_duplicate() const { return impl_->last_was_duplicate; }

Status AuditLog::last_seal_status() const { return impl_->seal_status; }

uint64_t AuditLog::last_seq() const { return impl_->last_seq; }
std::string AuditLog::head_hex() const { return ToHex(ByteSpan(impl_->head.data(), 32)); }
std::string AuditLog::log_id_hex() const {
  return ToHex(ByteSpan(impl_->manifest.log_id.data(), impl_->manifest.log_id.size()));
}
bool AuditLog::recovered_torn_tail() const { return impl_->torn_tail_cut; }

}  // namespace budget_audit
