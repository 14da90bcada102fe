// Importing audit rows from Parquet files: logs written by the Python
// version (pandas + pyarrow), by DuckDB, or by anything else with its
// columns.
//
// ImportReader turns the rows of one flat Parquet file into SlotRecords, in
// file order, one row group at a time (decoded columns of one row group and
// one batch of records in memory, never the whole file).
//
// Columns are matched by name (exact, case-sensitive) to the Python
// version's 11 columns. A missing column gives every row the Python
// version's default for that field (log_slot() in budget_audit.py), and so
// does a null value; both are counted per field. Other columns (our own
// `seq`, pandas' `__index_level_0__`, nested columns, ...) are listed in
// extra_columns() and ignored, except that a file missing a field's column
// but holding a near miss of it (energy_cost_kw; Timestamp; the tick
// attribute's name, plan_offset_deg) is refused with a did-you-mean
// (InvalidArgument), so that the field never silently takes its default.
// Every row then passes ValidateRecord (log/validate.h, docs/validation.md):
// NaN and infinities, strings that are not UTF-8 or longer than 4096 bytes,
// timestamps outside the years 0001..9999 refuse the row.
//
// Accepted types per field (anything else refuses the whole file before a
// row is read, naming the column and its type):
//   timestamp     INT64 TIMESTAMP(MILLIS|MICROS|NANOS), UTC-adjusted or not
//                 (pandas writes naive datetimes with isAdjustedToUTC=false:
//                 they are read as UTC), ConvertedType TIMESTAMP_MILLIS/
//                 MICROS, INT96 (Impala/Spark: Julian day + nanos of day,
//                 combined as Spark does, in int64 with wrap-around).
//                 DuckDB's TIMESTAMP WITH TIME ZONE is INT64 TIMESTAMP(MICROS,
//                 UTC). Required: a file without it is refused (the log tells
//                 a re-import from a new tick by the timestamp); a row whose
//                 timestamp is null is refused.
//   date          STRING "YYYY-MM-DD" or DATE (INT32 days). Missing or null:
//                 the timestamp's calendar date in UTC. (The Python version
//                 took the date in the timestamp's own UTC offset; pandas and
//                 DuckDB store the instant in UTC and the offset is gone.) A
//                 date that is not YYYY-MM-DD, or is more than a day away from
//                 the timestamp's UTC date (no UTC offset, -12:00..+14:00,
//                 gives it), refuses the row.
//   slot_index    INT32 / INT64 (any width, signed or unsigned; a value beyond
//                 int64 refuses the row), FLOAT / DOUBLE / DECIMAL holding a
//                 whole number (pandas turns an int column with gaps into
//                 float64). Default -1.
//   five doubles  DOUBLE, FLOAT (widened exactly), any integer (converted),
//                 DECIMAL (nearest double). NaN and infinities refuse the
//                 row. Default 0.0.
//   gate_passed   BOOLEAN. Default false.
//   source,       STRING / ENUM / JSON or unannotated BYTE_ARRAY holding
//   stage_id      UTF-8 (invalid UTF-8 refuses the row). Defaults "" and
//                 "unknown".
// A column of Arrow's null type (LogicalType UNKNOWN: every value null)
// matches any field but timestamp.
//
// The log stores microseconds. A timestamp with a sub-microsecond part
// (possible with NANOS and INT96; never in a real Python log, whose
// datetimes have microseconds) refuses the row, unless
// ImportOptions::truncate_sub_micros, which floors it (toward -infinity) to
// the microsecond and counts it.
//
// Importer appends the rows of whole files to an AuditLog, counting what
// happened to each row: appended, already present (the same timestamp and
// content: Append's retry detection, which makes a re-import add nothing),
// conflict (the same timestamp, other content), refused while reading.
// It seals itself: before its first row (AuditLog::Seal(), in its own
// thread), and before the first row of a later month than any before once
// kSealBatchRows rows have come since the last seal (AuditLog::RequestSeal():
// the log's seal thread writes those months while the import goes on
// appending; the caller seals the rest at the end, and a failed background
// seal stops the import at the next seal point). With the log
// opened with SealPolicy::kManual (as `import` does) every seal then writes
// whole months, each month file once, and one manifest commit serves
// several months (each seal costs about ten fsyncs). With kMonthly the log
// also seals at each month change by itself. Sealed in whole months, the
// journal files hold only unsealed records and go at each seal; a power cut
// during an import leaves a torn tail that Open cuts, and running the
// import again completes it.
//
// The bulk load around it (which files, how the log is opened, synced and
// sealed, the counts after a failure) is the public ImportFiles()
// (budget_audit/import.h, log/bulk_load.cc).
//
// Rows are numbered from 1 in file order in every message (pandas:
// df.iloc[row - 1]).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "budget_audit/audit_log.h"
#include "budget_audit/env.h"
#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"
#include "log/validate.h"
#include "parquet/file_reader.h"

namespace budget_audit::log {

// The 11 fields of SlotRecord, as the audit schema has them
// (log/audit_schema.h: kFields, indexed by Field).
inline constexpr size_t kImportFieldCount = kFieldCount;

struct ImportOptions {
  // Floor timestamps with a sub-microsecond part instead of refusing the row.
  bool truncate_sub_micros = false;
  // Rows per batch handed out by ImportReader::Next.
  size_t batch_rows = 65536;
  parquet::ReadOptions read;
};

// A row refused while reading (or by the log); `row` counts from 1.
struct RowProblem {
  int64_t row = 0;
  std::string message;  // "field: problem"
};

// Rows of one batch, in file order. records[i] is file row rows[i]; refused
// rows are in `problems` instead (also in row order).
struct ImportBatch {
  std::vector<int64_t> rows;
  std::vector<SlotRecord> records;
  std::vector<RowProblem> problems;
};

// What reading one file found, per field.
struct ReadCounts {
  int64_t rows_read = 0;             // rows handed out (records + problems)
  int64_t refused = 0;               // rows refused while reading
  int64_t truncated_timestamps = 0;  // sub-microsecond parts floored
  // Per field, records (not refused rows) that got the default because the
  // file has no such column, or because the value was null.
  std::array<int64_t, kImportFieldCount> missing{};
  std::array<int64_t, kImportFieldCount> nulls{};
};

class ImportReader {
 public:
  // Opens `path` (through `env`, which must outlive the reader) and maps its
  // columns. NotSupported (naming the file and column) when a column has a
  // type its field cannot take, or the file has no timestamp column.
  static Result<std::unique_ptr<ImportReader>> Open(Env* env, const std::string& path,
                                                    const ImportOptions& options = {});
  // The same over an already open file.
  static Result<std::unique_ptr<ImportReader>> Open(std::unique_ptr<parquet::FileReader> file,
                                                    const ImportOptions& options = {});
  ~ImportReader();

  const std::string& path() const;
  int64_t num_rows() const;
  // Fields the file has no column for (in field order).
  const std::vector<std::string>& missing_columns() const { return missing_; }
  // Top-level columns ignored (in file order).
  const std::vector<std::string>& extra_columns() const { return extra_; }
  // Human-readable remarks about how columns are read (e.g. a naive
  // timestamp read as UTC), one per line, without the file name.
  const std::vector<std::string>& notes() const { return notes_; }

  // Fills `batch` with the next rows (at most batch_rows, never across a row
  // group); false at the end of the file. An error (a damaged row group)
  // names the file, the row group and its rows; the reader is then done.
  Result<bool> Next(ImportBatch& batch);

  const ReadCounts& counts() const { return counts_; }

  struct Field;  // how one field is read (importer.cc)

 private:
  ImportReader();
  Status Init();
  Status ConvertRows(size_t begin, size_t end, ImportBatch& batch);

  std::unique_ptr<parquet::FileReader> file_;
  ImportOptions options_;
  std::vector<Field> fields_;         // kImportFieldCount
  std::vector<size_t> read_columns_;  // file leaves to decode
  std::vector<std::string> missing_, extra_, notes_;
  std::vector<parquet::ColumnVector> decoded_;  // of the current row group
  int group_ = -1;
  size_t group_rows_ = 0, group_pos_ = 0;
  int64_t group_first_row_ = 0;  // 0-based file row of the group's first row
  bool done_ = false;
  ReadCounts counts_;
  // Scratch, reused across batches.
  std::vector<int32_t> problem_of_;
  std::vector<uint16_t> defaulted_;  // per row: bits of fields given a default for a null
  std::vector<RowProblem> scratch_problems_;
  std::vector<SlotRecord> scratch_;
  int64_t cached_day_ = INT64_MIN;
  std::string cached_date_;
};

// Totals over every file an Importer saw.
struct ImportStats {
  int64_t files = 0;         // files tried (each counted once)
  int64_t files_failed = 0;  // of which could not be read, or only partly
  int64_t rows_read = 0;
  int64_t appended = 0;
  int64_t already_present = 0;  // the same timestamp and content already logged
  int64_t conflicts = 0;        // the same timestamp, other content
  int64_t refused = 0;          // rows refused while reading
  int64_t truncated_timestamps = 0;
  std::array<int64_t, kImportFieldCount> missing{};
  std::array<int64_t, kImportFieldCount> nulls{};
  std::map<std::string, int64_t> extra_columns;  // name -> number of files
};

// One file's outcome.
struct FileReport {
  std::string path;
  int64_t rows = 0;  // rows in the file (footer)
  ReadCounts read;
  int64_t appended = 0, already_present = 0, conflicts = 0;
  std::vector<std::string> missing_columns, extra_columns, notes;
  Status status;  // the file-level error, if any
};

// What Importer reports as it goes.
struct ImportEvent {
  enum Kind { kFileOpened, kRefused, kConflict, kProgress };
  Kind kind = kProgress;
  const std::string* path = nullptr;
  const ImportReader* reader = nullptr;  // kFileOpened
  int64_t row = 0;                       // kRefused, kConflict
  std::optional<uint64_t> existing_seq;  // kConflict
  const std::string* message = nullptr;  // kRefused, kConflict
  int64_t rows_done = 0;                 // kProgress: rows of this run so far
};

class Importer {
 public:
  // `log` and `env` must outlive the importer. `on_event` (may be empty) is
  // called for each opened file, each refused or conflicting row, and every
  // few thousand rows (kProgress).
  Importer(AuditLog* log, Env* env, ImportOptions options,
           std::function<void(const ImportEvent&)> on_event = {});

  // Imports every row of `path` in file order. Returns the file's report;
  // its status is not OK when the file could not be opened or read to its
  // end (rows before the damage are imported). log_status() tells whether
  // the log itself failed (then nothing more can be appended).
  FileReport ImportFile(const std::string& path);

  const Status& log_status() const { return log_status_; }
  const ImportStats& stats() const { return stats_; }

 private:
  AuditLog* log_;
  Env* env_;
  ImportOptions options_;
  std::function<void(const ImportEvent&)> on_event_;
  Status log_status_;
  ImportStats stats_;
  int64_t rows_done_ = 0;
  bool sealed_once_ = false;
  // Rows appended since the last Seal(); sealing waits for a month boundary
  // after this many, so a seal writes several whole months (their files
  // once each) with one manifest commit, and the records held unsealed stay
  // bounded (about 60 MiB).
  static constexpr uint64_t kSealBatchRows = 1 << 18;
  uint64_t rows_since_seal_ = 0;
  std::string max_month_;  // "YYYY-MM" of the latest date appended
};

}  // namespace budget_audit::log
