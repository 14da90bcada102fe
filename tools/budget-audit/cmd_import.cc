// `budget-audit import FILE...`: appends the rows of Parquet files written
// by the Python version (pandas + pyarrow), by DuckDB, or by anything with
// its columns, to the log, in file order. Rows already in the log (same
// timestamp and content) are skipped, so importing a file twice adds
// nothing. Column mapping, types and defaults: src/log/importer.h.
//
// The log is opened for a bulk load (no sync per record, month files sealed
// once each); everything imported is synced and sealed before the summary
// says so. Progress on a terminal; a summary of counts on stderr at the end
// (and with --json a machine-readable one on stdout).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/audit_log.h"
#include "budget_audit/log_reader.h"
#include "cli.h"
#include "env/gathering_env.h"
#include "log/importer.h"
#include "parquet/file_reader.h"

namespace budget_audit::cli {
namespace {

using log::kImportFieldCount;
using log::kImportFieldNames;

struct ImportCmdOptions {
  std::vector<std::string> paths;
  bool json = false;
  bool truncate_nanos = false;
};

constexpr size_t kJsonProblemsKept = 100;

bool HasSuffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Every *.parquet below `dir` in name order, skipping names starting with
// '_' or '.' (as pandas, pyarrow, Spark and DuckDB do).
Status ListParquetFiles(Env* env, const std::string& dir, std::vector<std::string>& out) {
  BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(dir));
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (name.empty() || name[0] == '_' || name[0] == '.') continue;
    std::string full = JoinPath(dir, name);
    BA_ASSIGN_OR_RETURN(bool is_dir, env->IsDirectory(full));
    if (is_dir) {
      BA_RETURN_IF_ERROR(ListParquetFiles(env, full, out));
    } else if (HasSuffix(name, ".parquet")) {
      out.push_back(full);
    }
  }
  return Status::OK();
}

std::string Count(int64_t n) { return fmt::format("{}", n); }

// "1.23M" style for the progress line.
std::string Short(double n) {
  if (n >= 1e6) return fmt::format("{:.2f}M", n / 1e6);
  if (n >= 1e4) return fmt::format("{:.1f}k", n / 1e3);
  return fmt::format("{:.0f}", n);
}

class ImportCommand {
 public:
  ImportCommand(Context& ctx, const ImportCmdOptions& o) : ctx_(ctx), opts_(o) {}

  int Run() {
    progress_ = ::isatty(STDERR_FILENO) == 1;
    std::vector<std::string> files;
    for (const auto& p : opts_.paths) {
      auto is_dir = ctx_.env->IsDirectory(p);
      if (is_dir.ok() && *is_dir) {
        size_t before = files.size();
        Status s = ListParquetFiles(ctx_.env, p, files);
        if (!s.ok()) return ReportError(s.WithContext(p));
        if (files.size() == before) {
          Message(fmt::format("{}: no Parquet files in this directory", p));
          ++empty_dirs_;
        }
      } else {
        files.push_back(p);  // a missing file is reported when it is opened
      }
    }
    // Rows in all files (footers only), for the percentage.
    size_t readable = 0;
    for (const auto& f : files) {
      auto r = parquet::FileReader::Open(ctx_.env, f);
      if (r.ok()) {
        total_rows_ += (*r)->num_rows();
        ++readable;
      }
    }
    // Nothing can be imported (every file missing or unreadable, or only
    // empty directories): each named, and no log created for nothing.
    if (readable == 0) {
      for (const auto& f : files) {
        auto r = parquet::FileReader::Open(ctx_.env, f);
        Message(r.status().message());
      }
      auto exists = ctx_.env->FileExists(ctx_.LogDir());
      Message(fmt::format("import: nothing to import; the log {} was {}", ctx_.LogDir(),
                          exists.ok() && *exists ? "left unchanged" : "not created"));
      return kExitProblem;
    }

    // The journal's one small write per record gathered into large ones
    // (nothing is synced before the end anyway).
    log_env_ = NewAppendGatheringEnv(ctx_.env);
    AuditLogOptions ao;
    ao.env = log_env_.get();
    ao.sync = SyncMode::kNone;              // synced once at the end
    ao.seal_policy = SealPolicy::kManual;  // the importer seals whole months, several at once
    // ...each month file on its own core (the reader's thread waits meanwhile).
    ao.seal_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4);
    ao.holder_info = fmt::format("budget-audit import (pid {})", ::getpid());
    const std::string dir = ctx_.LogDir();
    auto opened = AuditLog::Open(dir, ao);
    if (!opened.ok()) return ReportError(opened.status().WithContext(dir));
    log_ = std::move(*opened);
    const uint64_t start_seq = log_->last_seq();

    log::ImportOptions io;
    io.truncate_sub_micros = opts_.truncate_nanos;
    log::Importer importer(log_.get(), ctx_.env, io,
                           [this](const log::ImportEvent& e) { OnEvent(e); });
    start_ = std::chrono::steady_clock::now();
    for (const auto& f : files) {
      log::FileReport rep = importer.ImportFile(f);
      if (!rep.status.ok()) Message(rep.status.message());
      reports_.push_back(std::move(rep));
      if (!importer.log_status().ok()) break;
    }
    if (progress_ && importer.log_status().ok()) {
      ClearProgress();
      std::fputs("import: syncing and sealing...", stderr);
      progress_shown_ = true;
    }
    Status durable = importer.log_status();
    if (durable.ok()) durable = log_->Sync();
    if (durable.ok()) durable = log_->Seal();
    if (durable.ok()) durable = log_->Close();
    ClearProgress();
    log::ImportStats st = importer.stats();
    final_seq_ = log_->last_seq();
    final_head_ = log_->head_hex();
    if (!durable.ok()) {
      // The records appended since the last sync may be gone with the
      // failure: count what the log holds now (what the next writer keeps).
      log_.reset();
      auto snap = LogSnapshot::Open(dir, ctx_.env);
      if (snap.ok()) {
        final_seq_ = (*snap)->last_seq();
        final_head_.clear();  // not known without verifying; `verify` tells
        const int64_t logged = static_cast<int64_t>(final_seq_ - start_seq);
        if (logged < st.appended) {
          not_logged_ = st.appended - logged;
          st.appended = logged;
        }
      } else {
        Message(fmt::format("import: the log cannot be read after the failure: {}", snap.status().message()));
      }
    }
    PrintSummary(st, durable);
    if (opts_.json) PrintJson(st, durable);
    bool problems = st.files_failed > 0 || st.conflicts > 0 || st.refused > 0 || empty_dirs_ > 0;
    return durable.ok() && !problems ? kExitOk : kExitProblem;
  }

 private:
  // A line on stderr (clearing the progress line first).
  void Message(const std::string& text) {
    ClearProgress();
    std::fprintf(stderr, "%s\n", text.c_str());
  }

  void ClearProgress() {
    if (progress_shown_) {
      std::fputs("\r\033[K", stderr);
      progress_shown_ = false;
    }
  }

  void OnEvent(const log::ImportEvent& e) {
    const std::string& path = *e.path;
    switch (e.kind) {
      case log::ImportEvent::kFileOpened: {
        for (const auto& note : e.reader->notes()) Message(fmt::format("{}: {}", path, note));
        std::string missing;
        for (const auto& m : e.reader->missing_columns()) {
          if (m == "date") continue;  // said by a note
          missing += (missing.empty() ? "" : ", ") + m;
        }
        if (!missing.empty()) {
          Message(fmt::format("{}: no column {}: the Python version's defaults are used", path,
                              missing));
        }
        if (!e.reader->extra_columns().empty()) {
          std::string extra;
          for (const auto& x : e.reader->extra_columns()) extra += (extra.empty() ? "" : ", ") + x;
          Message(fmt::format("{}: extra columns ignored: {}", path, extra));
        }
        break;
      }
      case log::ImportEvent::kRefused:
        Message(fmt::format("{}: row {}: {}", path, e.row, *e.message));
        Keep(path, e.row, "refused", std::nullopt, *e.message);
        break;
      case log::ImportEvent::kConflict:
        if (e.existing_seq) {
          Message(
              fmt::format("{}: row {}: conflict: a different record with this timestamp is "
                          "already logged as seq {}",
                          path, e.row, *e.existing_seq));
        } else {
          Message(fmt::format("{}: row {}: conflict: {}", path, e.row, *e.message));
        }
        Keep(path, e.row, "conflict", e.existing_seq, *e.message);
        break;
      case log::ImportEvent::kProgress:
        ShowProgress(e.rows_done);
        break;
    }
  }

  void Keep(const std::string& path, int64_t row, const char* kind, std::optional<uint64_t> seq,
            const std::string& message) {
    if (!opts_.json) return;
    if (problems_.size() >= kJsonProblemsKept) {
      ++problems_omitted_;
      return;
    }
    nlohmann::json p = {{"file", path}, {"row", row}, {"kind", kind}, {"message", message}};
    p["existing_seq"] = seq ? nlohmann::json(*seq) : nlohmann::json(nullptr);
    problems_.push_back(std::move(p));
  }

  void ShowProgress(int64_t rows_done) {
    if (!progress_) return;
    auto now = std::chrono::steady_clock::now();
    if (progress_shown_ && now - last_progress_ < std::chrono::milliseconds(100)) return;
    last_progress_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    std::string pct = total_rows_ > 0
                          ? fmt::format(" ({:.0f}%)", 100.0 * static_cast<double>(rows_done) /
                                                          static_cast<double>(total_rows_))
                          : "";
    std::fprintf(stderr, "\rimport: %s of %s rows%s, %s records/s\033[K",
                 Short(static_cast<double>(rows_done)).c_str(),
                 Short(static_cast<double>(total_rows_)).c_str(), pct.c_str(),
                 Short(secs > 0 ? static_cast<double>(rows_done) / secs : 0).c_str());
    progress_shown_ = true;
  }

  void PrintSummary(const log::ImportStats& st, const Status& durable) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    std::string out = fmt::format(
        "import: {} file{} ({} failed), {} rows read in {:.2f} s\n", st.files,
        st.files == 1 ? "" : "s", st.files_failed, st.rows_read, secs);
    out += fmt::format("  appended         {:>12}\n", Count(st.appended));
    if (not_logged_ > 0) {
      out += fmt::format("  not logged       {:>12}  (appended, then lost with the failure below)\n",
                         Count(not_logged_));
    }
    out += fmt::format("  already present  {:>12}\n", Count(st.already_present));
    out += fmt::format("  conflicts        {:>12}\n", Count(st.conflicts));
    out += fmt::format("  refused          {:>12}\n", Count(st.refused));
    if (st.truncated_timestamps > 0) {
      out += fmt::format("  timestamps floored to the microsecond: {}\n", st.truncated_timestamps);
    }
    std::string defaults;
    for (size_t f = 1; f < kImportFieldCount; ++f) {
      if (st.missing[f] == 0 && st.nulls[f] == 0) continue;
      std::string why;
      if (st.missing[f] > 0) why += fmt::format("{} no column", st.missing[f]);
      if (st.nulls[f] > 0) why += fmt::format("{}{} null", why.empty() ? "" : ", ", st.nulls[f]);
      defaults += fmt::format("\n    {:<21} {:>12}  ({})", kImportFieldNames[f],
                              st.missing[f] + st.nulls[f], why);
    }
    if (!defaults.empty()) {
      out += "  defaults used (date: the timestamp's UTC date):" + defaults + "\n";
    }
    if (!st.extra_columns.empty()) {
      std::string extra;
      for (const auto& [name, n] : st.extra_columns) {
        extra +=
            fmt::format("{}{} ({} file{})", extra.empty() ? "" : ", ", name, n, n == 1 ? "" : "s");
      }
      out += "  extra columns ignored: " + extra + "\n";
    }
    if (durable.ok()) {
      out +=
          fmt::format("  log {}: {} records, synced and sealed\n", ctx_.LogDir(), final_seq_);
    } else {
      out += fmt::format(
          "  log {}: NOT complete: {}\n  (records appended before the failure are recovered "
          "when the log is next opened; re-running the import skips rows already present)\n",
          ctx_.LogDir(), durable.message());
    }
    std::fputs(out.c_str(), stderr);
  }

  void PrintJson(const log::ImportStats& st, const Status& durable) {
    nlohmann::json j;
    j["files"] = st.files;
    j["files_failed"] = st.files_failed;
    j["rows_read"] = st.rows_read;
    j["appended"] = st.appended;
    j["not_logged"] = not_logged_;
    j["already_present"] = st.already_present;
    j["conflicts"] = st.conflicts;
    j["refused"] = st.refused;
    j["truncated_timestamps"] = st.truncated_timestamps;
    nlohmann::json defaults = nlohmann::json::object();
    for (size_t f = 1; f < kImportFieldCount; ++f) {
      defaults[kImportFieldNames[f]] = {{"missing_column", st.missing[f]}, {"null", st.nulls[f]}};
    }
    j["defaults"] = defaults;
    j["extra_columns"] = nlohmann::json::object();
    for (const auto& [name, n] : st.extra_columns) j["extra_columns"][name] = n;
    nlohmann::json files = nlohmann::json::array();
    for (const auto& r : reports_) {
      nlohmann::json f = {{"path", r.path},
                          {"rows", r.rows},
                          {"rows_read", r.read.rows_read},
                          {"appended", r.appended},
                          {"already_present", r.already_present},
                          {"conflicts", r.conflicts},
                          {"refused", r.read.refused},
                          {"missing_columns", r.missing_columns},
                          {"extra_columns", r.extra_columns},
                          {"notes", r.notes}};
      f["error"] = r.status.ok() ? nlohmann::json(nullptr) : nlohmann::json(r.status.message());
      files.push_back(std::move(f));
    }
    j["file_reports"] = std::move(files);
    j["problems"] = problems_;
    j["problems_omitted"] = problems_omitted_;
    j["last_seq"] = final_seq_;
    j["head"] = final_head_.empty() ? nlohmann::json(nullptr) : nlohmann::json(final_head_);
    j["durable"] = durable.ok();
    j["error"] = durable.ok() ? nlohmann::json(nullptr) : nlohmann::json(durable.message());
    std::string text = j.dump() + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }

  Context& ctx_;
  const ImportCmdOptions& opts_;
  std::unique_ptr<Env> log_env_;  // outlives log_
  int64_t not_logged_ = 0;  // appended, then lost with a failure of the log
  uint64_t final_seq_ = 0;  // the log's last seq at the end
  std::string final_head_;  // its chain head ("" when the log failed)
  std::unique_ptr<AuditLog> log_;
  std::vector<log::FileReport> reports_;
  nlohmann::json problems_ = nlohmann::json::array();
  int64_t problems_omitted_ = 0;
  int64_t total_rows_ = 0;
  int empty_dirs_ = 0;
  bool progress_ = false, progress_shown_ = false;
  std::chrono::steady_clock::time_point start_, last_progress_;
};

}  // namespace

void SetupImport(CLI::App& app, Context& ctx, Action& action) {
  auto opts = std::make_shared<ImportCmdOptions>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Append the rows of Parquet files written by the Python version (pandas + pyarrow), by "
      "DuckDB, or by anything with its columns, to the log, in file order. Columns are matched "
      "by name; a missing column or a null value takes the Python version's default (date: the "
      "timestamp's calendar date in UTC); other columns (e.g. seq) are reported and ignored. "
      "A file without a timestamp column is refused. Timestamps of any unit are taken as UTC "
      "(naive ones too); a timestamp finer than the microsecond refuses its row unless "
      "--truncate-nanos. Rows already logged (same timestamp and content) are skipped, so "
      "importing a file twice adds nothing; a row whose timestamp is logged with other content "
      "is a conflict, reported as 'FILE: row N: ...' (rows count from 1) with the existing seq. "
      "Progress on a terminal, a summary on stderr; exit 1 if any row was refused or any file "
      "could not be read.");
  cmd->add_option("FILE", opts->paths,
                  "Parquet files, or directories (every *.parquet below, in name order)")
      ->required();
  cmd->add_flag("--json", opts->json, "Also print the summary as one JSON object on stdout");
  cmd->add_flag("--truncate-nanos", opts->truncate_nanos,
                "Floor timestamps with a sub-microsecond part to the microsecond (toward "
                "-infinity) instead of refusing their rows");
  cmd->footer(
      "Example:\n"
      "  budget-audit --data-dir /var/lib/plant import data/budget_audit/slot_log.parquet\n"
      "  budget-audit --log /srv/audit/slot_log import --json old/*.parquet > summary.json");
  cmd->callback([&ctx, &action, opts]() {
    action = [&ctx, opts]() { return ImportCommand(ctx, *opts).Run(); };
  });
}

}  // namespace budget_audit::cli
