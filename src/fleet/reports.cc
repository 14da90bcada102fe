// The fleet's reports over a store (budget_audit/fleet.h): fleet verify and
// fleet compliance, and how the latter is rendered.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "budget_audit/fleet.h"
#include "budget_audit/log_reader.h"
#include "log/manifest.h"
#include "log/names.h"
#include "report/compliance_html.h"
#include "util/sha256.h"

namespace budget_audit {
namespace {

// _site.json's site id and log id against the folder's name and manifest.
Status CheckSiteIdentity(Env* env, const std::string& site_id, const std::string& dir,
                         const SiteSettings& s) {
  const std::string path = JoinPath(dir, kSiteSettingsFileName);
  if (s.site_id != site_id) {
    return Status::Corruption(
        fmt::format("{}: site_id: \"{}\", but the folder is site \"{}\"", path, s.site_id, site_id));
  }
  BA_ASSIGN_OR_RETURN(log::Manifest m, log::ReadManifest(env, dir));
  if (ToHex(m.log_id) != s.log_id_hex) {
    return Status::Corruption(fmt::format("{}: log_id: {}, but the folder's {} is log {}", path, s.log_id_hex,
                                          log::kManifestName, ToHex(m.log_id)));
  }
  return Status::OK();
}

SiteVerifyResult VerifySite(Env* env, const std::string& dest, const std::string& site_id,
                            const FleetVerifyOptions& options) {
  SiteVerifyResult r;
  r.site_id = site_id;
  r.dir = SiteDir(dest, site_id);
  auto has_settings = env->FileExists(JoinPath(r.dir, kSiteSettingsFileName));
  auto has_manifest = env->FileExists(JoinPath(r.dir, log::kManifestName));
  if (!has_settings.ok() || !has_manifest.ok()) {
    r.status = !has_settings.ok() ? has_settings.status() : has_manifest.status();
    return r;
  }
  if (!*has_manifest) {
    // _site.json and then the history are placed after the folder is
    // made: a first publish was interrupted, or is under way.
    r.warnings.push_back("no history published yet (the site's first publish has not completed)");
    return r;
  }
  if (!*has_settings) {
    r.status = Status::Corruption(fmt::format("{}: missing, beside a published {} (publish the site again)",
                                              JoinPath(r.dir, kSiteSettingsFileName), log::kManifestName));
    return r;
  }
  auto settings = ReadSiteSettings(r.dir, env);
  if (!settings.ok()) {
    r.status = settings.status();
    return r;
  }
  VerifyOptions vo;
  vo.env = env;
  const std::string cp_path = JoinPath(r.dir, kPublishedCheckpointName);
  auto cp_exists = env->FileExists(cp_path);
  if (!cp_exists.ok()) {
    r.status = cp_exists.status();
    return r;
  }
  if (*cp_exists) {
    auto cp = ReadCheckpointFile(env, cp_path);
    if (!cp.ok()) {
      r.status = cp.status();
      return r;
    }
    if (cp->signature_hex) {
      vo.public_key_hex = options.public_key_hex ? *options.public_key_hex : cp->public_key_hex.value_or("");
    }
    vo.checkpoint = std::move(*cp);
    vo.checkpoint_name = cp_path;
  }
  auto report = Verify(r.dir, vo);
  if (!report.ok()) {
    r.status = report.status();
    return r;
  }
  r.checkpoint_checked = report->checkpoint.has_value();
  r.status = CheckSiteIdentity(env, site_id, r.dir, *settings);
  if (r.status.ok() && report->records != report->sealed_records) {
    r.status = Status::Corruption(
        fmt::format("{}: {} records in _journal/; a published folder holds sealed history only", r.dir,
                    report->records - report->sealed_records));
  }
  auto names = env->GetChildren(r.dir);
  if (names.ok()) {
    size_t temps = 0;
    for (const auto& n : *names) temps += IsPublishTempName(n) ? 1 : 0;
    if (temps) {
      r.warnings.push_back(fmt::format(
          "{} temporaries of an interrupted publish (removed by the site's next publish)", temps));
    }
  }
  for (const auto& w : report->warnings) {
    if (w.kind == VerifyWarningKind::kSealInterrupted) {
      r.warnings.push_back(
          "a publish was interrupted while replacing month files (the site's next publish "
          "completes it; readers take each file's rows up to the manifest's sealed seq)");
    } else {
      r.warnings.push_back(w.message);
    }
  }
  r.report = std::move(*report);
  return r;
}

}  // namespace

Result<std::vector<SiteVerifyResult>> VerifyFleet(const std::string& dest,
                                                  const FleetVerifyOptions& options) {
  Env* env = options.env ? options.env : Env::Default();
  BA_ASSIGN_OR_RETURN(auto sites, ListSites(dest, env));
  std::vector<SiteVerifyResult> out;
  out.reserve(sites.size());
  for (const auto& id : sites) out.push_back(VerifySite(env, dest, id, options));
  return out;
}

bool FleetCompliance::all_ok() const {
  return std::all_of(sites.begin(), sites.end(), [](const auto& s) { return s.status.ok(); });
}

namespace {

bool SameBits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

Result<ComplianceReport> SiteCompliance(Env* env, const std::string& dir, const std::string& site_id,
                                        const ComplianceOptions& options) {
  BA_ASSIGN_OR_RETURN(SiteSettings s, ReadSiteSettings(dir, env));
  if (s.site_id != site_id) {
    return Status::Corruption(fmt::format("{}: site_id: \"{}\", but the folder is site \"{}\"",
                                          JoinPath(dir, kSiteSettingsFileName), s.site_id, site_id));
  }
  BA_ASSIGN_OR_RETURN(auto snap, LogSnapshot::Open(dir, env));
  if (snap->log_id_hex() != s.log_id_hex) {
    return Status::Corruption(fmt::format("{}: log_id: {}, but the folder's history is log {}",
                                          JoinPath(dir, kSiteSettingsFileName), s.log_id_hex,
                                          snap->log_id_hex()));
  }
  ComplianceOptions o = options;
  o.env = env;
  BA_ASSIGN_OR_RETURN(ComplianceReport r, ComputeCompliance(*snap, s.plant, o));
  // The inputs give the site's potential again, bit for bit (the same keys,
  // or the same file's bytes); only the file's path differs: the site's.
  bool same = SameBits(r.potential.annual_kwh, s.potential.annual_kwh) &&
              r.potential.basis == s.potential.basis && r.potential.shares_basis == s.potential.shares_basis;
  for (size_t i = 0; i < 12 && same; ++i)
    same = SameBits(r.potential.monthly_share[i], s.potential.monthly_share[i]);
  if (!same) {
    return Status::Corruption(
        fmt::format("{}: potential: annual_kwh {} ({}) differs from what its inputs give, {} ({})",
                    JoinPath(dir, kSiteSettingsFileName), s.potential.annual_kwh, s.potential.basis,
                    r.potential.annual_kwh, r.potential.basis));
  }
  r.potential = s.potential;
  return r;
}

}  // namespace

Result<FleetCompliance> ComputeFleetCompliance(const std::string& dest, const ComplianceOptions& options) {
  Env* env = options.env ? options.env : Env::Default();
  BA_ASSIGN_OR_RETURN(auto sites, ListSites(dest, env));
  FleetCompliance fleet;
  for (const auto& id : sites) {
    FleetSiteCompliance c;
    c.site_id = id;
    auto r = SiteCompliance(env, SiteDir(dest, id), id, options);
    if (r.ok()) {
      c.report = std::move(*r);
    } else {
      c.status = r.status().WithContext(fmt::format("site {}", id));
    }
    fleet.sites.push_back(std::move(c));
  }
  // Worst pace first; sites without a pace (no budget to date yet) after
  // them, failed sites last; ties by site id.
  auto rank = [](const FleetSiteCompliance& s) { return !s.status.ok() ? 2 : s.report.pace ? 0 : 1; };
  std::stable_sort(fleet.sites.begin(), fleet.sites.end(), [&](const auto& a, const auto& b) {
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    if (rank(a) == 0 && *a.report.pace != *b.report.pace) return *a.report.pace > *b.report.pace;
    return a.site_id < b.site_id;
  });
  return fleet;
}

namespace {

// The site's own compliance JSON, headline figures only: its per-day,
// per-month and per-group arrays are left out, and its findings counted.
nlohmann::ordered_json SiteJson(const FleetSiteCompliance& s) {
  nlohmann::ordered_json out;
  out["site_id"] = s.site_id;
  if (!s.status.ok()) {
    out["error"] = {{"code", std::string(StatusCodeName(s.status.code()))}, {"message", s.status.message()}};
    return out;
  }
  nlohmann::ordered_json full =
      nlohmann::ordered_json::parse(RenderCompliance(s.report, ComplianceFormat::kJson));
  for (auto it = full.begin(); it != full.end(); ++it) {
    const std::string& k = it.key();
    if (k == "schema_version" || k == "months" || k == "by_stage" || k == "by_source" || k == "days")
      continue;
    if (k == "findings") {
      out["findings"] = s.report.findings.size();
      nlohmann::ordered_json checks = nlohmann::ordered_json::array();
      for (const auto& f : s.report.findings) checks.push_back(f.check);
      out["finding_checks"] = checks;
      continue;
    }
    out[k] = it.value();
  }
  return out;
}

std::string Pct(const std::optional<double>& v) { return v ? fmt::format("{:.1f} %", *v * 100) : "-"; }
std::string Kwh(const std::optional<double>& v) { return v ? fmt::format("{:.1f}", *v) : "-"; }

std::string Table(const FleetCompliance& fleet) {
  std::string out =
      fmt::format("{:<24} {:>8} {:>12} {:>14} {:>12} {:>12} {:<14} {:>8} {:<10}\n", "site", "pace",
                  "spent kWh", "budget-to-date", "ceiling kWh", "projected", "verdict", "findings", "as of");
  for (const auto& s : fleet.sites) {
    if (!s.status.ok()) {
      out += fmt::format("{:<24} ERROR {}\n", s.site_id, s.status.message());
      continue;
    }
    const ComplianceReport& r = s.report;
    out += fmt::format("{:<24} {:>8} {:>12.1f} {:>14.1f} {:>12.1f} {:>12} {:<14} {:>8} {:<10}\n", s.site_id,
                       Pct(r.pace), r.spent_kwh, r.budget_to_date_kwh, r.ceiling_kwh, Kwh(r.projected_kwh),
                       r.compliant_projection ? "compliant" : "NOT compliant", r.findings.size(), r.as_of);
  }
  return out;
}

std::string Html(const FleetCompliance& fleet) {
  std::string out;
  auto o = std::back_inserter(out);
  size_t ok = 0, not_compliant = 0, failed = 0;
  double max_pace = 1.0;
  for (const auto& s : fleet.sites) {
    if (!s.status.ok()) {
      ++failed;
      continue;
    }
    ++ok;
    if (!s.report.compliant_projection) ++not_compliant;
    if (s.report.pace && std::isfinite(*s.report.pace)) max_pace = std::max(max_pace, *s.report.pace);
  }
  max_pace = std::min(max_pace * 1.05, 100.0);
  fmt::format_to(
      o,
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>Fleet compliance</title>\n<style>\n"
      "body{{font-family:system-ui,sans-serif;margin:1.5rem;color:#1b1f24;max-width:1100px}}\n"
      "table{{border-collapse:collapse;width:100%;font-size:.9rem}}th,td{{padding:.25rem .5rem;"
      "border-bottom:1px solid "
      "#ddd;text-align:right;white-space:nowrap}}.scroll{{overflow-x:auto}}th:first-child,td:first-child{{"
      "text-align:left}}\n"
      ".bad{{color:#b3261e;font-weight:600}}.ok{{color:#1e6b35}}svg{{width:100%;height:auto}}\n"
      "@media print{{body{{margin:0}}}}\n</style></head><body>\n"
      "<h1>Fleet compliance</h1>\n<p>{} sites: {} with a projection above their ceiling{}.</p>\n",
      fleet.sites.size(), not_compliant, failed ? fmt::format(", {} not computed", failed) : "");
  // The chart: one bar per site, its pace (spent / budget to date) against
  // 100 % (the season-expected spend).
  const int row = 18, label_w = 190, chart_w = 560, top = 24;
  const int height = top + static_cast<int>(ok) * row + 24;
  fmt::format_to(o,
                 "<h2>Pace per site</h2>\n<svg viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"pace per site "
                 "against 100 %\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\">\n",
                 label_w + chart_w + 70, height);
  auto x_of = [&](double pace) { return label_w + std::clamp(pace / max_pace, 0.0, 1.0) * chart_w; };
  int y = top;
  for (const auto& s : fleet.sites) {
    if (!s.status.ok()) continue;
    const double pace = s.report.pace && std::isfinite(*s.report.pace) ? *s.report.pace : 0.0;
    const bool over = s.report.pace && *s.report.pace > 1.0;
    fmt::format_to(o, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", label_w - 6, y + 12,
                   report::HtmlText(s.site_id));
    fmt::format_to(o, "<rect x=\"{}\" y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"/>\n", label_w,
                   y + 3, x_of(pace) - label_w, row - 6, over ? "#c0392b" : "#2e7d32");
    fmt::format_to(o, "<text x=\"{:.1f}\" y=\"{}\">{}</text>\n", x_of(pace) + 4, y + 12,
                   report::HtmlText(Pct(s.report.pace)));
    y += row;
  }
  fmt::format_to(
      o,
      "<line x1=\"{0:.1f}\" y1=\"{1}\" x2=\"{0:.1f}\" y2=\"{2}\" stroke=\"#1b1f24\" "
      "stroke-dasharray=\"4 3\"/>\n<text x=\"{0:.1f}\" y=\"{3}\" text-anchor=\"middle\">100 %</text>\n"
      "</svg>\n",
      x_of(1.0), top - 4, y, top - 8);
  out +=
      "<h2>Sites, worst pace first</h2>\n<div "
      "class=\"scroll\"><table><thead><tr><th>site</th><th>pace</th><th>spent kWh</th>"
      "<th>budget to date kWh</th><th>ceiling kWh</th><th>projected kWh</th><th>verdict</th><th>findings</th>"
      "<th>as of</th><th>zone</th></tr></thead><tbody>\n";
  for (const auto& s : fleet.sites) {
    if (!s.status.ok()) {
      fmt::format_to(o, "<tr><td>{}</td><td colspan=\"9\" class=\"bad\">{}</td></tr>\n",
                     report::HtmlText(s.site_id), report::HtmlText(s.status.message()));
      continue;
    }
    const ComplianceReport& r = s.report;
    fmt::format_to(o,
                   "<tr><td>{}</td><td>{}</td><td>{:.1f}</td><td>{:.1f}</td><td>{:.1f}</td><td>{}</td>"
                   "<td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                   report::HtmlText(s.site_id), report::HtmlText(Pct(r.pace)), r.spent_kwh,
                   r.budget_to_date_kwh, r.ceiling_kwh, report::HtmlText(Kwh(r.projected_kwh)),
                   r.compliant_projection ? "ok" : "bad",
                   r.compliant_projection ? "compliant" : "NOT compliant", r.findings.size(),
                   report::HtmlText(r.as_of), report::HtmlText(r.timezone));
  }
  out +=
      "</tbody></table></div>\n<p>Pace: the energy sacrificed so far over the season-expected budget to "
      "date; "
      "above "
      "100 % the site spends faster than its ceiling allows. Each site's figures are its own compliance "
      "report's (budget-audit compliance).</p>\n</body></html>\n";
  return out;
}

}  // namespace

std::string RenderFleetCompliance(const FleetCompliance& fleet, ComplianceFormat format) {
  if (format == ComplianceFormat::kTable) return Table(fleet);
  if (format == ComplianceFormat::kHtml) return Html(fleet);
  nlohmann::ordered_json j;
  j["schema_version"] = 1;
  nlohmann::ordered_json sites = nlohmann::ordered_json::array();
  for (const auto& s : fleet.sites) sites.push_back(SiteJson(s));
  j["sites"] = sites;
  return j.dump() + "\n";
}

}  // namespace budget_audit
