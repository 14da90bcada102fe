// The bulk-load policy of budget_audit/import.h: which files, how the log is
// opened and finished for a bulk load, and the exact counts, over the
// row-level Importer (log/importer.h).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/audit_log.h"
#include "budget_audit/import.h"
#include "budget_audit/log_reader.h"
#include "env/gathering_env.h"
#include "log/importer.h"
#include "log/validate.h"
#include "parquet/dataset.h"
#include "parquet/file_reader.h"

namespace budget_audit {

static_assert(kImportFields == log::kImportFieldCount);
// The log's column names (one table: log/validate.h), in the public order.
const char* const kImportFieldNames[kImportFields] = {
    log::kFields[0].column, log::kFields[1].column, log::kFields[2].column, log::kFields[3].column,
    log::kFields[4].column, log::kFields[5].column, log::kFields[6].column, log::kFields[7].column,
    log::kFields[8].column, log::kFields[9].column, log::kFields[10].column};

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class BulkLoad {
 public:
  BulkLoad(const std::string& dir, const ImportOptions& o)
      : env_(o.env != nullptr ? o.env : Env::Default()), o_(o) {
    sum_.log_dir = dir;
  }

  Result<ImportSummary> Run(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    for (const auto& p : paths) {
      auto is_dir = env_->IsDirectory(p);
      if (is_dir.ok() && *is_dir) {
        const size_t before = files.size();
        BA_RETURN_IF_ERROR(parquet::ListParquetFiles(env_, p, files).WithContext(p));
        if (files.size() == before) {
          sum_.empty_directories.push_back(p);
          ImportEvent e;
          e.kind = ImportEvent::kEmptyDirectory;
          e.path = p;
          Emit(e);
        }
      } else {
        files.push_back(p);  // a missing file is reported when it is opened
      }
    }
    // Rows in all files (footers only), for the progress.
    std::vector<Status> opened(files.size());
    size_t readable = 0;
    for (size_t i = 0; i < files.size(); ++i) {
      auto r = parquet::FileReader::Open(env_, files[i]);
      if (r.ok()) {
        rows_total_ += (*r)->num_rows();
        ++readable;
      } else {
        opened[i] = r.status();
      }
    }
    // Nothing can be imported: each file named with its reason, and no log
    // created for nothing.
    if (readable == 0) {
      sum_.nothing_to_import = true;
      for (size_t i = 0; i < files.size(); ++i) {
        ImportFileReport f;
        f.path = files[i];
        f.status = opened[i];
        sum_.files.push_back(std::move(f));
      }
      auto exists = env_->FileExists(sum_.log_dir);
      sum_.log_existed = exists.ok() && *exists;
      return std::move(sum_);
    }

    BA_RETURN_IF_ERROR(OpenLog());
    const uint64_t start_seq = log_->last_seq();
    log::ImportOptions io;
    io.truncate_sub_micros = o_.truncate_sub_micros;
    // Files are read through the caller's Env; only the log's writes are
    // gathered.
    log::Importer importer(log_.get(), env_, io, [this](const log::ImportEvent& e) { OnRowEvent(e); });
    start_ = Clock::now();
    for (const auto& f : files) {
      log::FileReport rep = importer.ImportFile(f);
      if (!rep.status.ok()) {
        ImportEvent e;
        e.kind = ImportEvent::kFileFailed;
        e.path = f;
        e.message = rep.status.message();
        Emit(e);
      }
      sum_.files.push_back(FileReportOf(std::move(rep)));
      if (!importer.log_status().ok()) break;
    }
    if (importer.log_status().ok()) {
      ImportEvent e;
      e.kind = ImportEvent::kFinishing;
      e.rows_done = rows_done_;
      e.rows_total = rows_total_;
      e.seconds = SecondsSince(start_);
      Emit(e);
    }
    // Everything imported durable and sealed before the summary says so.
    Status durable = importer.log_status();
    if (durable.ok()) durable = log_->Sync();
    if (durable.ok()) durable = log_->Seal();
    if (durable.ok()) durable = log_->Close();
    TotalsOf(importer.stats());
    sum_.last_seq = log_->last_seq();
    sum_.head_hex = log_->head_hex();
    if (!durable.ok()) {
      // The records appended since the last sync may be gone with the
      // failure: count what the log holds now (what the next writer keeps).
      log_.reset();
      auto snap = LogSnapshot::Open(sum_.log_dir, env_);
      if (snap.ok()) {
        sum_.last_seq = (*snap)->last_seq();
        sum_.head_hex.clear();  // not known without verifying; `verify` tells
        const int64_t logged = static_cast<int64_t>(sum_.last_seq - start_seq);
        if (logged < sum_.totals.appended) {
          sum_.totals.not_logged = sum_.totals.appended - logged;
          sum_.totals.appended = logged;
        }
      } else {
        sum_.reread = snap.status();
      }
    }
    sum_.durable = durable;
    sum_.seconds = SecondsSince(start_);
    return std::move(sum_);
  }

 private:
  Status OpenLog() {
    // Small writes (the month files' pages) gathered into large ones
    // (nothing is synced before the end anyway).
    log_env_ = NewAppendGatheringEnv(env_);
    AuditLogOptions ao;
    ao.env = log_env_.get();
    ao.sync = SyncMode::kNone;             // synced once at the end
    ao.seal_policy = SealPolicy::kManual;  // the importer seals whole months, several at once
    // The input files stay where they are: rows wait in memory for their
    // seal, which runs on the log's seal thread while the next rows are
    // appended, and never go through the journal (a killed import is run
    // again; the rows it sealed are recognised as already there).
    ao.journal = false;
    // ...each month file on its own core (the reading thread waits meanwhile).
    ao.seal_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
    ao.timezone = o_.timezone;
    ao.holder_info =
        o_.holder_info.empty() ? fmt::format("budget-audit import (pid {})", ::getpid()) : o_.holder_info;
    auto opened = AuditLog::Open(sum_.log_dir, ao);
    if (!opened.ok()) return opened.status().WithContext(sum_.log_dir);
    log_ = std::move(*opened);
    return Status::OK();
  }

  void Emit(const ImportEvent& e) {
    if (o_.on_event) o_.on_event(e);
  }

  void Keep(const std::string& file, int64_t row, ImportProblem::Kind kind, std::optional<uint64_t> seq,
            const std::string& message) {
    if (sum_.problems.size() >= kImportProblemsKept) {
      ++sum_.problems_omitted;
      return;
    }
    sum_.problems.push_back(ImportProblem{file, row, kind, seq, message});
  }

  void OnRowEvent(const log::ImportEvent& in) {
    ImportEvent e;
    e.path = *in.path;
    switch (in.kind) {
      case log::ImportEvent::kFileOpened:
        e.kind = ImportEvent::kFileOpened;
        e.notes = &in.reader->notes();
        e.missing_columns = &in.reader->missing_columns();
        e.extra_columns = &in.reader->extra_columns();
        break;
      case log::ImportEvent::kRefused:
        e.kind = ImportEvent::kRefused;
        e.row = in.row;
        e.message = *in.message;
        Keep(*in.path, in.row, ImportProblem::kRefused, std::nullopt, *in.message);
        break;
      case log::ImportEvent::kConflict:
        e.kind = ImportEvent::kConflict;
        e.row = in.row;
        e.existing_seq = in.existing_seq;
        e.message = *in.message;
        Keep(*in.path, in.row, ImportProblem::kConflict, in.existing_seq, *in.message);
        break;
      case log::ImportEvent::kProgress:
        e.kind = ImportEvent::kProgress;
        rows_done_ = in.rows_done;
        e.rows_done = in.rows_done;
        e.rows_total = rows_total_;
        e.seconds = SecondsSince(start_);
        break;
    }
    Emit(e);
  }

  static ImportFileReport FileReportOf(log::FileReport r) {
    ImportFileReport f;
    f.path = std::move(r.path);
    f.rows = r.rows;
    f.rows_read = r.read.rows_read;
    f.appended = r.appended;
    f.already_present = r.already_present;
    f.conflicts = r.conflicts;
    f.refused = r.read.refused;
    f.missing_columns = std::move(r.missing_columns);
    f.extra_columns = std::move(r.extra_columns);
    f.notes = std::move(r.notes);
    f.status = std::move(r.status);
    return f;
  }

  void TotalsOf(const log::ImportStats& st) {
    ImportTotals& t = sum_.totals;
    t.files = st.files;
    t.files_failed = st.files_failed;
    t.rows_read = st.rows_read;
    t.appended = st.appended;
    t.already_present = st.already_present;
    t.conflicts = st.conflicts;
    t.refused = st.refused;
    t.truncated_timestamps = st.truncated_timestamps;
    t.missing = st.missing;
    t.nulls = st.nulls;
    t.extra_columns = st.extra_columns;
  }

  Env* env_;
  const ImportOptions& o_;
  ImportSummary sum_;
  std::unique_ptr<Env> log_env_;  // outlives log_
  std::unique_ptr<AuditLog> log_;
  int64_t rows_total_ = 0;
  int64_t rows_done_ = 0;
  Clock::time_point start_ = Clock::now();
};

std::string Join(const std::vector<std::string>& names, bool skip_date) {
  std::string out;
  for (const auto& n : names) {
    if (skip_date && n == "date") continue;  // a note says how it is derived
    out += (out.empty() ? "" : ", ") + n;
  }
  return out;
}

}  // namespace

Result<ImportSummary> ImportFiles(const std::string& log_dir, const std::vector<std::string>& paths,
                                  const ImportOptions& options) {
  return BulkLoad(log_dir, options).Run(paths);
}

std::string ImportEventText(const ImportEvent& e) {
  switch (e.kind) {
    case ImportEvent::kEmptyDirectory: return fmt::format("{}: no Parquet files in this directory\n", e.path);
    case ImportEvent::kFileOpened: {
      std::string out;
      if (e.notes) {
        for (const auto& note : *e.notes) out += fmt::format("{}: {}\n", e.path, note);
      }
      if (e.missing_columns) {
        if (std::string missing = Join(*e.missing_columns, true); !missing.empty()) {
          out += fmt::format("{}: no column {}: the Python version's defaults are used\n", e.path, missing);
        }
      }
      if (e.extra_columns && !e.extra_columns->empty()) {
        out += fmt::format("{}: extra columns ignored: {}\n", e.path, Join(*e.extra_columns, false));
      }
      return out;
    }
    case ImportEvent::kRefused: return fmt::format("{}: row {}: {}\n", e.path, e.row, e.message);
    case ImportEvent::kConflict:
      if (e.existing_seq) {
        return fmt::format(
            "{}: row {}: conflict: a different record with this timestamp is already logged as "
            "seq {}\n",
            e.path, e.row, *e.existing_seq);
      }
      return fmt::format("{}: row {}: conflict: {}\n", e.path, e.row, e.message);
    case ImportEvent::kFileFailed: return fmt::format("{}\n", e.message);
    case ImportEvent::kProgress:
    case ImportEvent::kFinishing: return "";
  }
  return "";
}

std::string ImportSummaryText(const ImportSummary& s) {
  if (s.nothing_to_import) {
    std::string out;
    for (const auto& f : s.files) out += fmt::format("{}\n", f.status.message());
    out += fmt::format("import: nothing to import; the log {} was {}\n", s.log_dir,
                       s.log_existed ? "left unchanged" : "not created");
    return out;
  }
  const ImportTotals& st = s.totals;
  std::string out;
  if (!s.reread.ok()) {
    out += fmt::format("import: the log cannot be read after the failure: {}\n", s.reread.message());
  }
  out += fmt::format("import: {} file{} ({} failed), {} rows read in {:.2f} s\n", st.files,
                     st.files == 1 ? "" : "s", st.files_failed, st.rows_read, s.seconds);
  out += fmt::format("  appended         {:>12}\n", st.appended);
  if (st.not_logged > 0) {
    out += fmt::format("  not logged       {:>12}  (appended, then lost with the failure below)\n",
                       st.not_logged);
  }
  out += fmt::format("  already present  {:>12}\n", st.already_present);
  out += fmt::format("  conflicts        {:>12}\n", st.conflicts);
  out += fmt::format("  refused          {:>12}\n", st.refused);
  if (st.truncated_timestamps > 0) {
    out += fmt::format("  timestamps floored to the microsecond: {}\n", st.truncated_timestamps);
  }
  // Field 0 (timestamp) never takes a default: a row without one is refused.
  std::string defaults;
  for (size_t f = 1; f < kImportFields; ++f) {
    if (st.missing[f] == 0 && st.nulls[f] == 0) continue;
    std::string why;
    if (st.missing[f] > 0) why += fmt::format("{} no column", st.missing[f]);
    if (st.nulls[f] > 0) why += fmt::format("{}{} null", why.empty() ? "" : ", ", st.nulls[f]);
    defaults +=
        fmt::format("\n    {:<21} {:>12}  ({})", kImportFieldNames[f], st.missing[f] + st.nulls[f], why);
  }
  if (!defaults.empty()) {
    out += "  defaults used (date: the timestamp's UTC date):" + defaults + "\n";
  }
  if (!st.extra_columns.empty()) {
    std::string extra;
    for (const auto& [name, n] : st.extra_columns) {
      extra += fmt::format("{}{} ({} file{})", extra.empty() ? "" : ", ", name, n, n == 1 ? "" : "s");
    }
    out += "  extra columns ignored: " + extra + "\n";
  }
  if (s.durable.ok()) {
    out += fmt::format("  log {}: {} records, synced and sealed\n", s.log_dir, s.last_seq);
  } else {
    out += fmt::format(
        "  log {}: NOT complete: {}\n  (records appended before the failure are recovered "
        "when the log is next opened; re-running the import skips rows already present)\n",
        s.log_dir, s.durable.message());
  }
  return out;
}

std::string ImportSummaryToJson(const ImportSummary& s) {
  using Json = nlohmann::json;  // keys sorted, as `import --json` always printed them
  const ImportTotals& st = s.totals;
  Json j;
  j["files"] = st.files;
  j["files_failed"] = st.files_failed;
  j["rows_read"] = st.rows_read;
  j["appended"] = st.appended;
  j["not_logged"] = st.not_logged;
  j["already_present"] = st.already_present;
  j["conflicts"] = st.conflicts;
  j["refused"] = st.refused;
  j["truncated_timestamps"] = st.truncated_timestamps;
  Json defaults = Json::object();
  for (size_t f = 1; f < kImportFields; ++f) {
    defaults[kImportFieldNames[f]] = {{"missing_column", st.missing[f]}, {"null", st.nulls[f]}};
  }
  j["defaults"] = defaults;
  j["extra_columns"] = Json::object();
  for (const auto& [name, n] : st.extra_columns) j["extra_columns"][name] = n;
  Json files = Json::array();
  for (const auto& r : s.files) {
    Json f = {{"path", r.path},
              {"rows", r.rows},
              {"rows_read", r.rows_read},
              {"appended", r.appended},
              {"already_present", r.already_present},
              {"conflicts", r.conflicts},
              {"refused", r.refused},
              {"missing_columns", r.missing_columns},
              {"extra_columns", r.extra_columns},
              {"notes", r.notes}};
    f["error"] = r.status.ok() ? Json(nullptr) : Json(r.status.message());
    files.push_back(std::move(f));
  }
  j["file_reports"] = std::move(files);
  Json problems = Json::array();
  for (const auto& p : s.problems) {
    Json q = {{"file", p.file},
              {"row", p.row},
              {"kind", p.kind == ImportProblem::kRefused ? "refused" : "conflict"},
              {"message", p.message}};
    q["existing_seq"] = p.existing_seq ? Json(*p.existing_seq) : Json(nullptr);
    problems.push_back(std::move(q));
  }
  j["problems"] = std::move(problems);
  j["problems_omitted"] = s.problems_omitted;
  j["last_seq"] = s.last_seq;
  j["head"] = s.head_hex.empty() ? Json(nullptr) : Json(s.head_hex);
  j["durable"] = s.durable.ok();
  j["error"] = s.durable.ok() ? Json(nullptr) : Json(s.durable.message());
  // A path or message that is not UTF-8 is replaced, never thrown.
  return j.dump(-1, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace budget_audit
