// `budget-audit import FILE...`: appends the rows of Parquet files written
// by the Python version (pandas + pyarrow), by DuckDB, or by anything with
// its columns, to the log, in file order. Rows already in the log (same
// timestamp and content) are skipped, so importing a file twice adds
// nothing. The bulk-load policy (which files, how the log is written, the
// counts) is the library's: budget_audit/import.h; column mapping, types and
// defaults: src/log/importer.h.
//
// This file prints what the library reports: its messages on stderr as they
// come, a progress line on a terminal, the summary on stderr at the end
// (and with --json the machine-readable one on stdout).
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "budget_audit/import.h"
#include "cli.h"

namespace budget_audit::cli {
namespace {

struct ImportCmdOptions {
  std::vector<std::string> paths;
  bool json = false;
  bool truncate_nanos = false;
};

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
    ImportOptions io;
    io.env = ctx_.env;
    io.truncate_sub_micros = opts_.truncate_nanos;
    // The sealed months' site summaries count local days in the site's zone
    // (a configuration that does not load leaves them in UTC; the reports
    // then decode those files).
    if (auto config = ctx_.LoadConfig(); config.ok()) io.timezone = (*config)->timezone;
    io.on_event = [this](const ImportEvent& e) { OnEvent(e); };
    auto summary = ImportFiles(ctx_.LogDir(), opts_.paths, io);
    ClearProgress();
    if (!summary.ok()) return ReportError(summary.status());
    const std::string text = ImportSummaryText(*summary);
    std::fputs(text.c_str(), stderr);
    if (summary->nothing_to_import) return kExitProblem;
    if (opts_.json) {
      const std::string json = ImportSummaryToJson(*summary);
      std::fwrite(json.data(), 1, json.size(), stdout);
      std::fflush(stdout);
    }
    return summary->clean() ? kExitOk : kExitProblem;
  }

 private:
  void ClearProgress() {
    if (progress_shown_) {
      std::fputs("\r\033[K", stderr);
      progress_shown_ = false;
    }
  }

  void OnEvent(const ImportEvent& e) {
    switch (e.kind) {
      case ImportEvent::kProgress: ShowProgress(e); return;
      case ImportEvent::kFinishing:
        if (progress_) {
          ClearProgress();
          std::fputs("import: syncing and sealing...", stderr);
          progress_shown_ = true;
        }
        return;
      default: {
        const std::string text = ImportEventText(e);
        if (text.empty()) return;
        ClearProgress();
        std::fputs(text.c_str(), stderr);
        return;
      }
    }
  }

  void ShowProgress(const ImportEvent& e) {
    if (!progress_) return;
    auto now = std::chrono::steady_clock::now();
    if (progress_shown_ && now - last_progress_ < std::chrono::milliseconds(100)) return;
    last_progress_ = now;
    const double done = static_cast<double>(e.rows_done), total = static_cast<double>(e.rows_total);
    std::string pct = e.rows_total > 0 ? fmt::format(" ({:.0f}%)", 100.0 * done / total) : "";
    std::fprintf(stderr, "\rimport: %s of %s rows%s, %s records/s\033[K", Short(done).c_str(),
                 Short(total).c_str(), pct.c_str(), Short(e.seconds > 0 ? done / e.seconds : 0).c_str());
    progress_shown_ = true;
  }

  Context& ctx_;
  const ImportCmdOptions& opts_;
  bool progress_ = false, progress_shown_ = false;
  std::chrono::steady_clock::time_point last_progress_;
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
  cmd->add_option("FILE", opts->paths, "Parquet files, or directories (every *.parquet below, in name order)")
      ->required();
  cmd->add_flag("--json", opts->json, "Also print the summary as one JSON object on stdout");
  cmd->add_flag("--truncate-nanos", opts->truncate_nanos,
                "Floor timestamps with a sub-microsecond part to the microsecond (toward "
                "-infinity) instead of refusing their rows");
  cmd->footer(
      "Example:\n"
      "  budget-audit --data-dir /var/lib/plant import data/budget_audit/slot_log.parquet\n"
      "  budget-audit --log /srv/audit/slot_log import --json old/*.parquet > summary.json");
  cmd->callback(
      [&ctx, &action, opts]() { action = [&ctx, opts]() { return ImportCommand(ctx, *opts).Run(); }; });
}

}  // namespace budget_audit::cli
