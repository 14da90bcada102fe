// `budget-audit fleet verify DEST` and `fleet compliance DEST`: the fleet's
// reports over a store that sites publish to (budget_audit/fleet.h,
// docs/fleet.md). This file parses, calls and prints.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/checkpoint.h"
#include "budget_audit/export.h"
#include "budget_audit/fleet.h"
#include "cli.h"

namespace budget_audit::cli {
namespace {

struct FleetCliOptions {
  std::string dest;
  bool json = false;
  std::string pubkey_file;
  std::optional<int> year;
  std::string as_of;
  std::string format;
  std::string output;
};

int RunFleetVerify(Context& ctx, const FleetCliOptions& o) {
  FleetVerifyOptions vo;
  vo.env = ctx.env;
  if (!o.pubkey_file.empty()) {
    auto key = ReadKeyFile(ctx.env, o.pubkey_file);
    if (!key.ok()) return ReportError(key.status());
    vo.public_key_hex = std::move(*key);
  }
  auto results = VerifyFleet(o.dest, vo);
  if (!results.ok()) return ReportError(results.status());
  size_t failed = 0;
  std::string text;
  nlohmann::ordered_json sites = nlohmann::ordered_json::array();
  for (const auto& r : *results) {
    if (!r.status.ok()) ++failed;
    if (o.json) {
      nlohmann::ordered_json j;
      j["site_id"] = r.site_id;
      j["intact"] = r.status.ok();
      if (!r.status.ok()) {
        j["error"] = {{"code", std::string(StatusCodeName(r.status.code()))},
                      {"message", r.status.message()}};
      }
      if (r.report) {
        j["log_id"] = r.report->log_id_hex;
        j["records"] = r.report->records;
        j["sealed_files"] = r.report->sealed_files;
        j["head"] = r.report->head_hex;
      }
      j["checkpoint_checked"] = r.checkpoint_checked;
      j["warnings"] = r.warnings;
      sites.push_back(j);
      continue;
    }
    if (r.status.ok() && !r.report) {
      text += fmt::format("site {}: nothing published yet\n", r.site_id);
    } else if (r.status.ok()) {
      text += fmt::format(
          "site {}: intact, {} records in {} files, head {}{}\n", r.site_id, r.report->records,
          r.report->sealed_files, r.report->head_hex,
          r.checkpoint_checked ? ", holds its published checkpoint" : ", no published checkpoint");
    } else {
      text += fmt::format("site {}: FAILED: {}\n", r.site_id, r.status.message());
    }
    for (const auto& w : r.warnings) text += fmt::format("  warning: {}\n", w);
  }
  if (o.json) {
    nlohmann::ordered_json j;
    j["intact"] = failed == 0;
    j["sites"] = sites;
    text = j.dump() + "\n";
  } else {
    text +=
        fmt::format("{} sites, {} intact, {} failed\n", results->size(), results->size() - failed, failed);
  }
  Status printed = WriteStdout(text);
  if (!printed.ok()) return ReportError(printed);
  return failed ? kExitProblem : kExitOk;
}

int RunFleetCompliance(Context& ctx, const FleetCliOptions& o) {
  ComplianceFormat format = ComplianceFormat::kJson;
  if (o.format == "table") format = ComplianceFormat::kTable;
  if (o.format == "html") format = ComplianceFormat::kHtml;
  ComplianceOptions co;
  co.year = o.year;
  if (!o.as_of.empty()) co.as_of = o.as_of;
  co.env = ctx.env;
  auto fleet = ComputeFleetCompliance(o.dest, co);
  if (!fleet.ok()) return ReportError(fleet.status());
  Status written = WriteTextOutput(RenderFleetCompliance(*fleet, format), o.output);
  if (!written.ok()) return ReportError(written);
  for (const auto& s : fleet->sites) {
    if (!s.status.ok()) std::fprintf(stderr, "budget-audit: %s\n", s.status.message().c_str());
  }
  return fleet->all_ok() ? kExitOk : kExitProblem;
}

}  // namespace

void SetupFleet(CLI::App& app, Context& ctx, Action& action) {
  CLI::App* fleet = app.add_subcommand(
      "fleet", "Reports over a fleet store that sites publish to (budget-audit publish; docs/fleet.md).");
  fleet->require_subcommand(1);
  {
    auto o = std::make_shared<FleetCliOptions>();
    CLI::App* cmd = fleet->add_subcommand("verify",
                                          "Verify every site folder of DEST: its published history against "
                                          "its own hash chain (as verify does), "
                                          "its published checkpoint, and _site.json's site and log ids. One "
                                          "line per site; exit 1 if any fails.");
    cmd->add_option("DEST", o->dest, "The store")->required();
    cmd->add_option("--pubkey", o->pubkey_file,
                    "Public key that must have signed the sites' checkpoints (default: the key each signed "
                    "checkpoint carries)");
    cmd->add_flag("--json", o->json, "One JSON object: {\"intact\": BOOL, \"sites\": [...]}");
    cmd->callback([&ctx, &action, o]() { action = [&ctx, o]() { return RunFleetVerify(ctx, *o); }; });
  }
  {
    auto o = std::make_shared<FleetCliOptions>();
    CLI::App* cmd = fleet->add_subcommand(
        "compliance",
        "Every site's compliance (as its own budget-audit compliance computes it) from the published "
        "manifests "
        "and summaries, worst pace first: JSON {\"sites\": [...]}, a table, or an HTML page with the fleet's "
        "pace chart. Exit 1 if a site could not be computed.");
    cmd->add_option("DEST", o->dest, "The store")->required();
    cmd->add_option("--year", o->year,
                    "The budget year starting in this year (default: each site's year holding --as-of)");
    cmd->add_option("--as-of", o->as_of,
                    "The last day covered, YYYY-MM-DD (default: today in each site's own time zone)");
    cmd->add_option("--format", o->format, "json (default), table or html")
        ->check(CLI::IsMember({"json", "table", "html"}));
    cmd->add_option("-o,--output", o->output,
                    "Write to FILE (replaced atomically) instead of standard output");
    cmd->callback([&ctx, &action, o]() { action = [&ctx, o]() { return RunFleetCompliance(ctx, *o); }; });
  }
}

}  // namespace budget_audit::cli
