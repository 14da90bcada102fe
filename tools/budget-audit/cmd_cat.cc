// `budget-audit cat PATH`: rows of a flat Parquet file, or of every Parquet
// file under a directory (name order), as JSON lines; or re-encoded with -o
// into Parquet (through our writer), CSV or JSON lines. `export` and `cat`
// without PATH: the log's records. The writing is the library's
// (budget_audit/export.h).
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "budget_audit/export.h"
#include "budget_audit/log_reader.h"
#include "cli.h"

namespace budget_audit::cli {
namespace {

struct CatOptions {
  std::string path;
  std::string columns;
  std::string output;
  bool verify_checksums = false;
  // --format (cat and export), and export's time range of the log.
  std::string format;
  std::string since, until;
};

// --since/--until (ParseTimeBound: a date is the site's local midnight).
Result<std::optional<int64_t>> ParseBound(const std::string& flag, const std::string& text,
                                          const std::string& zone) {
  if (text.empty()) return std::optional<int64_t>();
  auto bound = ParseTimeBound(text, zone);
  if (!bound.ok()) return Status::InvalidArgument(fmt::format("{} {}", flag, bound.status().message()));
  return std::optional<int64_t>(*bound);
}

std::vector<std::string> SplitColumns(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string name = s.substr(start, comma - start);
    if (!name.empty()) out.push_back(name);
    start = comma + 1;
  }
  return out;
}

// The format: --format after the command, else before it (`budget-audit
// --format csv export ...`), else from the -o name (jsonl on standard
// output).
Result<ExportFormat> ChooseFormat(const Context& ctx, const CatOptions& opts) {
  const std::string& out = opts.output;
  const bool to_stdout = out.empty() || out == "-";
  const std::string& named = !opts.format.empty() ? opts.format : ctx.format_flag;
  std::optional<ExportFormat> format;
  if (!named.empty()) {
    format = ExportFormatFromName(named);
    if (!format) {
      return Status::InvalidArgument(
          fmt::format("--format {}: unknown format; use parquet, csv or jsonl", named));
    }
  } else if (to_stdout) {
    format = ExportFormat::kJsonLines;
  } else {
    format = ExportFormatFromPath(out);
    if (!format) {
      return Status::InvalidArgument(
          fmt::format("-o {}: unknown output format; use a name ending in .parquet, .csv or .jsonl, or give "
                      "--format parquet, csv or jsonl",
                      out));
    }
  }
  if (*format == ExportFormat::kParquet && to_stdout) {
    return Status::InvalidArgument(
        "--format parquet needs -o FILE (Parquet is not written to standard output)");
  }
  return *format;
}

// The log's records (sealed and journal) in seq order, with `seq`.
Status CatLog(Context& ctx, const CatOptions& opts, ExportOptions& eo) {
  const std::string dir = ctx.LogDir();
  // Everything that can refuse is checked before the output is opened, so
  // a refusal writes nothing (not even a CSV header).
  BA_RETURN_IF_ERROR(CheckSnapshotExport(eo).WithContext(dir));
  std::string zone = kDefaultTimezone;  // read only for a date
  if (LooksLikeDate(opts.since) || LooksLikeDate(opts.until)) {
    BA_ASSIGN_OR_RETURN(const Config* config, ctx.LoadConfig());
    zone = config->timezone;
  }
  BA_ASSIGN_OR_RETURN(eo.since_us, ParseBound("--since", opts.since, zone));
  BA_ASSIGN_OR_RETURN(eo.until_us, ParseBound("--until", opts.until, zone));
  BA_ASSIGN_OR_RETURN(bool exists, ctx.env->IsDirectory(dir));
  if (!exists) {
    return Status::NotFound(
        fmt::format("no audit log at {} (give the log with --log DIR or --data-dir DIR)", dir));
  }
  BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(dir, ctx.env));
  return ExportSnapshotToPath(*snap, eo, opts.output);
}

// On failure a temporary beside a regular target is removed (the target
// stays as it was); nothing else is ever removed.
Status RunCat(Context& ctx, const CatOptions& opts) {
  ExportOptions eo;
  BA_ASSIGN_OR_RETURN(eo.format, ChooseFormat(ctx, opts));
  eo.columns = SplitColumns(opts.columns);
  eo.verify_page_checksums = opts.verify_checksums;
  if (opts.path.empty()) return CatLog(ctx, opts, eo);
  BA_ASSIGN_OR_RETURN(auto files, FindParquetFiles(opts.path, ctx.env));
  return ExportParquetFilesToPath(files, eo, opts.output, ctx.env);
}

int Run(Context& ctx, const CatOptions& opts) {
  Status s = RunCat(ctx, opts);
  return s.ok() ? kExitOk : ReportError(s);
}

}  // namespace

// Where -o writes (both commands): a regular file is written beside it
// and renamed into place on success (a failure leaves it as it was); a
// link is followed; a pipe or device is written in place.
constexpr const char* kOutputHelp =
    "The file to write ('-': standard output, csv or jsonl). The format follows the extension "
    "(.parquet, .csv, .jsonl) unless --format names it. A file is written beside its name and "
    "renamed into place when complete; a pipe or device is written in place";

void SetupExport(CLI::App& app, Context& ctx, Action& action) {
  auto opts = std::make_shared<CatOptions>();
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Write the log's records (sealed and journal, in seq order, with seq) as one Parquet, CSV "
      "or JSON-lines file, optionally only a time range.\n"
      "Example: budget-audit export -o june.csv --since 2026-06-01 --until 2026-07-01");
  cmd->add_option("--format", opts->format, "parquet, csv or jsonl (default: from the -o name's extension)")
      ->check(CLI::IsMember({"parquet", "csv", "jsonl"}));
  cmd->add_option("-o,--output", opts->output, kOutputHelp)->required();
  cmd->add_option("--since", opts->since,
                  "Only records at or after this instant: ISO-8601 with an offset "
                  "(2026-06-01T00:00:00+02:00), or a date: its midnight in the site's time zone "
                  "(--timezone)");
  cmd->add_option("--until", opts->until, "Only records before this instant (same forms as --since)");
  cmd->callback([&ctx, &action, opts]() { action = [&ctx, opts]() { return Run(ctx, *opts); }; });
}

void SetupCat(CLI::App& app, Context& ctx, Action& action) {
  auto opts = std::make_shared<CatOptions>();
  CLI::App* cmd =
      app.add_subcommand("cat",
                         "Print the rows of a flat Parquet file (or of every Parquet file under a directory, "
                         "in name order, or of the log) as JSON lines, or re-encode them with -o.");
  cmd->add_option("PATH", opts->path,
                  "Parquet file or directory; without it, the records of the log (--log / "
                  "--data-dir), sealed and journal, in seq order");
  cmd->add_option("--columns", opts->columns, "Comma-separated column names to read (default: all)");
  cmd->add_option("-o,--output", opts->output, kOutputHelp);
  cmd->add_option("--format", opts->format,
                  "parquet, csv or jsonl (default: from the -o name's extension; jsonl on "
                  "standard output)")
      ->check(CLI::IsMember({"parquet", "csv", "jsonl"}));
  cmd->add_flag("--verify-checksums", opts->verify_checksums,
                "Check every page's CRC-32 where the writer stored one (a mismatch is an error)");
  cmd->callback([&ctx, &action, opts]() { action = [&ctx, opts]() { return Run(ctx, *opts); }; });
}

}  // namespace budget_audit::cli
