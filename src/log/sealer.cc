// Sealing: publishing journal records into the month files of the sealed
// history, then the manifest that vouches for them (docs/format.md §2.3).
#include "log/sealer.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "log/names.h"
#include "log/sealed_reader.h"
#include "log/summary.h"
#include "parquet/file_writer.h"
#include "util/sha256.h"

namespace budget_audit::log {
namespace {

// A file being written that feeds every byte appended to it to a hasher
// (sealing records each month file's SHA-256 in the manifest).
class HashingFile final : public WritableFile {
 public:
  HashingFile(std::unique_ptr<WritableFile> file, Sha256Hasher* hash) : file_(std::move(file)), hash_(hash) {}
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

Sealer::Sealer(Env* env, std::string dir, size_t threads, TimeZone zone)
    : env_(env), dir_(std::move(dir)), threads_(std::max<size_t>(threads, 1)), zone_(std::move(zone)) {}

Result<Manifest> Sealer::Seal(const Manifest& manifest, std::span<const SeqRecord> records,
                              std::span<const ChainHash> hashes, size_t take, bool repair) {
  const uint64_t upto = take > 0 ? records[take - 1].seq : manifest.sealed_seq;
  // The records to seal, by month file, in seq order. Usually each month's
  // records are one run in `records` (a day's, or consecutive months' in
  // a bulk load) and are published straight from it; a month whose records
  // are interleaved with another's (late records) is copied together.
  std::map<std::string, std::span<const SeqRecord>> by_month;
  std::map<std::string, std::vector<SeqRecord>> copies;
  {
    std::map<std::string, size_t> runs;                  // month -> number of runs among the first `take`
    std::vector<std::pair<std::string, size_t>> starts;  // (month, first index) per run
    for (size_t i = 0; i < (repair ? records.size() : take); ++i) {
      if (i > 0 && MonthKey(records[i].record.date) == MonthKey(records[i - 1].record.date)) continue;
      std::string name = MonthFileName(records[i].record.date);
      by_month[name];  // a repair rewrites every month with unsealed records
      if (i >= take) continue;
      ++runs[name];
      starts.emplace_back(std::move(name), i);
    }
    for (size_t r = 0; r < starts.size(); ++r) {
      const auto& [name, begin] = starts[r];
      const size_t end = r + 1 < starts.size() ? starts[r + 1].second : take;
      if (runs[name] == 1) {
        by_month[name] = std::span<const SeqRecord>(records.data() + begin, end - begin);
      } else {
        auto& c = copies[name];
        c.insert(c.end(), records.begin() + static_cast<ptrdiff_t>(begin),
                 records.begin() + static_cast<ptrdiff_t>(end));
      }
    }
    for (auto& [name, rows] : copies) by_month[name] = rows;
  }
  if (by_month.empty()) return manifest;
  // Month files match the manifest unless a seal was cut short (then the
  // next open repairs, or, within this process, rows are re-read and
  // filtered by seq as in a repair).
  const bool files_match_manifest = !repair && !files_ahead_;
  // The intent file makes an interrupted seal visible to the next open.
  BA_RETURN_IF_ERROR(env_->WriteFileAtomic(JoinPath(dir_, kSealIntentName), AsSpan("seal\n")));
  files_ahead_ = true;
  // Each month file is written apart (on threads_ threads),
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
  const size_t threads = std::min<size_t>(std::max<size_t>(threads_, 1), jobs.size());
  std::atomic<size_t> next_job{0};
  auto work = [&] {
    for (size_t j; (j = next_job.fetch_add(1)) < jobs.size();) {
      jobs[j].status = SealMonth(manifest, jobs[j], files_match_manifest, upto);
    }
  };
  {
    std::vector<std::jthread> helpers;
    for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
    work();
  }
  Manifest next = manifest;
  for (auto& job : jobs) {
    BA_RETURN_IF_ERROR(job.status);
    if (!job.result) continue;
    auto it = std::find_if(next.files.begin(), next.files.end(),
                           [&](const SealedFile& f) { return f.name == job.name; });
    if (it == next.files.end()) {
      next.files.push_back(std::move(*job.result));
    } else {
      *it = std::move(*job.result);
    }
  }
  std::sort(next.files.begin(), next.files.end(),
            [](const SealedFile& a, const SealedFile& b) { return a.name < b.name; });
  BA_RETURN_IF_ERROR(env_->SyncDir(dir_));
  if (take > 0) {
    next.sealed_seq = records[take - 1].seq;
    next.sealed_head = hashes[take - 1];
  }
  BA_RETURN_IF_ERROR(WriteManifest(env_, dir_, next));
  BA_RETURN_IF_ERROR(env_->DeleteFile(JoinPath(dir_, kSealIntentName)));
  files_ahead_ = false;
  return next;
}

// Writes a month file: the old file's rows (copied or decoded, see below)
// and the job's rows; sets job.result. Touches no shared state but the
// files of its month (Seal runs several at once).
Status Sealer::SealMonth(const Manifest& manifest, MonthJob& job, bool files_match_manifest, uint64_t upto) {
  const std::string& name = job.name;
  const SealedFile* entry = job.old_entry;
  const std::span<const SeqRecord> rows = job.rows;
  std::unique_ptr<parquet::FileReader> old;
  int copy_groups = 0;                      // leading row groups of `old` copied verbatim
  std::span<const SeqRecord> all = rows;    // rows the entry does not count yet
  std::span<const SeqRecord> write = rows;  // rows encoded after the copied groups
  std::vector<SeqRecord> merged;            // old rows decoded + new ones
  if (entry && files_match_manifest) {
    // Full row groups are copied verbatim (no decoding), after checking
    // the file is the one the manifest vouches for; a last group with
    // room left is decoded and written again with the new rows.
    BA_ASSIGN_OR_RETURN(auto bytes, env_->ReadFileToBytes(JoinPath(dir_, name)));
    Sha256Digest d = Sha256(bytes);
    if (ToHex(ByteSpan(d.data(), d.size())) != entry->sha256) {
      return Status::Corruption(fmt::format(
          "{}: not the file the manifest vouches for (SHA-256 differs); not sealing into it", name));
    }
    BA_ASSIGN_OR_RETURN(old, parquet::FileReader::OpenBuffer(bytes, name));
    copy_groups = old->num_row_groups();
    if (copy_groups > 0 && static_cast<uint64_t>(old->row_group_num_rows(copy_groups - 1)) < kGroupRows) {
      --copy_groups;
      RowFilter filter;
      filter.first_group = copy_groups;
      BA_ASSIGN_OR_RETURN(auto last, parquet::FileReader::OpenBuffer(std::move(bytes), name));
      BA_ASSIGN_OR_RETURN(auto c, SealedFileCursor::Open(std::move(last), kAllColumns, filter));
      while (!c->done()) {
        merged.push_back(c->row());
        BA_RETURN_IF_ERROR(c->Next());
      }
      merged.insert(merged.end(), rows.begin(), rows.end());
      write = merged;
    }
  } else if (entry) {
    BA_ASSIGN_OR_RETURN(auto old_rows, ReadAuditFile(env_, JoinPath(dir_, name)));
    for (auto& r : old_rows) {
      if (r.seq <= manifest.sealed_seq) merged.push_back(std::move(r));
    }
    merged.insert(merged.end(), rows.begin(), rows.end());
    std::sort(merged.begin(), merged.end(),
              [](const SeqRecord& a, const SeqRecord& b) { return a.seq < b.seq; });
    all = write = merged;
  }
  if (all.empty()) return Status::OK();
  BA_ASSIGN_OR_RETURN(std::string sha, PublishMonth(manifest, name, old.get(), copy_groups, write, upto));
  const bool had_rows = old != nullptr && entry->rows > 0;
  SealedFile out;
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
    SummaryBuilder summary(had_rows ? std::move(*out.summary) : FileSummary{});
    for (const auto& r : all) summary.Add(r.seq, r.record);
    out.summary = summary.Finish();
  }
  // The site summary likewise, in the site's zone: a file whose earlier
  // rows were summarised in another zone (the configuration changed) keeps
  // none, as does one with more gaps than a summary holds.
  if (had_rows && out.site && out.site->timezone != zone_.name()) out.site.reset();
  if (!had_rows || out.site) {
    SiteSummaryBuilder site = had_rows ? SiteSummaryBuilder(zone_, std::move(*out.site))
                                       : SiteSummaryBuilder(zone_, kSiteOffsetToleranceDeg);
    for (const auto& r : all) site.Add(r.seq, r.record);
    SiteSummary s = site.Finish();
    if (s.overflow) {
      out.site.reset();
    } else {
      out.site = std::move(s);
    }
  }
  job.result = std::move(out);
  return Status::OK();
}

// Writes `name` as the first `copy_groups` row groups of `old` (copied
// verbatim; may be null) followed by `rows` (seq order, all after the
// copied ones) in groups of kGroupRows, atomically.
Result<std::string> Sealer::PublishMonth(const Manifest& manifest, const std::string& name,
                                         const parquet::FileReader* old, int copy_groups,
                                         std::span<const SeqRecord> rows, uint64_t sealed_seq) {
  const std::string tmp = JoinPath(dir_, SealTempName(name));
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
      {"budget_audit.format_version", std::to_string(kLogFormatVersion)},
      {"budget_audit.log_id", ToHex(ByteSpan(manifest.log_id.data(), manifest.log_id.size()))},
      {"budget_audit.sealed_seq", std::to_string(sealed_seq)},
  };
  // The file is hashed as it is written, not read back for it.
  Sha256Hasher hash;
  BA_ASSIGN_OR_RETURN(auto file, env_->NewWritableFile(tmp));
  // A failed seal (disk full, I/O error) must not leave its partial file
  // taking the space that remains.
  struct RemoveOnFailure {
    Env* env;
    const std::string& path;
    bool armed = true;
    ~RemoveOnFailure() {
      if (armed) (void)env->DeleteFile(path);
    }
  } cleanup{env_, tmp};
  BA_ASSIGN_OR_RETURN(auto w, parquet::FileWriter::Open(std::make_unique<HashingFile>(std::move(file), &hash),
                                                        AuditColumnSpecs(), wo));
  for (int g = 0; old && g < copy_groups; ++g) BA_RETURN_IF_ERROR(w->CopyRowGroup(*old, g));
  // A month of one-minute ticks is one group: dictionaries and zstd see the
  // whole month (files 2.7 times smaller than with a group per day, §2.5).
  for (size_t start = 0; start < rows.size(); start += kGroupRows) {
    const size_t n = std::min<size_t>(kGroupRows, rows.size() - start);
    BA_RETURN_IF_ERROR(w->WriteRowGroup(AuditColumns(rows.subspan(start, n))));
  }
  BA_RETURN_IF_ERROR(w->Close().status());
  const Sha256Digest d = hash.Finish();
  BA_RETURN_IF_ERROR(env_->RenameFile(tmp, JoinPath(dir_, name)));
  cleanup.armed = false;
  return ToHex(ByteSpan(d.data(), d.size()));
}

}  // namespace budget_audit::log
