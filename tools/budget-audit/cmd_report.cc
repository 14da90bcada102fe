// The Python version's reports: `report` (weekly_report), `daily [DATE]`
// (daily_summary) and, without a command, its default output; with the
// aliases of its flags (--report, --daily DATE). JSON is laid out as
// Python's json.dumps(indent=2); --format table is for people.
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "budget_audit/log_reader.h"
#include "budget_audit/report.h"
#include "cli.h"
#include "log/verify.h"
#include "util/civil_time.h"

namespace budget_audit::cli {
namespace {

struct ReportOptions {
  std::string format;  // --format after the command; else Context::format_flag; else json
  std::string date;
  bool report_alias = false;  // --report
  std::string daily_alias;    // --daily DATE
  // --verify, --checkpoint FILE [--pubkey FILE]: verify the log first and
  // say so in the output (without them the output is the Python version's).
  bool verify = false;
  std::string checkpoint_file, pubkey_file;
  bool Verifying() const { return verify || !checkpoint_file.empty() || !pubkey_file.empty(); }
};

// A file's text without trailing blanks (checkpoints and keys).
Result<std::string> ReadText(Env* env, const std::string& path) {
  BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, 1 << 20));
  std::string s(bytes.begin(), bytes.end());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// With --verify or --checkpoint: the snapshot, verified whole against the
// log (and the checkpoint) before anything is reported. A missing log is
// then an error: there is nothing to verify.
Result<log::VerifiedSnapshot> OpenVerified(Context& ctx, const ReportOptions& o) {
  std::optional<log::Checkpoint> cp;
  std::optional<std::string> pub;
  if (!o.pubkey_file.empty() && o.checkpoint_file.empty()) {
    return Status::InvalidArgument("--pubkey goes with --checkpoint");
  }
  if (!o.checkpoint_file.empty()) {
    BA_ASSIGN_OR_RETURN(std::string text, ReadText(ctx.env, o.checkpoint_file));
    auto parsed = log::CheckpointFromJson(text);
    if (!parsed.ok()) return parsed.status().WithContext(o.checkpoint_file);
    cp = std::move(*parsed);
  }
  if (!o.pubkey_file.empty()) {
    BA_ASSIGN_OR_RETURN(pub, ReadText(ctx.env, o.pubkey_file));
  }
  const std::string dir = ctx.LogDir();
  auto v = log::OpenVerifiedSnapshot(ctx.env, dir, cp, pub);
  if (!v.ok()) {
    if (v.status().IsNotFound()) {
      return Status::NotFound(fmt::format("no audit log at {}: nothing to verify", dir));
    }
    if (v.status().code() == StatusCode::kInvalidArgument) return v.status();
    return v.status().WithContext("verify " + dir);
  }
  for (const auto& w : v->verification.report.warnings) {
    std::fprintf(stderr, "budget-audit: warning: %s\n", w.c_str());
  }
  return v;
}

// What the report says was verified.
ReportVerification Verified(const log::SnapshotVerification& v) {
  ReportVerification r;
  r.records = v.records;
  r.head_hex = v.head_hex;
  if (v.checkpoint) {
    r.checkpoint = ReportVerification::Checkpoint{v.checkpoint->seq, v.checkpoint->time,
                                                  v.checkpoint->head_hex, v.checkpoint_signature_checked};
  }
  return r;
}

// An empty snapshot when the log does not exist yet (the Python version
// said "No audit data" for a missing file), with a note on stderr so a
// mistyped --log does not pass unnoticed.
Result<std::unique_ptr<LogSnapshot>> OpenOrEmpty(Context& ctx, bool* missing) {
  const std::string dir = ctx.LogDir();
  auto snap = LogSnapshot::Open(dir, ctx.env);
  *missing = !snap.ok() && snap.status().IsNotFound();
  if (*missing) std::fprintf(stderr, "budget-audit: note: no audit log at %s yet\n", dir.c_str());
  return snap;
}

// The report's settings from the configuration; with `need_capacity`, a
// missing capacity is the configuration's error (naming the three ways to
// set it).
Result<ReportSettings> Settings(Context& ctx, bool need_capacity) {
  BA_ASSIGN_OR_RETURN(const Config* c, ctx.LoadConfig());
  ReportSettings s;
  if (need_capacity) {
    BA_ASSIGN_OR_RETURN(s.capacity_kw, RequireCapacityKw(*c));
  } else {
    s.capacity_kw = c->capacity_kw;
  }
  s.max_reduction_pct = c->max_reduction_pct;
  s.max_reduction_pct_is_integer = c->max_reduction_pct_is_integer;
  s.timezone = c->timezone;
  return s;
}

// YYYY-MM-DD, or YYYYMMDD as Python's date.fromisoformat also takes;
// normalised to YYYY-MM-DD as str(date) gives it.
Result<std::string> NormalizeDate(const std::string& text) {
  auto days = ParseDateArgument(text);
  if (!days.ok()) return Status::InvalidArgument("date " + days.status().message());
  return FormatDate(*days);
}

// json or table: the command's --format, else one given before the command.
Result<ReportFormat> Format(const Context& ctx, const ReportOptions& o) {
  const std::string f = !o.format.empty() ? o.format : ctx.format_flag;
  if (f.empty() || f == "json") return ReportFormat::kJson;
  if (f == "table") return ReportFormat::kTable;
  return Status::InvalidArgument(fmt::format("--format {}: the reports are json or table", f));
}

int Print(const std::string& text) {
  Status s = WriteStdout(text);
  return s.ok() ? kExitOk : ReportError(s);
}

template <typename Report>
int PrintReport(const Report& r, ReportFormat format,
                const std::optional<log::SnapshotVerification>& verified) {
  if (!verified) return Print(RenderReport(r, format));
  const ReportVerification v = Verified(*verified);
  return Print(RenderReport(r, format, &v));
}

// What a report reads: the snapshot as it is (`snap` may hold the error of
// opening it, `missing` when there is no log), or, with --verify or
// --checkpoint, verified first (a failed verification is the error).
struct ReportInput {
  Result<std::unique_ptr<LogSnapshot>> snap = std::unique_ptr<LogSnapshot>();
  bool missing = false;
  std::optional<log::SnapshotVerification> verified;
};
Result<ReportInput> OpenForReport(Context& ctx, const ReportOptions& o) {
  ReportInput in;
  if (!o.Verifying()) {
    in.snap = OpenOrEmpty(ctx, &in.missing);
    return in;
  }
  BA_ASSIGN_OR_RETURN(auto vs, OpenVerified(ctx, o));
  in.snap = std::move(vs.snapshot);
  in.verified = std::move(vs.verification);
  return in;
}

int RunReport(Context& ctx, const ReportOptions& o) {
  auto format = Format(ctx, o);
  if (!format.ok()) return ReportError(format.status());
  auto in = OpenForReport(ctx, o);
  if (!in.ok()) return ReportError(in.status());
  auto& [snap, missing, verified] = *in;
  WeeklyReport r;  // an empty log's
  if (!missing && !(snap.ok() && (*snap)->last_seq() == 0)) {
    if (!snap.ok()) return ReportError(snap.status());
    auto settings = Settings(ctx, true);
    if (!settings.ok()) return ReportError(settings.status());
    auto computed = ComputeWeeklyReport(**snap, *settings);
    if (!computed.ok()) return ReportError(computed.status());
    r = std::move(*computed);
  }
  return PrintReport(r, *format, verified);
}

int RunDaily(Context& ctx, const ReportOptions& o) {
  auto format = Format(ctx, o);
  if (!format.ok()) return ReportError(format.status());
  std::string date;
  if (o.date.empty()) {
    // Today in the site's time zone (the Python version used the machine's
    // local date).
    auto settings = Settings(ctx, false);
    if (!settings.ok()) return ReportError(settings.status());
    auto today = TodayInSiteZone(*settings, ctx.env);
    if (!today.ok()) return ReportError(today.status());
    date = *today;
  } else {
    auto d = NormalizeDate(o.date);
    if (!d.ok()) return ReportError(d.status());
    date = *d;
  }
  auto in = OpenForReport(ctx, o);
  if (!in.ok()) return ReportError(in.status());
  auto& [snap, missing, verified] = *in;
  DailySummary s;  // an empty log's
  s.date = date;
  if (!missing) {
    if (!snap.ok()) return ReportError(snap.status());
    auto computed = ComputeDailySummary(**snap, date);
    if (!computed.ok()) return ReportError(computed.status());
    s = std::move(*computed);
  }
  return PrintReport(s, *format, verified);
}

int RunDefault(Context& ctx) {
  bool missing = false;
  auto snap = OpenOrEmpty(ctx, &missing);
  if (missing || (snap.ok() && (*snap)->last_seq() == 0)) return Print(RenderDefaultOutput({}));
  if (!snap.ok()) return ReportError(snap.status());
  auto settings = Settings(ctx, true);
  if (!settings.ok()) return ReportError(settings.status());
  auto r = ComputeWeeklyReport(**snap, *settings);
  if (!r.ok()) return ReportError(r.status());
  return Print(RenderDefaultOutput(*r));
}

void AddVerifyOptions(CLI::App* cmd, ReportOptions& o) {
  cmd->add_flag("--verify", o.verify,
                "Verify the whole log first (as the verify command does) and add what was verified "
                "to the output: a \"verified\" member (records, head) in JSON, a line under a "
                "table. A failed verification prints no report and exits 1");
  cmd->add_option("--checkpoint", o.checkpoint_file,
                  "Verify the log first and that it still holds this checkpoint's prefix (implies "
                  "--verify); the output names the checkpoint");
  cmd->add_option("--pubkey", o.pubkey_file,
                  "Public key that must have signed the checkpoint (with --checkpoint)");
}

std::shared_ptr<ReportOptions> g_aliases;  // --report / --daily, read by DefaultAction

}  // namespace

void SetupReports(CLI::App& app, Context& ctx, Action& action) {
  auto formats = CLI::IsMember({"json", "table"});
  {
    auto o = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "report",
        "The Python version's weekly_report(): the rollup over the whole log (period_days, "
        "total_cost_kwh, daily_avg_kwh, projected_annual_kwh, ceiling_kwh, ceiling_pct, "
        "utilization_pct, compliant, total_interventions, intervention_rate_pct), as JSON laid "
        "out like json.dumps(indent=2). Needs the plant's capacity (--capacity-kw, "
        "$BUDGET_AUDIT_CAPACITY_KW or capacity_kw in the config file). Alias: --report.");
    cmd->add_option("--format", o->format, "json (default) or table")->check(formats);
    AddVerifyOptions(cmd, *o);
    cmd->callback([&ctx, &action, o]() { action = [&ctx, o]() { return RunReport(ctx, *o); }; });
  }
  {
    auto o = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "daily",
        "The Python version's daily_summary(DATE): slots, total_cost_kwh, interventions, "
        "max_offset_deg and budget_remaining_kwh (from the day's last appended record) of the "
        "records whose date is DATE. Alias: --daily DATE.");
    cmd->add_option("DATE", o->date, "YYYY-MM-DD (default: today in the configured time zone)");
    cmd->add_option("--format", o->format, "json (default) or table")->check(formats);
    AddVerifyOptions(cmd, *o);
    cmd->callback([&ctx, &action, o]() { action = [&ctx, o]() { return RunDaily(ctx, *o); }; });
  }
  g_aliases = std::make_shared<ReportOptions>();
  app.add_flag("--report", g_aliases->report_alias, "The same as the report command (the Python flag)");
  app.add_option("--daily", g_aliases->daily_alias, "The same as 'daily DATE' (the Python flag)")
      ->type_name("DATE");
  // Before a command: the same as that command's --format (report, daily:
  // json or table; cat, export: parquet, csv or jsonl). Checked by the
  // command that uses it; main() refuses it before the others.
  app.add_option("--format", ctx.format_flag,
                 "With --report / --daily: json (default) or table; before report, daily, cat "
                 "or export: the same as that command's --format")
      ->type_name("FORMAT");
}

Action DefaultAction(Context& ctx) {
  auto o = g_aliases;
  const bool alias = o && (o->report_alias || !o->daily_alias.empty());
  if (!ctx.format_flag.empty() && !alias) {
    return [&ctx]() {
      return ReportError(Status::InvalidArgument(
          fmt::format("--format {}: without a command it goes with --report or --daily (or put it after "
                      "report, daily, cat or export)",
                      ctx.format_flag)));
    };
  }
  if (o && o->report_alias) return [&ctx, o]() { return RunReport(ctx, *o); };
  if (o && !o->daily_alias.empty()) {
    return [&ctx, o]() {
      ReportOptions d = *o;
      d.date = o->daily_alias;
      return RunDaily(ctx, d);
    };
  }
  return [&ctx]() { return RunDefault(ctx); };
}

}  // namespace budget_audit::cli
