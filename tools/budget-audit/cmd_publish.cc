// `budget-audit publish DEST`: the site's sealed history to a fleet store
// (budget_audit/fleet.h, docs/fleet.md). This file parses, calls and prints.
#include <cstdio>

#include <fmt/format.h>

#include "budget_audit/checkpoint.h"
#include "budget_audit/compliance.h"
#include "budget_audit/fleet.h"
#include "cli.h"

namespace budget_audit::cli {
namespace {

struct PublishCliOptions {
  std::string dest;
  std::string checkpoint_file;
  bool json = false;
};

int RunPublish(Context& ctx, const PublishCliOptions& o) {
  auto config = ctx.LoadConfig();
  if (!config.ok()) return ReportError(config.status());
  const Config& c = **config;
  if (c.site_id.empty()) {
    return ReportError(Status::InvalidArgument(fmt::format(
        "publish needs the site's id: set site_id = \"NAME\" (1 to 64 of A-Z a-z 0-9 . _ -) in {}",
        c.config_file)));
  }
  PublishOptions po;
  po.env = ctx.env;
  po.site_id = c.site_id;
  po.plant = CompliancePlantFromConfig(c);
  if (!o.checkpoint_file.empty()) {
    auto cp = ReadCheckpointFile(ctx.env, o.checkpoint_file);
    if (!cp.ok()) return ReportError(cp.status());
    po.checkpoint = std::move(*cp);
  }
  auto report = Publish(ctx.LogDir(), o.dest, po);
  if (!report.ok()) return ReportError(report.status());
  const std::string text = o.json ? PublishReportJson(*report) : PublishReportText(*report);
  Status written = WriteStdout(text);
  return written.ok() ? kExitOk : ReportError(written);
}

}  // namespace

void SetupPublish(CLI::App& app, Context& ctx, Action& action) {
  auto o = std::make_shared<PublishCliOptions>();
  CLI::App* cmd = app.add_subcommand(
      "publish",
      "Publish the site's sealed history to a fleet store: the month files, the manifest and _site.json (the "
      "settings the fleet's reports need) into DEST/site=<site_id>/ (docs/fleet.md). Incremental (only files "
      "whose SHA-256 differs are copied, each checked after writing), every file placed by temporary + fsync "
      "+ "
      "rename, the manifest last: safe to kill and re-run at any moment. The site id (config key site_id) is "
      "recorded in the log at the first publish; another id, or a folder holding another log, is refused.");
  cmd->add_option("DEST", o->dest, "The store: a directory (a mounted bucket, NFS)")->required();
  cmd->add_option(
      "--checkpoint", o->checkpoint_file,
      "Also publish this checkpoint (budget-audit checkpoint) as _checkpoint.json; its seq must be "
      "within the sealed history");
  cmd->add_flag("--json", o->json, "Print what was copied and skipped as one JSON object");
  cmd->callback([&ctx, &action, o]() { action = [&ctx, o]() { return RunPublish(ctx, *o); }; });
}

}  // namespace budget_audit::cli
