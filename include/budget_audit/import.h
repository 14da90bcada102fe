// Import: a bulk load of Parquet files into an audit log (what
// `budget-audit import` does), with the counts as data.
//
// The files are logs written by the Python version (pandas + pyarrow), by
// DuckDB, or by anything with its columns: columns are matched by name, a
// missing column or a null value takes the Python version's default, other
// columns are reported and ignored (the mapping, the accepted types and the
// defaults: src/log/importer.h). Every row passes the validation policy of
// every way in (docs/validation.md).
//
// ImportFiles() decides:
//   - which files: each path as given; a directory stands for every
//     *.parquet below it, in name order, skipping names that start with '_'
//     or '.' (as pandas, pyarrow, Spark and DuckDB do). A file named twice
//     is imported twice (its rows are then already present).
//   - whether to start at all: when no file can be opened (all missing or
//     unreadable, or only empty directories), the log is not opened, not
//     created if it did not exist, and the summary says nothing_to_import.
//   - how the log is written: opened for a bulk load (no sync per record,
//     no journal: rows wait in memory for their seal; month files sealed
//     whole and several at once, on up to 4 threads, by the log's seal
//     thread while the next rows are appended); everything imported is
//     sealed, synced and the log closed cleanly before it returns. A crash
//     or power cut during an import loses the rows not yet sealed (never
//     acknowledged); the import is simply run again.
//   - what happens to each row, counted exactly once: appended; already
//     present (the same timestamp and content are logged: a re-import adds
//     nothing); a conflict (the timestamp is logged with other content: the
//     existing seq is given); refused while reading (a bad value or type,
//     named); or, if the log fails (disk full, I/O error), not logged: those
//     appended since the last sync that the failure lost, so that appended +
//     not_logged is what was appended and `appended` is what the log holds.
//
// Thread safety: ImportFiles() takes the log's writer lock for the whole
// load (Busy, naming the holder, if another writer has it: import before
// opening an AuditLog on the same directory, or after closing it). Calls on
// different logs may run concurrently. `on_event` is called on the calling
// thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/status.h"

namespace budget_audit {

// The log's 11 columns in schema order, as the import names its fields
// (ImportTotals::missing and nulls are indexed by this order).
inline constexpr size_t kImportFields = 11;
extern const char* const kImportFieldNames[kImportFields];

// What ImportFiles() reports as it goes, in this order: kEmptyDirectory for
// each directory holding no Parquet file (while listing); then per file
// kFileOpened, kRefused and kConflict for its rows in row order, kProgress
// every few thousand rows, kFileFailed when the file could not be opened or
// read to its end; then kFinishing before the final sync and seal (only
// when the log has not failed).
//
// Everything an event points to is borrowed and valid during the call only.
struct ImportEvent {
  enum Kind {
    kEmptyDirectory,
    kFileOpened,
    kRefused,
    kConflict,
    kFileFailed,
    kProgress,
    kFinishing,
  };
  Kind kind = kProgress;
  std::string_view path;  // the file (the directory for kEmptyDirectory); empty for kFinishing
  // kFileOpened: how its columns are read. Remarks (one line each, e.g. a
  // naive timestamp read as UTC, the date derived from the timestamp), the
  // fields it has no column for, the columns ignored (in file order).
  const std::vector<std::string>* notes = nullptr;
  const std::vector<std::string>* missing_columns = nullptr;
  const std::vector<std::string>* extra_columns = nullptr;
  int64_t row = 0;                       // kRefused, kConflict: the row, counting from 1 in file order
  std::optional<uint64_t> existing_seq;  // kConflict: the seq of the record already logged
  std::string_view message;              // kRefused, kConflict: "field: problem"; kFileFailed: the error
  // kProgress: rows read so far (all files), of rows_total (every file's
  // footer), and seconds since the first file was opened.
  int64_t rows_done = 0;
  int64_t rows_total = 0;
  double seconds = 0;
};

// The lines `budget-audit import` prints on stderr for an event (each
// ending in '\n'; empty for kProgress and kFinishing, which it shows only
// on a terminal, as a progress line).
std::string ImportEventText(const ImportEvent& event);

struct ImportOptions {
  Env* env = nullptr;  // nullptr: Env::Default(); must outlive the call
  // Floor timestamps finer than the microsecond (toward -infinity) instead
  // of refusing their rows.
  bool truncate_sub_micros = false;
  // Written into the log's lock for another writer's message; default
  // "budget-audit import (pid N)".
  std::string holder_info;
  // The site's IANA zone, for the sealed files' site summaries
  // (AuditLogOptions::timezone); empty: UTC.
  std::string timezone;
  // May be empty. See ImportEvent.
  std::function<void(const ImportEvent&)> on_event;
};

// The counts over every file, each row counted once.
struct ImportTotals {
  int64_t files = 0;         // files tried
  int64_t files_failed = 0;  // of which could not be read, or only partly
  int64_t rows_read = 0;     // rows handed out by the readers (records + refused)
  int64_t appended = 0;      // now in the log
  int64_t not_logged = 0;    // appended, then lost with a failure of the log
  int64_t already_present = 0;
  int64_t conflicts = 0;
  int64_t refused = 0;
  int64_t truncated_timestamps = 0;  // with truncate_sub_micros
  // Per field (kImportFieldNames), records that got the default because
  // their file has no such column, or because the value was null.
  std::array<int64_t, kImportFields> missing{};
  std::array<int64_t, kImportFields> nulls{};
  std::map<std::string, int64_t> extra_columns;  // column ignored -> files that have it
};

// One file's outcome (in the order tried).
struct ImportFileReport {
  std::string path;
  int64_t rows = 0;       // rows in the file (its footer)
  int64_t rows_read = 0;  // rows read before the end or the damage
  int64_t appended = 0, already_present = 0, conflicts = 0, refused = 0;
  std::vector<std::string> missing_columns, extra_columns, notes;
  Status status;  // why it could not be opened or read to its end
};

// A refused or conflicting row, as kept in the summary.
struct ImportProblem {
  std::string file;
  int64_t row = 0;
  enum Kind { kRefused, kConflict } kind = kRefused;
  std::optional<uint64_t> existing_seq;  // kConflict (when known)
  std::string message;
};

// The summary keeps the first this many problems (the events give all).
inline constexpr size_t kImportProblemsKept = 100;

struct ImportSummary {
  std::string log_dir;
  // No file could be opened: the log was not touched. `files` then holds
  // every file with the reason, and log_existed says whether the log was
  // there (left unchanged) or not (not created).
  bool nothing_to_import = false;
  bool log_existed = false;
  ImportTotals totals;
  std::vector<ImportFileReport> files;
  std::vector<std::string> empty_directories;
  std::vector<ImportProblem> problems;  // the first kImportProblemsKept
  int64_t problems_omitted = 0;         // refused or conflicting rows beyond them
  // The log at the end: its last seq, and its chain head ("" when the log
  // failed: then not known without verifying it).
  uint64_t last_seq = 0;
  std::string head_hex;
  // OK when everything imported is synced and sealed and the log closed;
  // else the log's failure (rows before it are recovered when the log is
  // next opened; running the import again skips those already present).
  Status durable;
  // Set when the log could not even be read after such a failure.
  Status reread;
  double seconds = 0;  // from the first file opened to the end

  // Durable, and no file failed, no row was refused or conflicted, no
  // directory was empty: the exit status 0 of `import`.
  bool clean() const {
    return durable.ok() && !nothing_to_import && totals.files_failed == 0 && totals.conflicts == 0 &&
           totals.refused == 0 && empty_directories.empty();
  }
};

// Imports `paths` (files or directories, see the top of this file) into the
// log in `log_dir` (created if missing, unless there is nothing to import),
// in order. Returns the summary, whose `durable` says whether the log took
// everything; an error Status only when the load could not start: a
// directory that cannot be listed (with the directory as context), or the
// log not opening (with `log_dir` as context: Busy when another writer has
// it, Corruption when it is damaged). Events are delivered before it
// returns, also on those errors (the directories listed so far).
Result<ImportSummary> ImportFiles(const std::string& log_dir, const std::vector<std::string>& paths,
                                  const ImportOptions& options = {});

// The summary as `budget-audit import` prints it on stderr at the end:
// counts, defaults used, extra columns, the log's state. For a summary with
// nothing_to_import: each file's reason and a line saying so.
std::string ImportSummaryText(const ImportSummary& summary);

// The summary as `import --json` prints it: one JSON object (keys sorted,
// ending in '\n') with the totals, "defaults" per field, "extra_columns",
// "file_reports", "problems" (the kept ones), "problems_omitted",
// "last_seq", "head" (null when unknown), "durable" and "error".
std::string ImportSummaryToJson(const ImportSummary& summary);

}  // namespace budget_audit
