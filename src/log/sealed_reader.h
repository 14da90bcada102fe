// Streaming reads of sealed month files: one row group at a time, only the
// requested columns, row groups skipped by their statistics; and the merge
// of several month files into one stream in seq order.
//
// Month files are written in row groups of 2^17 rows (a month of one-minute
// ticks is one group; docs/format.md §2.5), so a cursor holds at most that
// many decoded rows.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "budget_audit/log_reader.h"
#include "log/manifest.h"
#include "log/slot_parquet.h"
#include "parquet/file_reader.h"

namespace budget_audit::log {

// Which rows of a sealed file are wanted.
struct RowFilter {
  uint64_t min_seq = 0;
  uint64_t max_seq = UINT64_MAX;     // rows the manifest vouches for
  std::optional<int64_t> since_us;   // timestamp >= since_us
  std::optional<int64_t> until_us;   // timestamp < until_us
  std::optional<std::string> date;   // date == this
  std::optional<int64_t> timestamp;  // timestamp == this (duplicate lookups)
  int first_group = 0;               // row groups before this one are skipped unread

  // Columns the filter itself needs.
  ColumnSet NeededColumns() const;
  bool Matches(uint64_t seq, const SlotRecord& r) const;
  // False when a file whose timestamps lie in [min_ts, max_ts] cannot match.
  bool FileMayMatch(const SealedFile& f) const;
};

// A run of consecutive rows of one row group, as its decoded columns
// (shared: the cursor moves on without copying them). Row i of the run is
// value offset + i of each column (the columns hold no nulls).
struct ColumnSlice {
  std::shared_ptr<const std::vector<parquet::ColumnVector>> cols;
  std::vector<int> column;  // audit column (kAuditColumnCount) -> index in cols, or -1
  size_t offset = 0, rows = 0;
  uint64_t first_seq = 0, last_seq = 0;
};

class SealedFileCursor {
 public:
  // Opens `path`; positions on the first matching row (done() if none).
  static Result<std::unique_ptr<SealedFileCursor>> Open(Env* env, const std::string& path, ColumnSet columns,
                                                        RowFilter filter);
  // Over an already open reader (e.g. one verify opened from a buffer).
  static Result<std::unique_ptr<SealedFileCursor>> Open(std::unique_ptr<parquet::FileReader> reader,
                                                        ColumnSet columns, RowFilter filter);

  bool done() const { return done_; }
  // The current row (fields outside the column set are defaults).
  const SeqRecord& row() const { return row_; }
  // Index of the current row in the file (0-based, for messages).
  uint64_t row_index() const { return row_index_; }
  // Moves to the next matching row.
  Status Next();
  // Hands out the current row and those after it in its row group as
  // columns, when all of them are wanted: the filter is only by seq, their
  // seqs run on by one from the current row's, are <= the filter's max_seq
  // and < `below`. At most `max_rows` rows. The cursor then stands on the
  // slice's last row (as if the rows were taken one by one: Next() moves
  // past it). False (nothing moved) when the filter is not only by seq.
  Result<bool> TakeSlice(uint64_t below, size_t max_rows, ColumnSlice* slice);

  const std::string& path() const { return reader_->path(); }

 private:
  SealedFileCursor() = default;
  Status LoadRowGroup();  // decodes group_, or skips it when statistics exclude it
  Status Advance();       // positions on the next matching row from pos_
  void Materialize(size_t i);

  std::unique_ptr<parquet::FileReader> reader_;
  ColumnSet columns_ = 0;  // requested | needed by the filter
  RowFilter filter_;
  std::vector<size_t> file_cols_;  // file column index per audit column (12 with seq)
  std::vector<int> decoded_;       // audit column -> index in cols_, or -1
  std::shared_ptr<std::vector<parquet::ColumnVector>> cols_;  // the group's, shared with slices
  int group_ = -1;
  size_t rows_in_group_ = 0, pos_ = 0;
  uint64_t group_first_row_ = 0, row_index_ = 0;
  SeqRecord row_;
  bool done_ = false;
};

using SealedOpener = std::function<Result<std::unique_ptr<SealedFileCursor>>(const SealedFile& file)>;

// The rows of `files` (entries of a manifest, in any order) in seq order,
// pulled one at a time. Each file is opened when its min_seq comes up and
// closed when used up, so rarely more than one is open. Corruption if two
// files hold the same seq or a file is out of seq order.
class SealedMerge {
 public:
  SealedMerge(std::vector<SealedFile> files, SealedOpener open);
  ~SealedMerge();
  SealedMerge(const SealedMerge&) = delete;
  SealedMerge& operator=(const SealedMerge&) = delete;
  // Opens (reads, checks and decodes) up to `files` files ahead of the one
  // needed, each on a thread of its own, so that files are decoded in
  // parallel while a reader takes the rows in seq order (the Arrow stream).
  // `open` must then be safe to call from several threads at once. 0 (the
  // default): each file is opened when its rows come up, on the caller's
  // thread. Same rows, order and checks either way; a file opened ahead
  // whose rows are never reached (the reader stopped) reports nothing.
  void ReadAhead(size_t files) { ahead_ = files; }
  // Moves to the next row: false at the end.
  Result<bool> Next();
  // As Next(), but when the rows from the next one on are a run of one
  // file that no other file's row comes between (SealedFileCursor::
  // TakeSlice), hands them out as *slice (rows > 0) instead; else
  // slice->rows is 0 and row() is the next row. Same rows, order and
  // checks as Next().
  Result<bool> NextSlice(size_t max_rows, ColumnSlice* slice);
  // The current row (after Next() gave true), its file and its index there.
  const SeqRecord& row() const { return current_->cursor->row(); }
  const SealedFile& file() const { return files_[current_->file]; }
  uint64_t row_index() const { return current_->cursor->row_index(); }

 private:
  struct Active {
    std::unique_ptr<SealedFileCursor> cursor;
    size_t file;  // index in files_
  };
  Status Insert(Active a);
  Status Settle();  // moves past the row handed out, opens the files due

  using Opened = Result<std::unique_ptr<SealedFileCursor>>;
  Opened Open(size_t f);  // files_[f], from read-ahead when it was started

  std::vector<SealedFile> files_;  // by min_seq
  SealedOpener open_;
  size_t next_ = 0;                    // the next file to open
  std::map<uint64_t, Active> active_;  // open files by their current seq
  std::optional<Active> current_;      // the file of the row handed out
  size_t ahead_ = 0;
  pid_t pid_ = ::getpid();  // the process whose threads open files ahead
  // Files being opened ahead, by index in files_ (last: destroyed, i.e.
  // waited for, before what their threads use).
  std::map<size_t, std::future<Opened>> opening_;
};

// Streams the rows of `files` through fn(row, file, row_index), as
// SealedMerge pulls them.
Status MergeSealedFiles(
    const std::vector<SealedFile>& files, const SealedOpener& open,
    const std::function<Status(const SeqRecord& row, const SealedFile& file, uint64_t row_index)>& fn);

// Reads every row of a sealed file (all columns; nulls are Corruption).
// Checks nothing against a manifest (see OpenSealedFile).
Result<std::vector<SeqRecord>> ReadAuditFile(Env* env, const std::string& path);

// Readers check every sealed file they decode against the SHA-256 its
// manifest entry holds, before using a row of it (docs/format.md §2.4).

// The whole file of manifest entry `entry` under `dir`; Corruption naming
// it when it is missing.
Result<Bytes> ReadSealedFile(Env* env, const std::string& dir, const SealedFile& entry);
// The hex SHA-256 of a file's bytes, as manifest entries hold it.
std::string FileSha256(const Bytes& bytes);
// Corruption: the file `where` (its path, or its name in the log) hashes
// to `actual_sha256`, not to the `expected_sha256` its manifest entry holds.
Status SealedFileChanged(const std::string& where, const std::string& expected_sha256,
                         const std::string& actual_sha256);

// Decides about a file whose SHA-256 (`sha256`, of `bytes`) is not its
// manifest entry's: OK to read `bytes` anyway (the caller's row filter
// then keeps to the rows its manifest vouches for, seq <= sealed_seq), or
// the error to give. It may read the file again, replacing both.
using HashMismatchFn = std::function<Status(const SealedFile& entry, Bytes& bytes, std::string& sha256)>;

// Opens the file of manifest entry `entry` under `dir` as
// SealedFileCursor::Open does, after reading it whole and checking its
// SHA-256 against the entry's: on a mismatch, `on_mismatch` decides (null:
// SealedFileChanged). Hashing a 200 KB month file takes ~0.15 ms with the
// SHA extensions.
Result<std::unique_ptr<SealedFileCursor>> OpenSealedFile(Env* env, const std::string& dir,
                                                         const SealedFile& entry, ColumnSet columns,
                                                         RowFilter filter,
                                                         const HashMismatchFn& on_mismatch = nullptr);

}  // namespace budget_audit::log
