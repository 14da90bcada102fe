// The compliance report's HTML page (report/compliance_html.h) over reports
// built by hand: a typical year, an empty one, hostile strings, figures
// that are not finite, hundreds of stages. The page is checked to be well
// formed (every tag closed in order), to hold no NaN or Infinity, no URL
// but the SVG namespace, and every string from the report escaped.
//
// With BA_HTML_OUT=DIR set, the pages are written to DIR (typical.html,
// empty.html, hostile.html, many_stages.html, as_of_march.html,
// southern.html) for the browser test
// (tests/browser/run.sh).
#include "report/compliance_html.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "util/civil_time.h"

namespace budget_audit {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::array<double, 12> kShares = {0.03, 0.05,  0.08, 0.105, 0.125, 0.13,
                                            0.13, 0.115, 0.09, 0.07,  0.04,  0.035};

double DayShare(int64_t day) {
  const CivilDate c = CivilFromDays(day);
  const int64_t first = DaysFromCivil(c.year, c.month, 1);
  const int64_t next =
      c.month == 12 ? DaysFromCivil(c.year + 1, 1, 1) : DaysFromCivil(c.year, c.month + 1, 1);
  return kShares[c.month - 1] / static_cast<double>(next - first);
}

// A plant of 1,100 MWh a year with a 5 % ceiling, as of 30 June, spending
// 8 % faster than the seasons allow: NOT COMPLIANT by the projection.
ComplianceReport Typical() {
  ComplianceReport r;
  r.budget_year_start = "2026-01-01";
  r.budget_year_end = "2026-12-31";
  r.as_of = "2026-06-30";
  r.timezone = "Europe/Berlin";
  r.potential.basis = "pvgis";
  r.potential.source =
      "/etc/budget-audit/pvgis_meadow.json (sha256 "
      "9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a)";
  r.potential.annual_kwh = 1'100'000;
  r.potential.monthly_share = kShares;
  r.potential.shares_basis = "pvgis";
  r.potential.pvgis_mount = "inclined_axis";
  r.potential.pvgis_peakpower_kwp = 1000;
  r.ceiling_pct = 5;
  r.ceiling_pct_is_integer = true;
  r.ceiling_kwh = 55'000;

  const int64_t start = *ParseDate(r.budget_year_start);
  const int64_t as_of = *ParseDate(r.as_of);
  const int64_t end = *ParseDate(r.budget_year_end);
  const double pace = 1.08;
  double cumulative = 0, expected = 0;
  for (int64_t d = start; d <= as_of; ++d) {
    // Some days spend more, some less, and some months more than others
    // (a fixed pattern, no randomness).
    const double month = static_cast<double>(CivilFromDays(d).month);
    const double wobble =
        (1 + 0.35 * std::sin(static_cast<double>(d) * 0.9) * std::cos(static_cast<double>(d) * 0.13)) *
        (1 + 0.14 * std::sin(month * 2.1));
    const double spent = r.ceiling_kwh * DayShare(d) * pace * wobble;
    cumulative += spent;
    expected += DayShare(d);
    r.days.push_back({FormatDate(d), spent, cumulative, expected});
  }
  r.spent_kwh = cumulative;
  r.expected_share_to_date = expected;
  r.budget_to_date_kwh = r.ceiling_kwh * expected;
  r.pace = r.spent_kwh / r.budget_to_date_kwh;
  r.projected_kwh = r.spent_kwh / expected;
  r.naive_projected_kwh = r.spent_kwh / static_cast<double>(as_of - start + 1) * 365;
  r.compliant_projection = *r.projected_kwh <= r.ceiling_kwh;
  double running = r.spent_kwh;
  int64_t left = 0;
  for (int64_t d = as_of + 1; d <= end && running + *r.projected_kwh * DayShare(d) <= r.ceiling_kwh; ++d) {
    running += *r.projected_kwh * DayShare(d);
    ++left;
  }
  r.days_of_budget_left = left;
  r.slots = 96 * (as_of - start + 1);
  r.interventions = r.slots * 31 / 100;

  for (unsigned m = 1; m <= 12; ++m) {
    ComplianceMonth month;
    month.month = fmt::format("2026-{:02}", m);
    month.budget_kwh = r.ceiling_kwh * kShares[m - 1];
    for (const auto& day : r.days) {
      if (day.date.substr(0, 7) == month.month) month.spent_kwh += day.spent_kwh, month.slots += 96;
    }
    month.interventions = month.slots * 31 / 100;
    r.months.push_back(month);
  }
  const std::vector<std::pair<std::string, double>> stages = {
      {"sheep-shade-midday", 0.38}, {"frost-protection", 0.21},
      {"hail-stow", 0.14},          {"crop-light-berries-row-a-to-f", 0.11},
      {"irrigation-window", 0.08},  {"maintenance-washing", 0.05},
      {"wind-stow", 0.03}};
  for (const auto& [key, share] : stages) {
    r.by_stage.push_back({key, r.spent_kwh * share, static_cast<int64_t>(r.interventions * share),
                          static_cast<int64_t>(r.slots * share)});
  }
  const std::vector<std::pair<std::string, double>> sources = {
      {"optimizer", 0.71}, {"frost_guard", 0.2}, {"manual", 0.09}};
  for (const auto& [key, share] : sources) {
    r.by_source.push_back({key, r.spent_kwh * share, static_cast<int64_t>(r.interventions * share),
                           static_cast<int64_t>(r.slots * share)});
  }
  ComplianceFinding outage;
  outage.check = "outage";
  outage.severity = "warning";
  outage.message = "The controller logged nothing for 6.5 hours (usually every 15 minutes).";
  outage.count = 2;
  outage.timestamps = {"2026-03-14T01:15:00Z", "2026-03-14T07:45:00Z", "2026-05-02T11:00:00Z",
                       "2026-05-02T13:30:00Z"};
  outage.value = 6.5;
  ComplianceFinding gate;
  gate.check = "cost_without_gate";
  gate.severity = "error";
  gate.message = "Records spent energy although the safety gate did not pass.";
  gate.count = 27;
  for (uint64_t s = 0; s < 20; ++s) gate.seqs.push_back(10'412 + s * 3);
  gate.value = 1.842;
  ComplianceFinding deviation;
  deviation.check = "offset_deviation";
  deviation.severity = "warning";
  deviation.message = "The actual offset differed from the planned one by more than 1°.";
  deviation.count = 3;
  deviation.seqs = {4410, 4411, 9020};
  deviation.value = 2.75;
  r.findings = {gate, outage, deviation};
  r.last_seq = static_cast<uint64_t>(r.slots);
  r.head_hex = "4c1d9e2f7a3b5c6d8e9f0a1b2c3d4e5f";
  return r;
}

// No records yet: a new budget year.
ComplianceReport Empty() {
  ComplianceReport r;
  r.budget_year_start = "2026-04-01";
  r.budget_year_end = "2027-03-31";
  r.as_of = "2026-04-01";
  r.timezone = "UTC";
  r.potential.basis = "peak_sun_hours";
  r.potential.source = "6 h × 365 × capacity_kw";
  r.potential.annual_kwh = 219'000;
  r.potential.monthly_share = kShares;
  r.potential.shares_basis = "default_north";
  r.ceiling_pct = 5;
  r.ceiling_kwh = 10'950;
  r.days.push_back({"2026-04-01", 0, 0, DayShare(*ParseDate("2026-04-01"))});
  r.expected_share_to_date = r.days[0].expected_cumulative_share;
  r.budget_to_date_kwh = r.ceiling_kwh * r.expected_share_to_date;
  return r;
}

// A report as the library makes it (ComputeCompliance): its days and months
// through as_of only, here 15 March of a calendar budget year.
ComplianceReport AsOfMarch() {
  ComplianceReport r = Typical();
  r.as_of = "2026-03-15";
  const int64_t start = *ParseDate(r.budget_year_start);
  const int64_t as_of = *ParseDate(r.as_of);
  r.days.resize(static_cast<size_t>(as_of - start + 1));
  r.spent_kwh = r.days.back().cumulative_kwh;
  r.expected_share_to_date = r.days.back().expected_cumulative_share;
  r.budget_to_date_kwh = r.ceiling_kwh * r.expected_share_to_date;
  r.pace = r.spent_kwh / r.budget_to_date_kwh;
  r.projected_kwh = r.spent_kwh / r.expected_share_to_date;
  r.compliant_projection = *r.projected_kwh <= r.ceiling_kwh;
  r.months.resize(3);
  r.months[2].spent_kwh = 0;
  r.months[2].slots = 0;
  for (const auto& day : r.days) {
    if (day.date.substr(0, 7) == "2026-03") r.months[2].spent_kwh += day.spent_kwh, r.months[2].slots += 96;
  }
  r.months[2].interventions = r.months[2].slots * 31 / 100;
  return r;
}

// A southern site's budget year from 1 July, as of 20 September.
ComplianceReport SouthernSeptember() {
  ComplianceReport r = AsOfMarch();
  r.budget_year_start = "2026-07-01";
  r.budget_year_end = "2027-06-30";
  r.as_of = "2026-09-20";
  r.timezone = "Australia/Sydney";
  const int64_t start = *ParseDate(r.budget_year_start);
  const int64_t as_of = *ParseDate(r.as_of);
  r.days.clear();
  r.months.clear();
  double cumulative = 0, expected = 0;
  for (int64_t d = start; d <= as_of; ++d) {
    const double spent = r.ceiling_kwh * DayShare(d) * 0.9;
    cumulative += spent;
    expected += DayShare(d);
    r.days.push_back({FormatDate(d), spent, cumulative, expected});
    const std::string month = FormatDate(d).substr(0, 7);
    if (r.months.empty() || r.months.back().month != month) {
      r.months.push_back({month, 0, r.ceiling_kwh * kShares[CivilFromDays(d).month - 1], 0, 0});
    }
    r.months.back().spent_kwh += spent;
    r.months.back().slots += 96;
  }
  r.spent_kwh = cumulative;
  r.expected_share_to_date = expected;
  r.budget_to_date_kwh = r.ceiling_kwh * expected;
  r.pace = 0.9;
  r.projected_kwh = cumulative / expected;
  r.compliant_projection = true;
  r.days_of_budget_left = std::nullopt;
  return r;
}

constexpr std::string_view kScript = "<script>alert(1)</script>";

ComplianceReport Hostile() {
  ComplianceReport r = Typical();
  const std::string quote = "\" onmouseover=\"alert(2)\" x='";
  r.timezone = std::string(kScript);
  r.as_of = "2026-06-30<b>";
  r.potential.source = std::string(kScript) + " & http://evil.example/x.json (sha256 <i>)";
  r.potential.basis = quote;
  r.potential.shares_basis = std::string(kScript);
  r.potential.pvgis_mount = "</svg><svg onload=alert(3)>";
  r.by_stage[0].key = std::string(kScript);
  r.by_stage[1].key = quote + std::string(kScript) + "with a tail long enough to be cut";
  r.by_stage[2].key = "a&b<c>d\"e'f";
  r.by_source[0].key = std::string(kScript);
  r.by_source[1].key = "";
  r.months[3].month = std::string(kScript);
  r.findings[0].check = std::string(kScript);
  r.findings[0].severity = quote;
  r.findings[0].message = std::string(kScript) + " & more";
  r.findings[1].timestamps[0] = std::string(kScript);
  r.head_hex = std::string(kScript);
  return r;
}

// Every tag closed, in order; void elements and self-closed SVG ones
// excepted. Returns what is wrong, or "".
std::string TagBalance(const std::string& html) {
  static const std::vector<std::string> kVoid = {"meta", "br", "hr", "img", "input", "link", "wbr"};
  std::vector<std::string> stack;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string::npos) {
    const size_t close = html.find('>', i);
    if (close == std::string::npos) return fmt::format("unterminated tag at {}", i);
    const std::string tag = html.substr(i + 1, close - i - 1);
    i = close + 1;
    if (tag.rfind("!DOCTYPE", 0) == 0) continue;
    if (tag.empty()) return "empty tag";
    if (tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (stack.empty() || stack.back() != name) {
        return fmt::format("</{}> closes <{}>", name, stack.empty() ? "nothing" : stack.back());
      }
      stack.pop_back();
      continue;
    }
    const std::string name = tag.substr(0, tag.find_first_of(" \n/"));
    const bool lower =
        !name.empty() && std::islower(static_cast<unsigned char>(name[0])) &&
        std::all_of(name.begin(), name.end(), [](char c) {
          return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
        });
    if (!lower) return fmt::format("bad tag name <{}>", name);
    if (tag.back() == '/' || std::find(kVoid.begin(), kVoid.end(), name) != kVoid.end()) continue;
    stack.push_back(name);
    if (name == "style") {  // CSS holds no '<'; skip to its end
      const size_t end = html.find("</style>", i);
      if (end == std::string::npos) return "unterminated <style>";
      i = end;
    }
  }
  if (!stack.empty()) return fmt::format("<{}> left open", stack.back());
  return "";
}

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = c < 0x80             ? 0
                     : (c & 0xE0) == 0xC0 ? 1
                     : (c & 0xF0) == 0xE0 ? 2
                     : (c & 0xF8) == 0xF0 ? 3
                                          : 4;
    if (n == 4) return false;
    for (size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

size_t Occurrences(const std::string& s, std::string_view what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

// The page's SVG elements whose aria-label begins with `label`, in order
// (the wide drawing, then the narrow one).
std::vector<std::string> Charts(const std::string& html, std::string_view label) {
  std::vector<std::string> out;
  for (size_t at = html.find("<svg "); at != std::string::npos; at = html.find("<svg ", at + 1)) {
    const size_t end = html.find("</svg>", at);
    if (end == std::string::npos) break;
    const std::string svg = html.substr(at, end + 6 - at);
    if (svg.find(fmt::format("aria-label=\"{}", label)) != std::string::npos) out.push_back(svg);
  }
  return out;
}

// The value of attribute `name` of the first element of `svg` holding
// `marker` (e.g. "class=\"spend\""), or "".
std::string Attribute(const std::string& svg, std::string_view marker, std::string_view name) {
  const size_t at = svg.find(marker);
  if (at == std::string::npos) return "";
  const size_t open = svg.rfind('<', at);
  const size_t close = svg.find('>', at);
  const std::string element = svg.substr(open, close - open);
  const std::string key = fmt::format(" {}=\"", name);
  const size_t v = element.find(key);
  if (v == std::string::npos) return "";
  const size_t begin = v + key.size();
  return element.substr(begin, element.find('"', begin) - begin);
}

// The x of a polyline's last point.
std::string LastX(const std::string& points) {
  const std::string last = points.substr(points.rfind(' ') + 1);
  return last.substr(0, last.find(','));
}

// An SVG coordinate as the page writes it.
std::string Coordinate(double v) { return fmt::format("{:.1f}", v); }

// The checks every page passes.
void ExpectSound(const std::string& html, bool urls_in_text = false) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_EQ(TagBalance(html), "");
  EXPECT_EQ(Occurrences(html, "<svg"), Occurrences(html, "</svg>"));
  EXPECT_GE(Occurrences(html, "<svg"), 8u);  // four charts, each wide and narrow
  EXPECT_TRUE(ValidUtf8(html));
  std::smatch bad;
  if (std::regex_search(html, bad, std::regex("\\b(nan|inf|infinity)\\b", std::regex::icase))) {
    const size_t at = static_cast<size_t>(bad.position(0));
    ADD_FAILURE() << "\"" << bad.str(0) << "\" in " << html.substr(at < 80 ? 0 : at - 80, 160);
  }
  // No URL of any kind: the only "//" is the SVG namespace's.
  std::string without_ns = html;
  const std::string ns = "xmlns=\"http://www.w3.org/2000/svg\"";
  for (size_t at; (at = without_ns.find(ns)) != std::string::npos;) without_ns.erase(at, ns.size());
  const size_t slashes = without_ns.find("//");
  if (!urls_in_text) {
    EXPECT_EQ(slashes, std::string::npos) << without_ns.substr(slashes < 80 ? 0 : slashes - 80, 160);
  }
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("href=")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
}

void MaybeWrite(const std::string& name, const std::string& html) {
  const char* dir = std::getenv("BA_HTML_OUT");
  if (dir == nullptr || *dir == '\0') return;
  const std::string path = std::string(dir) + "/" + name;
  std::ofstream f(path, std::ios::binary);
  f << html;
  f.close();
  ASSERT_TRUE(f) << "could not write " << path;
}

TEST(ComplianceHtml, TypicalYear) {
  const ComplianceReport r = Typical();
  const std::string html = report::ComplianceHtml(r);
  ExpectSound(html);
  MaybeWrite("typical.html", html);
  EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\">"));
  EXPECT_THAT(html, HasSubstr("name=\"viewport\""));
  EXPECT_THAT(html, HasSubstr("@media print"));
  EXPECT_THAT(html, HasSubstr("size:A4"));
  EXPECT_THAT(html, HasSubstr("NOT COMPLIANT"));
  EXPECT_THAT(html, HasSubstr("(projection)"));
  EXPECT_THAT(html, HasSubstr("30\u00a0June 2026"));
  // Thousands separators, percentages with one decimal, the integer ceiling.
  EXPECT_THAT(html, HasSubstr("55,000\u00a0kWh"));
  EXPECT_THAT(html, HasSubstr("1,100,000\u00a0kWh"));
  EXPECT_THAT(html, HasSubstr("5\u00a0% of the annual potential"));
  EXPECT_THAT(html, HasSubstr(fmt::format("{:.1f}\u00a0%", *r.pace * 100)));
  EXPECT_THAT(html, HasSubstr("13.0\u00a0%"));  // June's share
  // The charts: the ceiling line, the expected curve, the spend and the
  // projection, month bars, stage and source bars.
  EXPECT_EQ(Occurrences(html, "class=\"ceiling\""), 2u);
  EXPECT_EQ(Occurrences(html, "class=\"expected\""), 2u);
  EXPECT_EQ(Occurrences(html, "class=\"spend\""), 2u);
  EXPECT_EQ(Occurrences(html, "class=\"projection\""), 2u);
  EXPECT_EQ(Occurrences(html, "class=\"bar budget\""), 2u * 12);
  EXPECT_EQ(Occurrences(html, "class=\"bar spent\"") + Occurrences(html, "class=\"bar over\""),
            2u * (6 + r.by_stage.size() + r.by_source.size()));
  EXPECT_THAT(html, HasSubstr("viewBox=\"0 0 860.0 "));
  EXPECT_THAT(html, HasSubstr("viewBox=\"0 0 380.0 "));
  // The expected curve spans the whole year: its last point is at the
  // plot's right edge, at the ceiling.
  const std::string points = "class=\"expected\" points=\"";
  const size_t begin = html.find(points);
  ASSERT_NE(begin, std::string::npos);
  const size_t end = html.find('"', begin + points.size());
  const std::string polyline = html.substr(begin + points.size(), end - begin - points.size());
  const std::string last = polyline.substr(polyline.rfind(' ') + 1);
  EXPECT_EQ(last.substr(0, last.find(',')), "836.0");  // 860 - 24: the year's last day
  // Findings, with their records and outage times; the basis and its hash.
  EXPECT_THAT(html, HasSubstr("cost_without_gate"));
  EXPECT_THAT(html, HasSubstr("#10412, #10415"));
  EXPECT_THAT(html, HasSubstr("(the first 20 of 27)"));
  EXPECT_THAT(html, HasSubstr("2026-03-14T01:15:00Z"));
  EXPECT_THAT(html, HasSubstr("9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6a"));
  EXPECT_THAT(html, HasSubstr("/etc/budget-audit/pvgis_meadow.json"));
  EXPECT_THAT(html, HasSubstr("inclined_axis"));
  EXPECT_THAT(html, HasSubstr("Sum: 100.0\u00a0%"));
}

TEST(ComplianceHtml, CompliantVerdict) {
  ComplianceReport r = Typical();
  r.compliant_projection = true;
  const std::string html = report::ComplianceHtml(r);
  EXPECT_THAT(html, HasSubstr(">COMPLIANT<"));
  EXPECT_THAT(html, Not(HasSubstr("NOT COMPLIANT")));
}

TEST(ComplianceHtml, EmptyReportHasAxesAndNoBars) {
  const ComplianceReport r = Empty();
  const std::string html = report::ComplianceHtml(r);
  ExpectSound(html);
  MaybeWrite("empty.html", html);
  // Nothing spent; the year's twelve monthly budgets, April's covered (the
  // as-of day is its first), the eleven after it ahead.
  EXPECT_THAT(html, Not(HasSubstr("class=\"bar spent\"")));
  EXPECT_THAT(html, Not(HasSubstr("class=\"bar over\"")));
  EXPECT_EQ(Occurrences(html, "class=\"bar budget\""), 2u * 12);
  EXPECT_EQ(Occurrences(html, "<g class=\"ahead\">"), 2u * 11);
  EXPECT_THAT(html, HasSubstr("class=\"axis\""));
  EXPECT_THAT(html, HasSubstr("class=\"grid\""));
  EXPECT_THAT(html, HasSubstr("No spend recorded yet"));
  EXPECT_THAT(html, Not(HasSubstr("No months to show")));
  EXPECT_THAT(html, HasSubstr("No stages in the budget year"));
  EXPECT_THAT(html, HasSubstr("No sources in the budget year"));
  EXPECT_THAT(html, HasSubstr("No findings"));
  // The year's months along the x axis, April first.
  EXPECT_THAT(html, HasSubstr("text-anchor=\"middle\">Apr</text>"));
  EXPECT_THAT(html, HasSubstr(">2027</text>"));
  // Pace, projection and days left absent: a dash.
  EXPECT_THAT(html, HasSubstr("<dt>Pace</dt><dd><span class=\"v\">—</span>"));
  EXPECT_THAT(html, HasSubstr("<dt>Projected</dt><dd><span class=\"v\">—</span>"));
  EXPECT_THAT(html, HasSubstr("<dt>Days of budget left</dt><dd><span class=\"v\">—</span>"));
  EXPECT_THAT(html, HasSubstr(">COMPLIANT<"));
}

TEST(ComplianceHtml, DefaultStructRenders) {
  const std::string html = report::ComplianceHtml(ComplianceReport{});
  ExpectSound(html);
  EXPECT_THAT(html, HasSubstr("No months to show"));  // no budget year to draw
}

// The library's report stops at as_of (its days and months); the charts
// show the whole budget year: every month's budget bar (no spent bar after
// as_of), the season-expected curve and the ceiling to the year's last day,
// the spend up to as_of and no further, marked "as of".
TEST(ComplianceHtml, TheWholeYearWithAsOfInMarch) {
  const ComplianceReport r = AsOfMarch();
  ASSERT_EQ(r.months.size(), 3u);
  const std::string html = report::ComplianceHtml(r);
  ExpectSound(html);
  MaybeWrite("as_of_march.html", html);

  const std::vector<std::string> monthly = Charts(html, "Monthly spend");
  ASSERT_EQ(monthly.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    const std::string& svg = monthly[k];
    const bool narrow = k == 1;
    SCOPED_TRACE(narrow ? "narrow" : "wide");
    EXPECT_EQ(Occurrences(svg, "class=\"bar budget\""), 12u);
    EXPECT_EQ(Occurrences(svg, "class=\"bar spent\"") + Occurrences(svg, "class=\"bar over\""), 3u);
    EXPECT_EQ(Occurrences(svg, "<g class=\"ahead\">"), 9u);
    EXPECT_THAT(svg, HasSubstr(narrow ? ">D</text>" : ">Dec</text>"));
    // A month after as_of: its budget, ceiling × its share.
    EXPECT_THAT(svg, HasSubstr("<title>2026-10: a budget of 3,850\u00a0kWh (after the as-of date)</title>"));
    EXPECT_THAT(svg, HasSubstr("<title>2026-03: spent "));
    // The months after as_of shaded from 15/31 into March (the third band)
    // to the plot's right edge, with the as-of line there.
    const double left = narrow ? 44 : 74, right = narrow ? 372 : 836;
    const double x = left + (right - left) / 12 * (2 + 15.0 / 31);
    EXPECT_EQ(Attribute(svg, "class=\"future\"", "x"), Coordinate(x));
    EXPECT_EQ(Attribute(svg, "class=\"future\"", "width"), Coordinate(right - x));
    EXPECT_EQ(Attribute(svg, "class=\"asof\"", "x1"), Coordinate(x));
    EXPECT_THAT(svg, HasSubstr(">as of 15\u00a0Mar</text>"));
  }

  const std::vector<std::string> cumulative = Charts(html, "Cumulative spend");
  ASSERT_EQ(cumulative.size(), 2u);
  for (size_t k = 0; k < 2; ++k) {
    const std::string& svg = cumulative[k];
    const bool narrow = k == 1;
    SCOPED_TRACE(narrow ? "narrow" : "wide");
    const double left = narrow ? 44 : 74, right = narrow ? 370 : 836;
    // 15 March is day 74 of 365: the end of its day.
    const std::string as_of_x = Coordinate(left + 74.0 / 365 * (right - left));
    EXPECT_EQ(Attribute(svg, "class=\"asof\"", "x1"), as_of_x);
    EXPECT_EQ(LastX(Attribute(svg, "class=\"spend\"", "points")), as_of_x);
    EXPECT_EQ(Attribute(svg, "class=\"spend-end\"", "cx"), as_of_x);
    EXPECT_THAT(svg, HasSubstr(">as of 15\u00a0Mar</text>"));
    EXPECT_THAT(svg, HasSubstr("<title>Spent by 15\u00a0Mar\u00a02026: "));
    // The expected curve, the projection and the ceiling run to the year's end.
    const std::string end_x = Coordinate(right);
    EXPECT_EQ(LastX(Attribute(svg, "class=\"expected\"", "points")), end_x);
    EXPECT_EQ(LastX(Attribute(svg, "class=\"projection\"", "points")), end_x);
    EXPECT_EQ(Attribute(svg, "class=\"ceiling\"", "x2"), end_x);
    EXPECT_EQ(Attribute(svg, "class=\"future\"", "x"), as_of_x);
  }
  EXPECT_EQ(Occurrences(html, "After the as-of date"), 2u);  // both charts' legends
  // The table holds the months through as_of.
  EXPECT_THAT(html, HasSubstr("<td>Mar 2026</td>"));
  EXPECT_THAT(html, Not(HasSubstr("<td>Apr 2026</td>")));
}

TEST(ComplianceHtml, ASouthernYearRunsFromJulyToJune) {
  const ComplianceReport r = SouthernSeptember();
  const std::string html = report::ComplianceHtml(r);
  ExpectSound(html);
  MaybeWrite("southern.html", html);
  const std::vector<std::string> monthly = Charts(html, "Monthly spend");
  ASSERT_EQ(monthly.size(), 2u);
  const std::string& wide = monthly[0];
  EXPECT_EQ(Occurrences(wide, "class=\"bar budget\""), 12u);
  EXPECT_EQ(Occurrences(wide, "class=\"bar spent\""), 3u);
  // In the year's order, July 2026 to June 2027.
  size_t at = 0;
  for (int i = 0; i < 12; ++i) {
    const int64_t year = i < 6 ? 2026 : 2027;
    const unsigned month = static_cast<unsigned>((6 + i) % 12 + 1);
    const size_t next = wide.find(fmt::format("<title>{}-{:02}: ", year, month), at);
    ASSERT_NE(next, std::string::npos) << year << "-" << month;
    at = next;
  }
  EXPECT_THAT(wide, HasSubstr("<title>2027-06: a budget of 7,150\u00a0kWh"));  // 55,000 × 13 %
  // The first month on the axis is July.
  const std::string month_tick = "text-anchor=\"middle\">";
  const size_t first_month = wide.find(month_tick);
  ASSERT_NE(first_month, std::string::npos);
  EXPECT_EQ(wide.substr(first_month + month_tick.size(), 4), "Jul<");
  EXPECT_THAT(wide, HasSubstr(">2026</text>"));
  EXPECT_THAT(wide, HasSubstr(">2027</text>"));
  EXPECT_THAT(wide, HasSubstr(">as of 20\u00a0Sep</text>"));
  // The cumulative chart: the spend ends at as_of, day 82 of 365.
  const std::vector<std::string> cumulative = Charts(html, "Cumulative spend");
  ASSERT_EQ(cumulative.size(), 2u);
  const std::string as_of_x = Coordinate(74 + 82.0 / 365 * (836 - 74));
  EXPECT_EQ(LastX(Attribute(cumulative[0], "class=\"spend\"", "points")), as_of_x);
  EXPECT_EQ(Attribute(cumulative[0], "class=\"asof\"", "x1"), as_of_x);
}

TEST(ComplianceHtml, SpendAfterAsOfIsNotDrawn) {
  ComplianceReport r = Typical();  // days through 30 June
  r.as_of = "2026-03-15";
  const std::string html = report::ComplianceHtml(r);
  ExpectSound(html);
  const std::vector<std::string> cumulative = Charts(html, "Cumulative spend");
  ASSERT_EQ(cumulative.size(), 2u);
  const std::string as_of_x = Coordinate(74 + 74.0 / 365 * (836 - 74));
  EXPECT_EQ(LastX(Attribute(cumulative[0], "class=\"spend\"", "points")), as_of_x);
}

TEST(ComplianceHtml, MonthsAheadWithFiguresThatAreNotFinite) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  ComplianceReport r = AsOfMarch();
  r.potential.monthly_share[9] = nan;
  std::string html = report::ComplianceHtml(r);
  ExpectSound(html);
  EXPECT_THAT(html, HasSubstr("<title>2026-10: a budget of —"));
  EXPECT_EQ(Occurrences(Charts(html, "Monthly spend")[0], "class=\"bar budget\""), 11u);
  r.ceiling_kwh = std::numeric_limits<double>::infinity();
  html = report::ComplianceHtml(r);
  ExpectSound(html);
  // An absurd budget year still gives a bounded number of months.
  r = AsOfMarch();
  r.budget_year_end = "9999-12-31";
  html = report::ComplianceHtml(r);
  ExpectSound(html);
  EXPECT_LE(Occurrences(html, "class=\"bar budget\""), 2u * 13);
}

TEST(ComplianceHtml, HostileStringsAreEscaped) {
  const ComplianceReport r = Hostile();
  const std::string html = report::ComplianceHtml(r);
  ExpectSound(html, /*urls_in_text=*/true);
  MaybeWrite("hostile.html", html);
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("alert(1)</")));
  EXPECT_THAT(html, Not(HasSubstr("onmouseover=\"")));
  EXPECT_THAT(html, HasSubstr("&quot; onmouseover=&quot;alert(2)&quot; x=&#39;"));
  EXPECT_THAT(html, Not(HasSubstr("<svg onload")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, Not(HasSubstr("<i>")));
  EXPECT_THAT(html, HasSubstr("a&amp;b&lt;c&gt;d&quot;e&#39;f"));
  EXPECT_THAT(html, HasSubstr("(empty)"));
  // The URL in a source is text, escaped, never a link (the only "//" but
  // the SVG namespace's).
  EXPECT_THAT(html, HasSubstr("&amp; http://evil.example/x.json"));
  EXPECT_EQ(TagBalance(html), "");
}

TEST(ComplianceHtml, InvalidUtf8AndControlCharactersAreReplaced) {
  ComplianceReport r = Typical();
  r.by_stage[0].key = std::string("bad\xff\xfe utf8 \xe2\x82 and \x01\x1b[31m", 22);
  r.by_source[0].key = "tab\there\nnewline";
  r.findings[0].message = std::string("nul \0 inside", 12);
  const std::string html = report::ComplianceHtml(r);
  ExpectSound(html);
  EXPECT_THAT(html, Not(HasSubstr(std::string(1, '\0'))));
  EXPECT_THAT(html, Not(HasSubstr("\x1b")));
  EXPECT_THAT(html, HasSubstr("tab here newline"));
}

TEST(ComplianceHtml, NonFiniteFiguresNeverReachTheSvg) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  ComplianceReport r = Typical();
  r.ceiling_kwh = inf;
  r.spent_kwh = nan;
  r.budget_to_date_kwh = -inf;
  r.expected_share_to_date = nan;
  r.pace = nan;
  r.projected_kwh = inf;
  r.naive_projected_kwh = nan;
  r.ceiling_pct = nan;
  r.potential.annual_kwh = inf;
  r.potential.monthly_share[2] = nan;
  r.potential.pvgis_peakpower_kwp = nan;
  r.days[10].cumulative_kwh = nan;
  r.days[11].expected_cumulative_share = inf;
  r.days[12].cumulative_kwh = -inf;
  r.months[0].spent_kwh = inf;
  r.months[1].budget_kwh = nan;
  r.by_stage[0].spent_kwh = inf;
  r.by_stage[1].spent_kwh = nan;
  r.by_source[0].spent_kwh = -inf;
  r.findings[0].value = nan;
  std::string html = report::ComplianceHtml(r);
  ExpectSound(html);

  // Huge but finite figures too.
  r = Typical();
  r.ceiling_kwh = 1e308;
  r.spent_kwh = 1.7e308;
  r.projected_kwh = 1.79e308;
  r.by_stage[0].spent_kwh = 1e308;
  r.by_stage[1].spent_kwh = 1e308;
  r.months[0].spent_kwh = -1e308;
  html = report::ComplianceHtml(r);
  ExpectSound(html);
}

TEST(ComplianceHtml, HundredsOfStagesShowTheTop15) {
  ComplianceReport r = Typical();
  r.by_stage.clear();
  for (int i = 0; i < 300; ++i) {
    r.by_stage.push_back({fmt::format("stage-{:03}", i), 1000.0 - i, 3, 10});
  }
  r.by_stage[0].key = "a-very-long-stage-identifier-that-goes-on-and-on-" + std::string(200, 'x') + "-end";
  const std::string html = report::ComplianceHtml(r);
  ExpectSound(html);
  MaybeWrite("many_stages.html", html);
  EXPECT_THAT(html, HasSubstr("stage-014"));
  EXPECT_THAT(html, Not(HasSubstr("stage-015<")));
  EXPECT_THAT(html, Not(HasSubstr(">stage-015")));
  EXPECT_THAT(html, HasSubstr("… and 285 more stages"));
  // 285 stages, 1000 - 15 ... 1000 - 299, summed.
  double rest = 0;
  for (int i = 15; i < 300; ++i) rest += 1000.0 - i;
  EXPECT_THAT(html, HasSubstr(fmt::format("{},{:03}\u00a0kWh", static_cast<int>(rest) / 1000,
                                          static_cast<int>(rest) % 1000)));
  // The long key is cut in the label, whole in the tooltip.
  EXPECT_THAT(html, HasSubstr("<title>" + r.by_stage[0].key + ":"));
  EXPECT_THAT(html, HasSubstr(">" + r.by_stage[0].key.substr(0, 33) + "…</text>"));  // wide
  EXPECT_THAT(html, HasSubstr(">" + r.by_stage[0].key.substr(0, 43) + "…</text>"));  // narrow
}

TEST(ComplianceHtml, NumbersAreReadable) {
  ComplianceReport r = Typical();
  r.spent_kwh = 1234567.891;
  r.pace = 0.98765;
  r.ceiling_pct = 4.5;
  r.ceiling_pct_is_integer = false;
  r.days_of_budget_left = 0;
  r.by_source[0].spent_kwh = 12.345;
  r.by_source[1].spent_kwh = 0.5;
  const std::string html = report::ComplianceHtml(r);
  EXPECT_THAT(html, HasSubstr("1,234,568\u00a0kWh"));
  EXPECT_THAT(html, HasSubstr("98.8\u00a0%"));
  EXPECT_THAT(html, HasSubstr("4.5\u00a0% of the annual potential"));
  EXPECT_THAT(html, HasSubstr("12.3\u00a0kWh"));
  EXPECT_THAT(html, HasSubstr("0.50\u00a0kWh"));
  EXPECT_THAT(html, HasSubstr("the budget is spent"));
}

}  // namespace
}  // namespace budget_audit
