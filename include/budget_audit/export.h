// Exporting records: the log's (a LogSnapshot), or the rows of Parquet
// files, as one Parquet, CSV or JSON-lines file, written to a WritableFile
// or to a path. What `budget-audit export` and `cat` write, byte for byte.
//
//   Parquet     the audit schema (docs/format.md §2.6, with `seq`): the
//               Python version's file, which its load() (pandas with
//               pyarrow) reads with the same dtypes. Re-encoded files keep
//               their columns' types, INT96 timestamps becoming INT64
//               (Int96Conversion).
//   CSV         a header line of the column names, then one line per row;
//               strings quoted only where needed; a null is an empty field.
//   JSON lines  one object per row, members in column order; null for a null.
//
// Writing to a path (Export*ToPath) never leaves a partial file under the
// target's name: a regular file (or a new name) is written to
// ".<name>.partial-<pid>" beside it and renamed over it once complete and
// synced, keeping the old file's permission bits; on any failure the
// temporary is removed and the old file is left as it was. A symbolic link
// is followed (the link itself stays); a pipe or device is written in
// place and never removed or truncated; a directory is refused; "-" is
// standard output (CSV and JSON lines only). Errors name the path as
// given: "writing PATH: <reason>".
//
// Lifetimes: the snapshot, the WritableFile and the Env are borrowed for the
// call only (nullptr Env: Env::Default()); nothing is kept after it returns.
//
// Thread safety: the functions hold no state; a LogSnapshot is scanned by
// one thread at a time (log_reader.h), and a WritableFile is written by one.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/status.h"

namespace budget_audit {

enum class ExportFormat { kJsonLines, kCsv, kParquet };

// "parquet", "csv" or "jsonl"; nullopt for anything else.
std::optional<ExportFormat> ExportFormatFromName(std::string_view name);
// From a file name's extension: .parquet; .csv; .jsonl, .json or .ndjson.
// nullopt for another one.
std::optional<ExportFormat> ExportFormatFromPath(std::string_view path);

// How INT96 timestamps (written by Spark, Impala, old pandas) are written
// into a Parquet export, which holds no INT96 (docs/format.md §1.4).
enum class Int96Conversion {
  // INT64 TIMESTAMP(NANOS), or (MICROS) for a column holding a value outside
  // the nanosecond range (years 1677..2262), as Spark reads INT96.
  kNanosUnlessOutOfRange,
  // INT64 TIMESTAMP(MICROS) always.
  kMicros,
};

struct ExportOptions {
  ExportFormat format = ExportFormat::kJsonLines;
  // The columns to write, in this order (empty: all, in schema order). The
  // log's are those of docs/format.md §2.6, `seq` last; an unknown one is
  // NotFound "no column 'NAME' in the audit log" (for files, as the file's
  // schema names it).
  std::vector<std::string> columns;
  // The log only: records with since_us <= timestamp < until_us (UTC
  // microseconds). InvalidArgument for Parquet files.
  std::optional<int64_t> since_us;
  std::optional<int64_t> until_us;
  // Parquet files only: check each page's CRC-32 where the writer stored one.
  bool verify_page_checksums = false;
  // Parquet output from Parquet files only.
  Int96Conversion int96 = Int96Conversion::kNanosUnlessOutOfRange;
};

// Checks `options` for a snapshot export without reading anything (the
// columns exist): the error ExportSnapshot would give before writing.
Status CheckSnapshotExport(const ExportOptions& options);

// Appends the records of `snap` that match `options`, in seq order, with
// `seq`, to `file`, which stays the caller's (not synced or closed here; a
// Parquet file is complete, footer included, when this returns OK). The
// first error of `file` is returned as it gave it; after an error `file`
// holds a partial export.
Status ExportSnapshot(const LogSnapshot& snap, const ExportOptions& options, WritableFile* file);
// The same into `path`, as the header comment says.
Status ExportSnapshotToPath(const LogSnapshot& snap, const ExportOptions& options, const std::string& path);

// The Parquet files of `path`: itself if it is not a directory, else every
// *.parquet below it, skipping names that start with '_' or '.' (as pandas,
// pyarrow, Spark and DuckDB do), sorted by relative path. NotFound "PATH: no
// Parquet files in this directory" when there is none. `env` (nullptr:
// Env::Default()) must outlive the call.
Result<std::vector<std::string>> FindParquetFiles(const std::string& path, Env* env = nullptr);

// The rows of `files`, one after another, re-encoded into `file` (which
// stays the caller's, as above). All files must have the selected columns;
// for Parquet output, with the same types ("FILE: its columns differ from
// the first file's" otherwise); CSV has one header, from the first file.
Status ExportParquetFiles(const std::vector<std::string>& files, const ExportOptions& options,
                          WritableFile* file, Env* env = nullptr);
// The same into `path`.
Status ExportParquetFilesToPath(const std::vector<std::string>& files, const ExportOptions& options,
                                const std::string& path, Env* env = nullptr);

// A WritableFile writing `path` as the functions above do: Append() buffers
// and writes (to the temporary, for a regular file), Close() publishes (the
// rename, then the directory synced); destroyed without a successful
// Close(), it is abandoned: the temporary removed, the target as it was.
// For other writers of whole files (checkpoints, reports) that need the same
// guarantees. The file system is used directly, not an Env.
Result<std::unique_ptr<WritableFile>> NewOutputFile(const std::string& path);

}  // namespace budget_audit
