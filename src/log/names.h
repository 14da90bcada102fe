// Every name the audit log gives a file or directory (docs/format.md §2.1),
// in one place. Every name that is not sealed history starts with "_", and
// none but the sealed month files ends in ".parquet": pandas skips "_"
// names, DuckDB's glob "<log>/*.parquet" does not.
//
//   _lock                 locked by the writer (and <log>/ itself, posix_env.cc)
//   _manifest.json        identity and sealed files (log/manifest.h)
//   _journal/             <first seq, 20 digits>.journal (log/journal.h)
//   _seal_intent          while a seal is being published (§2.5)
//   _closed               the clean-close record (log/layout.h)
//   _cut/                 tails cut after crashes (log/layout.h, CutTailName)
//   _tmp.*                files being written; Env::WriteFileAtomic names
//                         its temporary "_tmp.<name>" too
//   YYYY-MM.parquet       sealed history, by the records' `date`
#pragma once

#include <string>
#include <string_view>

namespace budget_audit::log {

constexpr const char* kLockName = "_lock";
constexpr const char* kManifestName = "_manifest.json";
constexpr const char* kJournalDirName = "_journal";
constexpr const char* kSealIntentName = "_seal_intent";
constexpr const char* kCleanCloseName = "_closed";
constexpr const char* kCutDirName = "_cut";
// Files being written (a month file being sealed, the manifest being
// replaced) are named "_tmp.*"; a writer removes every one when it opens the
// log (only the lock holder writes them).
constexpr const char* kTempPrefix = "_tmp.";

// The month of a record's `date` ("2026-06-01" -> "2026-06"; "unknown" for
// a date too short to have one), and its month file ("2026-06.parquet").
inline std::string_view MonthKey(std::string_view date) {
  return date.size() >= 7 ? date.substr(0, 7) : std::string_view("unknown");
}
inline std::string MonthFileName(std::string_view date) { return std::string(MonthKey(date)) + ".parquet"; }

// The temporary name of `month_file` ("2026-06.parquet") while it is being
// sealed: "_tmp.2026-06.parquet.partial".
inline std::string SealTempName(const std::string& month_file) {
  return std::string(kTempPrefix) + month_file + ".partial";
}

}  // namespace budget_audit::log
