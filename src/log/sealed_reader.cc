#include "log/sealed_reader.h"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "util/sha256.h"

namespace budget_audit::log {

using parquet::ColumnVector;
using parquet::StatRange;

namespace {

constexpr size_t kTs = 0, kDate = 1;

// The chunk's trusted int64 range, if its statistics give one.
std::optional<std::pair<int64_t, int64_t>> IntRange(const std::optional<StatRange>& r) {
  if (!r || !std::holds_alternative<int64_t>(r->min) || !std::holds_alternative<int64_t>(r->max)) {
    return std::nullopt;
  }
  return std::make_pair(std::get<int64_t>(r->min), std::get<int64_t>(r->max));
}

}  // namespace

ColumnSet RowFilter::NeededColumns() const {
  ColumnSet c = 0;
  if (since_us || until_us || timestamp) c |= kColTimestamp;
  if (date) c |= kColDate;
  return c;
}

bool RowFilter::Matches(uint64_t seq, const SlotRecord& r) const {
  if (seq > max_seq || seq < min_seq) return false;
  if (since_us && r.timestamp_us < *since_us) return false;
  if (until_us && r.timestamp_us >= *until_us) return false;
  if (timestamp && r.timestamp_us != *timestamp) return false;
  if (date && r.date != *date) return false;
  return true;
}

bool RowFilter::FileMayMatch(const SealedFile& f) const {
  if (f.min_seq > max_seq || f.max_seq < min_seq) return false;
  if (since_us && f.max_timestamp_us < *since_us) return false;
  if (until_us && f.min_timestamp_us >= *until_us) return false;
  if (timestamp && (*timestamp < f.min_timestamp_us || *timestamp > f.max_timestamp_us)) return false;
  return true;
}

Result<std::unique_ptr<SealedFileCursor>> SealedFileCursor::Open(Env* env, const std::string& path,
                                                                 ColumnSet columns, RowFilter filter) {
  BA_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(env, path));
  return Open(std::move(reader), columns, std::move(filter));
}

Result<std::unique_ptr<SealedFileCursor>> SealedFileCursor::Open(std::unique_ptr<parquet::FileReader> reader,
                                                                 ColumnSet columns, RowFilter filter) {
  std::unique_ptr<SealedFileCursor> c(new SealedFileCursor);
  c->reader_ = std::move(reader);
  c->filter_ = std::move(filter);
  c->columns_ = (columns & kAllColumns) | c->filter_.NeededColumns();
  std::vector<std::string> names(std::begin(kAuditColumnNames), std::end(kAuditColumnNames));
  auto cols = c->reader_->schema().Project(names);
  if (!cols.ok()) return cols.status().WithContext(c->reader_->path());
  c->file_cols_ = std::move(*cols);
  auto specs = AuditColumnSpecs();
  for (size_t k = 0; k < kAuditColumnCount; ++k) {
    const auto& d = c->reader_->schema().column(c->file_cols_[k]);
    if (d.type != specs[k].type) {
      return Status::Corruption(fmt::format("{}: column '{}' has type {}", c->reader_->path(),
                                            kAuditColumnNames[k], parquet::TypeName(d.type)));
    }
  }
  BA_RETURN_IF_ERROR(c->LoadRowGroup());
  BA_RETURN_IF_ERROR(c->Advance());
  return c;
}

Status SealedFileCursor::LoadRowGroup() {
  for (;;) {
    if (group_ >= 0) group_first_row_ += static_cast<uint64_t>(reader_->row_group_num_rows(group_));
    ++group_;
    pos_ = 0;
    rows_in_group_ = 0;
    if (group_ >= reader_->num_row_groups()) {
      done_ = true;
      cols_.reset();
      return Status::OK();
    }
    if (group_ < filter_.first_group) continue;
    // Skip the group when its statistics exclude every wanted row.
    auto seq_range = IntRange(reader_->ChunkRange(group_, file_cols_[kSeqColumn]));
    if (seq_range && seq_range->first > 0 &&
        (static_cast<uint64_t>(seq_range->first) > filter_.max_seq ||
         static_cast<uint64_t>(seq_range->second) < filter_.min_seq)) {
      continue;
    }
    if (filter_.since_us || filter_.until_us || filter_.timestamp) {
      if (auto ts = IntRange(reader_->ChunkRange(group_, file_cols_[kTs]))) {
        if (filter_.since_us && ts->second < *filter_.since_us) continue;
        if (filter_.until_us && ts->first >= *filter_.until_us) continue;
        if (filter_.timestamp && (*filter_.timestamp < ts->first || *filter_.timestamp > ts->second)) {
          continue;
        }
      }
    }
    if (filter_.date) {
      auto r = reader_->ChunkRange(group_, file_cols_[kDate]);
      if (r && std::holds_alternative<std::string>(r->min) && std::holds_alternative<std::string>(r->max) &&
          (*filter_.date < std::get<std::string>(r->min) || *filter_.date > std::get<std::string>(r->max))) {
        continue;
      }
    }
    std::vector<size_t> want;
    decoded_.assign(kAuditColumnCount, -1);
    for (size_t k = 0; k < kAuditColumnCount; ++k) {
      if (k == kSeqColumn || (columns_ & (1u << k))) {
        decoded_[k] = static_cast<int>(want.size());
        want.push_back(file_cols_[k]);
      }
    }
    BA_ASSIGN_OR_RETURN(auto cols, reader_->ReadRowGroup(group_, want));
    cols_ = std::make_shared<std::vector<ColumnVector>>(std::move(cols));
    rows_in_group_ = static_cast<size_t>(reader_->row_group_num_rows(group_));
    for (size_t k = 0; k < kAuditColumnCount; ++k) {
      if (decoded_[k] >= 0 && (*cols_)[static_cast<size_t>(decoded_[k])].value_count() != rows_in_group_) {
        return Status::Corruption(
            fmt::format("{}: row group {}: column '{}' has nulls", path(), group_, kAuditColumnNames[k]));
      }
    }
    if (rows_in_group_ > 0) return Status::OK();
  }
}

Status SealedFileCursor::Advance() {
  while (!done_) {
    if (pos_ >= rows_in_group_) {
      BA_RETURN_IF_ERROR(LoadRowGroup());
      continue;
    }
    const size_t i = pos_;
    const int64_t seq = (*cols_)[static_cast<size_t>(decoded_[kSeqColumn])].i64[i];
    if (seq <= 0) {
      return Status::Corruption(
          fmt::format("{}: row {}: seq {} is not positive", path(), group_first_row_ + i, seq));
    }
    bool match =
        static_cast<uint64_t>(seq) <= filter_.max_seq && static_cast<uint64_t>(seq) >= filter_.min_seq;
    if (match && decoded_[kTs] >= 0) {
      const int64_t ts = (*cols_)[static_cast<size_t>(decoded_[kTs])].i64[i];
      if ((filter_.since_us && ts < *filter_.since_us) || (filter_.until_us && ts >= *filter_.until_us) ||
          (filter_.timestamp && ts != *filter_.timestamp)) {
        match = false;
      }
    }
    if (match && filter_.date &&
        (*cols_)[static_cast<size_t>(decoded_[kDate])].ByteArrayAt(i) != *filter_.date) {
      match = false;
    }
    if (match) {
      Materialize(i);
      return Status::OK();
    }
    ++pos_;
  }
  return Status::OK();
}

namespace {

// A field's value from its decoded column (by the field's type).
void Get(const ColumnVector& c, size_t i, int64_t& v) { v = c.i64[i]; }
void Get(const ColumnVector& c, size_t i, double& v) { v = c.f64[i]; }
void Get(const ColumnVector& c, size_t i, bool& v) { v = c.bools[i] != 0; }
void Get(const ColumnVector& c, size_t i, std::string& v) { v.assign(c.ByteArrayAt(i)); }

}  // namespace

void SealedFileCursor::Materialize(size_t i) {
  auto col = [&](size_t k) -> const ColumnVector* {
    return decoded_[k] >= 0 ? &(*cols_)[static_cast<size_t>(decoded_[k])] : nullptr;
  };
  row_index_ = group_first_row_ + i;
  row_.seq = static_cast<uint64_t>(col(kSeqColumn)->i64[i]);
  SlotRecord& r = row_.record;
  // Unrolled over the schema's fields (each VisitField folds to one member).
  [&]<size_t... F>(std::index_sequence<F...>) {
    (([&] {
       if (const ColumnVector* c = col(F)) VisitField(F, r, [&](auto& v) { Get(*c, i, v); });
     }()),
     ...);
  }
  (std::make_index_sequence<kFieldCount>{});
}

Status SealedFileCursor::Next() {
  if (done_) return Status::OK();
  ++pos_;
  return Advance();
}

Result<bool> SealedFileCursor::TakeSlice(uint64_t below, size_t max_rows, ColumnSlice* slice) {
  slice->rows = 0;
  if (done_ || filter_.since_us || filter_.until_us || filter_.timestamp || filter_.date) return false;
  // The current row matched (Advance()): seq >= min_seq, > 0, <= max_seq.
  const auto& seqs = (*cols_)[static_cast<size_t>(decoded_[kSeqColumn])].i64;
  const uint64_t first = static_cast<uint64_t>(seqs[pos_]);
  const uint64_t last_allowed = std::min<uint64_t>(filter_.max_seq, below - 1);
  if (below == 0 || first > last_allowed) return false;
  size_t end = pos_ + 1;
  const size_t limit = pos_ + std::min(rows_in_group_ - pos_, std::max<size_t>(max_rows, 1));
  uint64_t last = first;
  while (end < limit && seqs[end] > 0 && static_cast<uint64_t>(seqs[end]) == last + 1 &&
         last + 1 <= last_allowed) {
    ++last;
    ++end;
  }
  slice->cols = cols_;
  slice->column = decoded_;
  slice->offset = pos_;
  slice->rows = end - pos_;
  slice->first_seq = first;
  slice->last_seq = last;
  // Stand on the slice's last row, as if the rows were taken one by one:
  // Next() moves past it.
  pos_ = end - 1;
  Materialize(pos_);
  return true;
}

SealedMerge::SealedMerge(std::vector<SealedFile> files, SealedOpener open)
    : files_(std::move(files)), open_(std::move(open)) {
  std::sort(files_.begin(), files_.end(),
            [](const SealedFile& a, const SealedFile& b) { return a.min_seq < b.min_seq; });
}

SealedMerge::~SealedMerge() {
  // Each future waits for its thread when destroyed. In a child of fork()
  // those threads do not exist: the futures are left undestroyed there
  // (their memory goes with the process) rather than waited for forever.
  if (!opening_.empty() && ::getpid() != pid_) {
    for (auto& [f, opened] : opening_) new std::future<Opened>(std::move(opened));
  }
}

SealedMerge::Opened SealedMerge::Open(size_t f) {
  // Start the files after f first, so they decode while f is waited for.
  for (size_t k = f + 1; k < files_.size() && k <= f + ahead_; ++k) {
    if (opening_.count(k) != 0) continue;
    try {
      opening_.emplace(k, std::async(std::launch::async, [this, k] { return open_(files_[k]); }));
    } catch (const std::system_error&) {
      break;  // no thread to be had: those files are opened when they come up
    }
  }
  auto it = opening_.find(f);
  if (it == opening_.end()) return open_(files_[f]);
  Opened opened = it->second.get();
  opening_.erase(it);
  return opened;
}

Status SealedMerge::Insert(Active a) {
  const uint64_t k = a.cursor->row().seq;
  if (auto it = active_.find(k); it != active_.end()) {
    return Status::Corruption(
        fmt::format("{}: seq {} also appears in {}", files_[a.file].name, k, files_[it->second.file].name));
  }
  active_.emplace(k, std::move(a));
  return Status::OK();
}

Status SealedMerge::Settle() {
  if (current_) {
    // Move past the row handed out last.
    Active a = std::move(*current_);
    current_.reset();
    const uint64_t seq = a.cursor->row().seq;
    BA_RETURN_IF_ERROR(a.cursor->Next());
    if (!a.cursor->done()) {
      if (a.cursor->row().seq <= seq) {
        return Status::Corruption(fmt::format("{}: rows are not in seq order at row {}", files_[a.file].name,
                                              a.cursor->row_index()));
      }
      BA_RETURN_IF_ERROR(Insert(std::move(a)));
    }
  }
  while (next_ < files_.size() && (active_.empty() || files_[next_].min_seq <= active_.begin()->first)) {
    const size_t f = next_++;
    BA_ASSIGN_OR_RETURN(auto cursor, Open(f));
    if (cursor && !cursor->done()) BA_RETURN_IF_ERROR(Insert(Active{std::move(cursor), f}));
  }
  return Status::OK();
}

Result<bool> SealedMerge::Next() {
  BA_RETURN_IF_ERROR(Settle());
  if (active_.empty()) return false;
  current_ = std::move(active_.begin()->second);
  active_.erase(active_.begin());
  return true;
}

Result<bool> SealedMerge::NextSlice(size_t max_rows, ColumnSlice* slice) {
  slice->rows = 0;
  BA_RETURN_IF_ERROR(Settle());
  if (active_.empty()) return false;
  // The slice's rows come before every other open file's current row and
  // before the first row of the next file to open (Settle() opened every
  // file whose min_seq is <= this row's seq): the rows Next() would give
  // one by one, with nothing opened meanwhile.
  auto it = active_.begin();
  uint64_t below = UINT64_MAX;
  if (std::next(it) != active_.end()) below = std::next(it)->first;
  if (next_ < files_.size()) below = std::min(below, files_[next_].min_seq);
  Active a = std::move(it->second);
  active_.erase(it);
  Result<bool> took = a.cursor->TakeSlice(below, max_rows, slice);
  if (!took.ok()) return took.status();
  if (!*took) slice->rows = 0;
  // The row handed out last (the slice's last one): the next call moves
  // past it, with Next()'s checks.
  current_ = std::move(a);
  return true;
}

Status MergeSealedFiles(const std::vector<SealedFile>& files, const SealedOpener& open,
                        const std::function<Status(const SeqRecord&, const SealedFile&, uint64_t)>& fn) {
  SealedMerge merge(files, open);
  for (;;) {
    BA_ASSIGN_OR_RETURN(bool more, merge.Next());
    if (!more) return Status::OK();
    BA_RETURN_IF_ERROR(fn(merge.row(), merge.file(), merge.row_index()));
  }
}

Result<std::vector<SeqRecord>> ReadAuditFile(Env* env, const std::string& path) {
  BA_ASSIGN_OR_RETURN(auto c, SealedFileCursor::Open(env, path, kAllColumns, RowFilter{}));
  std::vector<SeqRecord> out;
  while (!c->done()) {
    out.push_back(c->row());
    BA_RETURN_IF_ERROR(c->Next());
  }
  return out;
}

Result<Bytes> ReadSealedFile(Env* env, const std::string& dir, const SealedFile& entry) {
  const std::string path = JoinPath(dir, entry.name);
  auto bytes = env->ReadFileToBytes(path);
  if (!bytes.ok() && bytes.status().IsNotFound()) {
    return Status::Corruption(fmt::format("{}: listed in the manifest but missing", path));
  }
  return bytes;
}

std::string FileSha256(const Bytes& bytes) {
  const Sha256Digest d = Sha256(ByteSpan(bytes.data(), bytes.size()));
  return ToHex(ByteSpan(d.data(), d.size()));
}

Status SealedFileChanged(const std::string& where, const std::string& expected_sha256,
                         const std::string& actual_sha256) {
  return Status::Corruption(
      fmt::format("{}: SHA-256 {} differs from the manifest's {} (the file was changed after it was sealed)",
                  where, actual_sha256, expected_sha256));
}

Result<std::unique_ptr<SealedFileCursor>> OpenSealedFile(Env* env, const std::string& dir,
                                                         const SealedFile& entry, ColumnSet columns,
                                                         RowFilter filter,
                                                         const HashMismatchFn& on_mismatch) {
  BA_ASSIGN_OR_RETURN(Bytes bytes, ReadSealedFile(env, dir, entry));
  std::string sha = FileSha256(bytes);
  if (sha != entry.sha256) {
    BA_RETURN_IF_ERROR(on_mismatch ? on_mismatch(entry, bytes, sha)
                                   : SealedFileChanged(JoinPath(dir, entry.name), entry.sha256, sha));
  }
  BA_ASSIGN_OR_RETURN(auto reader,
                      parquet::FileReader::OpenBuffer(std::move(bytes), JoinPath(dir, entry.name)));
  return SealedFileCursor::Open(std::move(reader), columns, std::move(filter));
}

}  // namespace budget_audit::log
