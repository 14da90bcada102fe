// `compliance` (the budget year's compliance report: JSON, table or HTML,
// --check for cron) and `allowance` (what the controller may sacrifice on a
// day). Everything is computed by the library (compliance.h); this file
// parses, calls and prints.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "budget_audit/compliance.h"
#include "budget_audit/export.h"
#include "budget_audit/log_reader.h"
#include "cli.h"

namespace budget_audit::cli {
namespace {

constexpr int kExitNotCompliant = 4;  // compliance --check: the projection is above the ceiling

struct ComplianceCliOptions {
  std::optional<int> year;
  std::string as_of;
  std::string format;
  std::string output;
  bool check = false;
  std::string pack;  // --pack DIR
  std::string sign;  // --sign KEY (else signing_key from the config)
  std::string date;  // allowance
};

Result<ComplianceFormat> Format(const Context& ctx, const std::string& option, bool html_ok) {
  const std::string& f = option.empty() ? ctx.format_flag : option;
  if (f.empty() || f == "json") return ComplianceFormat::kJson;
  if (f == "table") return ComplianceFormat::kTable;
  if (f == "html" && html_ok) return ComplianceFormat::kHtml;
  return Status::InvalidArgument(
      fmt::format("--format {}: expected json, table{}", f, html_ok ? " or html" : ""));
}

Result<std::unique_ptr<LogSnapshot>> OpenLog(Context& ctx) {
  const std::string dir = ctx.LogDir();
  auto snap = LogSnapshot::Open(dir, ctx.env);
  if (!snap.ok() && snap.status().IsNotFound()) {
    return Status::NotFound(
        fmt::format("no audit log at {} (give the log with --log DIR or --data-dir DIR)", dir));
  }
  return snap;
}

int RunPack(Context& ctx, const ComplianceCliOptions& o, const Config& config) {
  EvidencePackOptions po;
  po.year = o.year;
  if (!o.as_of.empty()) po.as_of = o.as_of;
  po.secret_key_file = o.sign.empty() ? config.signing_key : o.sign;
  po.env = ctx.env;
  auto pack = WriteEvidencePack(ctx.LogDir(), CompliancePlantFromConfig(config), o.pack, po);
  if (!pack.ok()) return ReportError(pack.status());
  std::string text =
      fmt::format("evidence pack {}: {} records, checkpoint at seq {}{}\n", pack->dir, pack->records,
                  pack->checkpoint_seq, pack->signed_checkpoint ? " (signed)" : " (not signed)");
  for (const auto& [name, sha] : pack->files) text += fmt::format("  {}  {}\n", sha, name);
  text += "  SHA256SUMS lists them; budget-audit verify --pack DIR re-checks the pack against the log\n";
  Status written = WriteStdout(text);
  return written.ok() ? kExitOk : ReportError(written);
}

int RunCompliance(Context& ctx, const ComplianceCliOptions& o) {
  if (!o.pack.empty()) {
    if (!o.output.empty() || !o.format.empty() || o.check) {
      return ReportError(
          Status::InvalidArgument("--pack writes its own files: it takes no -o, --format or --check"));
    }
    auto config = ctx.LoadConfig();
    if (!config.ok()) return ReportError(config.status());
    return RunPack(ctx, o, **config);
  }
  auto format = Format(ctx, o.format, true);
  if (!format.ok()) return ReportError(format.status());
  auto config = ctx.LoadConfig();
  if (!config.ok()) return ReportError(config.status());
  auto snap = OpenLog(ctx);
  if (!snap.ok()) return ReportError(snap.status());
  ComplianceOptions co;
  co.year = o.year;
  if (!o.as_of.empty()) co.as_of = o.as_of;
  co.env = ctx.env;
  auto report = ComputeCompliance(**snap, CompliancePlantFromConfig(**config), co);
  if (!report.ok()) return ReportError(report.status());
  Status written = WriteTextOutput(RenderCompliance(*report, *format), o.output);
  if (!written.ok()) return ReportError(written);
  if (o.check && !report->compliant_projection) return kExitNotCompliant;
  return kExitOk;
}

int RunAllowance(Context& ctx, const ComplianceCliOptions& o) {
  auto format = Format(ctx, o.format, false);
  if (!format.ok()) return ReportError(format.status());
  auto config = ctx.LoadConfig();
  if (!config.ok()) return ReportError(config.status());
  auto snap = OpenLog(ctx);
  if (!snap.ok()) return ReportError(snap.status());
  std::optional<std::string> date;
  if (!o.date.empty()) date = o.date;
  auto a = ComputeAllowance(**snap, CompliancePlantFromConfig(**config), date, ctx.env);
  if (!a.ok()) return ReportError(a.status());
  Status written = WriteStdout(RenderAllowance(*a, *format));
  return written.ok() ? kExitOk : ReportError(written);
}

}  // namespace

void SetupCompliance(CLI::App& app, Context& ctx, Action& action) {
  {
    auto o = std::make_shared<ComplianceCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "compliance",
        "The budget year's compliance against the plant's real potential and its seasons "
        "(docs/compliance.md): ceiling, spent, pace, the season-aware projection beside the Python "
        "version's daily average x 365, months, stages, sources and the ledger checks. The potential "
        "comes from potential_file (PVGIS), monthly_file, annual_potential_kwh, "
        "specific_yield_kwh_per_kwp or, labelled so, 6 peak-sun hours; the budget year from "
        "budget_year_start (config file).");
    cmd->add_option("--year", o->year,
                    "The budget year starting in this year (default: the one holding --as-of)");
    cmd->add_option("--as-of", o->as_of,
                    "The last day covered, YYYY-MM-DD (default: today in the site's time zone)");
    cmd->add_option("--format", o->format, "json (default), table or html")
        ->check(CLI::IsMember({"json", "table", "html"}));
    cmd->add_option("-o,--output", o->output,
                    "Write to FILE (replaced atomically) instead of standard output");
    cmd->add_flag("--check", o->check,
                  "Exit 4 when the projection is above the ceiling (for cron and monitoring), else 0");
    cmd->add_option(
        "--pack", o->pack,
        "Write the budget year's evidence pack into DIR (new or empty): the report as HTML and JSON, "
        "the year's records as Parquet and CSV, a checkpoint (signed with --sign or signing_key) and "
        "SHA256SUMS; verify --pack DIR re-checks it");
    cmd->add_option("--sign", o->sign,
                    "With --pack: the secret key file (keygen) to sign the checkpoint with");
    cmd->callback([&ctx, &action, o]() { action = [&ctx, o]() { return RunCompliance(ctx, *o); }; });
  }
  {
    auto o = std::make_shared<ComplianceCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "allowance",
        "The energy the controller may sacrifice on DATE so that the budget year stays within its "
        "ceiling: (ceiling - spent before DATE) x the day's share / the shares of the days left, "
        "never below 0.");
    cmd->add_option("DATE", o->date, "YYYY-MM-DD (default: today in the site's time zone)");
    cmd->add_option("--format", o->format, "json (default) or table")
        ->check(CLI::IsMember({"json", "table"}));
    cmd->callback([&ctx, &action, o]() { action = [&ctx, o]() { return RunAllowance(ctx, *o); }; });
  }
}

}  // namespace budget_audit::cli
