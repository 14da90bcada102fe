// The compliance report as one self-contained HTML page (compliance_html.h).
#include "report/compliance_html.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "util/civil_time.h"

namespace budget_audit::report {
namespace {

constexpr std::string_view kDash = "—";
constexpr std::string_view kNbsp = "\u00a0";
constexpr std::array<std::string_view, 12> kMonthAbbr = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 12> kMonthName = {"January",   "February", "March",    "April",
                                                         "May",       "June",     "July",     "August",
                                                         "September", "October",  "November", "December"};
// The stages and sources drawn; the rest are summed on one line.
constexpr size_t kTopGroups = 15;
// A year's chart never spans more days than this (a report with absurd
// dates still renders, over a bounded number of points).
constexpr int64_t kMaxDays = 3700;

template <typename... Args>
void Out(std::string& out, fmt::format_string<Args...> f, Args&&... args) {
  fmt::format_to(std::back_inserter(out), f, std::forward<Args>(args)...);
}

// ---------------------------------------------------------------- text

// The code points of `s` as shown: invalid UTF-8 and control characters
// become U+FFFD, tabs and line breaks spaces.
std::vector<uint32_t> CodePoints(std::string_view s) {
  std::vector<uint32_t> cps;
  cps.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0xFFFD;
    size_t len = 1;
    if (c < 0x80) {
      cp = c;
    } else {
      size_t n = 0;
      uint32_t v = 0, min = 0;
      if ((c & 0xE0) == 0xC0) {
        n = 1, v = c & 0x1Fu, min = 0x80;
      } else if ((c & 0xF0) == 0xE0) {
        n = 2, v = c & 0x0Fu, min = 0x800;
      } else if ((c & 0xF8) == 0xF0) {
        n = 3, v = c & 0x07u, min = 0x10000;
      }
      bool ok = n > 0 && i + n < s.size();
      for (size_t k = 1; ok && k <= n; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) ok = false;
        v = (v << 6) | (b & 0x3Fu);
      }
      if (ok && v >= min && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF)) {
        cp = v;
        len = n + 1;
      }
    }
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      cp = ' ';
    } else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) {
      cp = 0xFFFD;
    }
    cps.push_back(cp);
    i += len;
  }
  return cps;
}

void AppendEscaped(std::string& out, uint32_t cp) {
  switch (cp) {
    case '&': out += "&amp;"; return;
    case '<': out += "&lt;"; return;
    case '>': out += "&gt;"; return;
    case '"': out += "&quot;"; return;
    case '\'': out += "&#39;"; return;
    default: break;
  }
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// `s` escaped, cut to `max` code points (the last one an ellipsis) when
// longer; `*cut` tells whether it was.
std::string EscTruncated(std::string_view s, size_t max, bool* cut) {
  const std::vector<uint32_t> cps = CodePoints(s);
  *cut = cps.size() > max;
  const size_t keep = *cut ? (max > 0 ? max - 1 : 0) : cps.size();
  std::string out;
  for (size_t i = 0; i < keep; ++i) AppendEscaped(out, cps[i]);
  if (*cut) out += "…";
  return out;
}

// ---------------------------------------------------------------- numbers

// `v` with `decimals` decimals and thousands separators; "—" when not finite.
std::string Grouped(double v, int decimals) {
  if (!std::isfinite(v)) return std::string(kDash);
  if (std::fabs(v) >= 1e15) return fmt::format("{:.3e}", v);
  const std::string s = fmt::format("{:.{}f}", std::fabs(v), decimals);
  const bool negative = v < 0 && s.find_first_not_of("0.") != std::string::npos;
  const size_t int_end = std::min(s.find('.'), s.size());
  std::string out = negative ? "−" : "";
  for (size_t i = 0; i < int_end; ++i) {
    if (i > 0 && (int_end - i) % 3 == 0) out += ',';
    out += s[i];
  }
  out.append(s, int_end, std::string::npos);
  return out;
}

// kWh as people read them: whole above 1,000, one decimal above 10.
int KwhDecimals(double v) {
  const double a = std::fabs(v);
  return a >= 1000 || a == 0 || !std::isfinite(a) ? 0 : a >= 10 ? 1 : 2;
}

std::string KwhNumber(double v) { return Grouped(v, KwhDecimals(v)); }

std::string Kwh(double v) {
  if (!std::isfinite(v)) return std::string(kDash);
  return KwhNumber(v) + std::string(kNbsp) + "kWh";
}

std::string Kwh(const std::optional<double>& v) { return v ? Kwh(*v) : std::string(kDash); }

// A fraction as a percentage with one decimal.
std::string Pct(double fraction) {
  if (!std::isfinite(fraction)) return std::string(kDash);
  return Grouped(fraction * 100, 1) + std::string(kNbsp) + "%";
}

std::string Count(int64_t n) { return Grouped(static_cast<double>(n), 0); }

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{}{}{}", Count(n), kNbsp, n == 1 ? one : many);
}

// An SVG coordinate: finite, bounded, one decimal.
std::string C(double v) {
  if (!std::isfinite(v)) v = 0;
  v = std::clamp(v, -1e6, 1e6);
  std::string s = fmt::format("{:.1f}", v);
  if (s == "-0.0") s = "0.0";
  return s;
}

double Finite(double v, double otherwise = 0) { return std::isfinite(v) ? v : otherwise; }

std::optional<int64_t> Day(std::string_view date) { return ParseDate(date); }

int64_t DaysInMonth(int64_t year, unsigned month) {
  const int64_t first = DaysFromCivil(year, month, 1);
  const int64_t next = month == 12 ? DaysFromCivil(year + 1, 1, 1) : DaysFromCivil(year, month + 1, 1);
  return next - first;
}

// "YYYY-MM" → month 1..12 and the year.
std::optional<std::pair<int64_t, unsigned>> ParseMonth(std::string_view ym) {
  if (auto d = Day(std::string(ym) + "-01")) {
    const CivilDate c = CivilFromDays(*d);
    return std::make_pair(c.year, c.month);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- charts

// A month's name on an axis: "Jan", or "J" where `room` (px) is short.
std::string_view MonthTick(unsigned month, double room, double font) {
  const std::string_view abbr = kMonthAbbr[month - 1];
  return room >= 2.6 * font ? abbr : abbr.substr(0, 1);
}

// One drawing of a chart: its viewBox and margins.
struct Variant {
  const char* cls;  // "wide" (screens and print) or "narrow" (phones)
  bool narrow;
  double width, height;
  double left, right, top, bottom;
  double font;
  double plot_width() const { return width - left - right; }
  double plot_height() const { return height - top - bottom; }
};

constexpr Variant kLineWide{"wide", false, 860, 360, 74, 24, 30, 48, 13};
constexpr Variant kLineNarrow{"narrow", true, 380, 300, 44, 10, 30, 46, 12};
constexpr Variant kBarsWide{"wide", false, 860, 300, 74, 24, 26, 48, 13};
constexpr Variant kBarsNarrow{"narrow", true, 380, 250, 44, 8, 24, 46, 12};

void OpenSvg(std::string& out, const Variant& v, double height, std::string_view label) {
  Out(out,
      "<svg class=\"chart {}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {} {}\" "
      "role=\"img\" aria-label=\"{}\" font-size=\"{}\">\n",
      v.cls, C(v.width), C(height), label, C(v.font));
}

// A vertical axis from lo to hi in steps of `step`.
struct Scale {
  double lo = 0, hi = 1, step = 0.2;
  double top = 0, bottom = 0;  // pixels of hi and lo
  double Y(double v) const {
    if (!std::isfinite(v)) v = 0;
    v = std::clamp(v, lo, hi);
    return bottom - (v - lo) / (hi - lo) * (bottom - top);
  }
};

double NiceStep(double raw) {
  const double e = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / e;
  const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * e;
}

// A scale over [min(0, lo), max(hi, 0)] with about `ticks` round steps.
Scale MakeScale(double lo, double hi, int ticks, double top, double bottom) {
  Scale s;
  s.top = top;
  s.bottom = bottom;
  lo = std::min(0.0, Finite(lo));
  hi = std::max(0.0, Finite(hi));
  if (hi - lo <= 0 || !std::isfinite(hi - lo)) hi = lo + 1;
  s.step = NiceStep((hi - lo) / ticks);
  s.lo = std::floor(lo / s.step) * s.step;
  s.hi = std::ceil(hi / s.step) * s.step;
  if (s.hi - s.lo <= 0) s.hi = s.lo + s.step;
  if ((s.hi - s.lo) / s.step > 40) s.step = (s.hi - s.lo) / 10;  // a precision corner: few ticks anyway
  return s;
}

// A tick's label: thousands separators (wide) or k/M (narrow).
std::string TickLabel(double value, const Scale& s, bool compact) {
  double div = 1;
  std::string_view suffix;
  const double top = std::max(std::fabs(s.hi), std::fabs(s.lo));
  if (top >= 1e6) {
    div = 1e6, suffix = "M";
  } else if (compact && top >= 1e4) {
    div = 1e3, suffix = "k";
  }
  const double step = s.step / div;
  int decimals = 0;
  if (step < 1) decimals = std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
  if (std::fabs(step * std::pow(10.0, decimals) - std::round(step * std::pow(10.0, decimals))) > 1e-6) {
    decimals = std::min(6, decimals + 1);  // 2.5, 0.25
  }
  double shown = value / div;
  if (std::fabs(shown) < step / 1e6) return "0";
  std::string text = Grouped(shown, decimals);
  if (!suffix.empty() && text.find('.') != std::string::npos) {  // 10k, 7.5k, 5k
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text + std::string(suffix);
}

void YAxis(std::string& out, const Variant& v, const Scale& s, std::string_view unit) {
  const int n = static_cast<int>(std::lround((s.hi - s.lo) / s.step));
  for (int i = 0; i <= n && i <= 50; ++i) {
    const double value = s.lo + i * s.step;
    const double y = s.Y(value);
    Out(out, "<line class=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
        std::fabs(value) < s.step / 1e6 ? "zero" : "grid", C(v.left), C(y), C(v.width - v.right), C(y));
    Out(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" dy=\"0.32em\" text-anchor=\"end\">{}</text>\n",
        C(v.left - 6), C(y), TickLabel(value, s, v.narrow));
  }
  Out(out, "<text class=\"unit\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", C(v.left - 6),
      C(s.top - 12), unit);
}

// ---- chart 1: cumulative spend over the budget year

struct Year {
  int64_t start = 0;  // days since 1970-01-01
  int64_t n = 365;    // days in the budget year
};

Year ResolveYear(const ComplianceReport& r) {
  Year y;
  std::optional<int64_t> start = Day(r.budget_year_start);
  std::optional<int64_t> end = Day(r.budget_year_end);
  if (!start) {
    for (const auto& d : r.days) {
      if ((start = Day(d.date))) break;
    }
  }
  if (!start) start = Day(r.as_of);
  if (!start && end) start = *end - 364;
  y.start = start.value_or(0);
  if (!end || *end < y.start || *end - y.start >= kMaxDays) {
    const CivilDate c = CivilFromDays(y.start);
    end = (c.month == 2 && c.day == 29 ? DaysFromCivil(c.year + 1, 3, 1)
                                       : DaysFromCivil(c.year + 1, c.month, c.day)) -
          1;
  }
  y.n = std::clamp<int64_t>(*end - y.start + 1, 1, kMaxDays);
  return y;
}

struct Cumulative {
  Year year;
  std::vector<std::pair<int64_t, double>> spend;  // (day index, cumulative kWh at its end)
  std::vector<double> expected;                   // the expected share at each day's end
  bool have_expected = false;
  std::optional<int64_t> as_of;                        // day index
  std::vector<std::pair<int64_t, double>> projection;  // from as_of to the year's end
  double lo = 0, hi = 0;
};

Cumulative CumulativeSeries(const ComplianceReport& r) {
  Cumulative c;
  c.year = ResolveYear(r);
  const int64_t n = c.year.n;

  // The model: s(d) = the month's share ÷ its days (uniform without shares).
  std::vector<double> model(n);
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    const CivilDate d = CivilFromDays(c.year.start + i);
    const double m = r.potential.monthly_share[d.month - 1];
    const double s = std::isfinite(m) && m > 0 ? m / static_cast<double>(DaysInMonth(d.year, d.month)) : 0;
    total += s;
    model[i] = total;
  }
  if (!(total > 0) || !std::isfinite(total)) {
    for (int64_t i = 0; i < n; ++i) model[i] = static_cast<double>(i + 1) / static_cast<double>(n);
    total = 1;
  }

  // The report's own figures through as_of; the model after them, scaled
  // so that the year ends at the whole share.
  std::vector<std::optional<double>> known(n);
  int64_t last_known = -1;
  for (const auto& d : r.days) {
    const std::optional<int64_t> day = Day(d.date);
    if (!day || *day < c.year.start || *day - c.year.start >= n) continue;
    const int64_t i = *day - c.year.start;
    if (std::isfinite(d.cumulative_kwh)) c.spend.emplace_back(i, d.cumulative_kwh);
    if (std::isfinite(d.expected_cumulative_share)) {
      known[i] = d.expected_cumulative_share;
      last_known = std::max(last_known, i);
    }
  }
  std::sort(c.spend.begin(), c.spend.end());
  const double ek = last_known >= 0 ? *known[last_known] : 0;
  const double mk = last_known >= 0 ? model[last_known] : 0;
  c.expected.resize(n);
  for (int64_t i = 0; i < n; ++i) {
    if (known[i]) {
      c.expected[i] = *known[i];
    } else if (i > last_known) {
      const double rest = total - mk;
      c.expected[i] = rest > 0 ? ek + (1 - ek) * (model[i] - mk) / rest : ek;
    } else {
      c.expected[i] = model[i] / total;
    }
  }
  c.have_expected = std::isfinite(r.ceiling_kwh);

  if (const auto a = Day(r.as_of); a && *a >= c.year.start && *a - c.year.start < n) {
    c.as_of = *a - c.year.start;
    // The spend stops at as_of: a day after it is not the report's.
    std::erase_if(c.spend, [&](const auto& p) { return p.first > *c.as_of; });
  } else if (!c.spend.empty()) {
    c.as_of = c.spend.back().first;
  }

  // The projection: today's spend grown in the seasons' proportions, to
  // the report's projected figure at the year's end.
  if (c.as_of && r.projected_kwh && std::isfinite(*r.projected_kwh) && *c.as_of < n - 1) {
    const int64_t a = *c.as_of;
    double spent = Finite(r.spent_kwh);
    for (const auto& [i, kwh] : c.spend) {
      if (i <= a) spent = kwh;
    }
    const double ea = c.expected[a];
    const double rest = c.expected[n - 1] - ea;
    if (std::isfinite(ea) && rest > 1e-12) {
      for (int64_t i = a; i < n; ++i) {
        c.projection.emplace_back(i, spent + (*r.projected_kwh - spent) * (c.expected[i] - ea) / rest);
      }
    }
  }

  // Room above the ceiling for its label.
  c.hi = c.have_expected ? r.ceiling_kwh * 1.08 : 0;
  for (const auto& [i, kwh] : c.spend) c.hi = std::max(c.hi, kwh), c.lo = std::min(c.lo, kwh);
  for (const auto& [i, kwh] : c.projection) c.hi = std::max(c.hi, kwh), c.lo = std::min(c.lo, kwh);
  if (c.have_expected) c.lo = std::min(c.lo, r.ceiling_kwh);
  return c;
}

// "30 Sep 2026" (or "30 Sep") of a day since 1970-01-01.
std::string DayLabel(int64_t day, bool with_year) {
  const CivilDate d = CivilFromDays(day);
  return with_year ? fmt::format("{}{}{}{}{}", d.day, kNbsp, kMonthAbbr[d.month - 1], kNbsp, d.year)
                   : fmt::format("{}{}{}", d.day, kNbsp, kMonthAbbr[d.month - 1]);
}

// The as-of line down a chart at x, labelled above the plot: "as of 30 Sep",
// after the line, or before it where the label would leave the chart.
void AsOfMarker(std::string& out, const Variant& v, double x, int64_t day) {
  Out(out, "<line class=\"asof\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", C(x), C(v.top - 4), C(x),
      C(v.height - v.bottom));
  const std::string text = "as of " + DayLabel(day, false);
  const double width = static_cast<double>(CodePoints(text).size()) * 0.62 * v.font;
  const bool end = x > v.left + v.plot_width() * 0.75 || x + 4 + width > v.width - 2;
  Out(out, "<text class=\"label asof-label\" x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>\n",
      C(end ? x - 4 : x + 4), C(v.top - 8), end ? "end" : "start", text);
}

// The x of the end of day index i (i = -1: the year's start).
double DayX(const Variant& v, const Year& y, double i) {
  return v.left + (i + 1) / static_cast<double>(y.n) * v.plot_width();
}

// Month boundaries along the x axis, with the month's name between them
// and the year under the first month and each January.
void MonthAxis(std::string& out, const Variant& v, const Year& y) {
  const double base = v.height - v.bottom;
  std::vector<int64_t> bounds{0};
  for (int64_t i = 1; i < y.n; ++i) {
    if (CivilFromDays(y.start + i).day == 1) bounds.push_back(i);
  }
  bounds.push_back(y.n);
  const double per_month = v.plot_width() * 30.4 / static_cast<double>(y.n);
  const int every = per_month >= 2.2 * v.font ? 1 : per_month * 3 >= 2.2 * v.font ? 3 : 12;
  bool first = true;
  for (size_t k = 0; k + 1 < bounds.size(); ++k) {
    const double x0 = DayX(v, y, static_cast<double>(bounds[k]) - 1);
    const double x1 = DayX(v, y, static_cast<double>(bounds[k + 1]) - 1);
    Out(out, "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", C(x0), C(base), C(x0),
        C(base + 5));
    const CivilDate d = CivilFromDays(y.start + bounds[k]);
    if (x1 - x0 < 1.6 * v.font || (d.month - 1) % every != 0) continue;
    const double xm = (x0 + x1) / 2;
    Out(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", C(xm),
        C(base + v.font + 6), MonthTick(d.month, per_month, v.font));
    if (first || d.month == 1) {
      Out(out, "<text class=\"tick year\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", C(xm),
          C(base + 2 * v.font + 10), d.year);
    }
    first = false;
  }
  Out(out, "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", C(v.left), C(base),
      C(v.width - v.right), C(base));
  Out(out, "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", C(DayX(v, y, y.n - 1)),
      C(base), C(DayX(v, y, y.n - 1)), C(base + 5));
}

std::string Points(const Variant& v, const Year& y, const Scale& s,
                   const std::vector<std::pair<int64_t, double>>& pts, bool from_zero) {
  std::string p;
  if (from_zero) Out(p, "{},{}", C(DayX(v, y, -1)), C(s.Y(0)));
  for (const auto& [i, kwh] : pts) {
    if (!p.empty()) p += ' ';
    Out(p, "{},{}", C(DayX(v, y, static_cast<double>(i))), C(s.Y(kwh)));
  }
  return p;
}

void CumulativeChart(std::string& out, const ComplianceReport& r, const Cumulative& c, const Variant& v) {
  OpenSvg(out, v, v.height,
          "Cumulative spend per day over the budget year, against the ceiling and the season-expected curve");
  const Year& y = c.year;
  const Scale s = MakeScale(c.lo, c.hi, v.narrow ? 4 : 6, v.top, v.height - v.bottom);
  const double right = v.width - v.right;

  // The days after as_of, shaded.
  if (c.as_of && *c.as_of < y.n - 1) {
    const double x = DayX(v, y, static_cast<double>(*c.as_of));
    Out(out, "<rect class=\"future\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n", C(x), C(v.top),
        C(right - x), C(v.plot_height()));
  }
  YAxis(out, v, s, "kWh");
  MonthAxis(out, v, y);

  if (c.have_expected) {
    std::vector<std::pair<int64_t, double>> expected;
    expected.reserve(c.expected.size());
    for (int64_t i = 0; i < y.n; ++i) expected.emplace_back(i, r.ceiling_kwh * c.expected[i]);
    Out(out, "<polyline class=\"expected\" points=\"{}\"/>\n", Points(v, y, s, expected, true));
    const double yc = s.Y(r.ceiling_kwh);
    Out(out, "<line class=\"ceiling\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", C(v.left), C(yc),
        C(right), C(yc));
    // Its label at the left, or after the as-of line when that is near.
    double xl = v.left + 6;
    if (c.as_of) {
      const double xa = DayX(v, y, static_cast<double>(*c.as_of));
      if (xa < v.left + v.plot_width() * 0.3) xl = xa + 6;
    }
    Out(out, "<text class=\"label ceiling-label\" x=\"{}\" y=\"{}\">Ceiling {}</text>\n", C(xl), C(yc - 6),
        Kwh(r.ceiling_kwh));
  }
  if (!c.projection.empty()) {
    Out(out, "<polyline class=\"projection\" points=\"{}\"/>\n", Points(v, y, s, c.projection, false));
    const auto& [i, kwh] = c.projection.back();
    const double x = DayX(v, y, static_cast<double>(i)), yp = s.Y(kwh);
    Out(out,
        "<circle class=\"projection-end\" cx=\"{}\" cy=\"{}\" r=\"3.5\"><title>Projected: "
        "{}</title></circle>\n",
        C(x), C(yp), Kwh(kwh));
  }
  const bool spent = std::any_of(c.spend.begin(), c.spend.end(), [](const auto& p) { return p.second != 0; });
  if (spent) {
    std::string area = "M" + Points(v, y, s, c.spend, true);
    Out(area, " L{},{} Z", C(DayX(v, y, static_cast<double>(c.spend.back().first))), C(s.Y(0)));
    Out(out, "<path class=\"spend-area\" d=\"{}\"/>\n", area);
    Out(out, "<polyline class=\"spend\" points=\"{}\"/>\n", Points(v, y, s, c.spend, true));
    const auto& [i, kwh] = c.spend.back();
    Out(out,
        "<circle class=\"spend-end\" cx=\"{}\" cy=\"{}\" r=\"3.5\"><title>Spent by {}: {}</title></circle>\n",
        C(DayX(v, y, static_cast<double>(i))), C(s.Y(kwh)), DayLabel(y.start + i, true), Kwh(kwh));
  } else {
    // Low in the middle, clear of the expected curve.
    Out(out, "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">No spend recorded yet</text>\n",
        C(v.left + v.plot_width() * 0.6), C(v.height - v.bottom - 12));
  }
  if (c.as_of) AsOfMarker(out, v, DayX(v, y, static_cast<double>(*c.as_of)), y.start + *c.as_of);
  out += "</svg>\n";
}

// ---- chart 2: monthly bars

// A month of chart 2: one of the report's (through as_of), or one of the
// budget year's after them, with its budget only.
struct MonthBar {
  std::string key;  // "YYYY-MM" (or whatever the report says)
  std::optional<std::pair<int64_t, unsigned>> ym;
  double spent_kwh = 0, budget_kwh = 0;
  int64_t interventions = 0, slots = 0;
  bool ahead = false;  // begins after as_of
};

struct MonthBars {
  std::vector<MonthBar> bars;
  // as_of's place along the bars: the index of its month plus the part of
  // the month through it (none when as_of is not a date in the bars).
  std::optional<double> as_of_at;
  std::optional<int64_t> as_of;  // days since 1970-01-01
  bool any_ahead = false;
};

int64_t FirstOfMonth(const std::pair<int64_t, unsigned>& ym) { return DaysFromCivil(ym.first, ym.second, 1); }

std::pair<int64_t, unsigned> NextMonth(const std::pair<int64_t, unsigned>& ym) {
  return ym.second == 12 ? std::make_pair(ym.first + 1, 1u) : std::make_pair(ym.first, ym.second + 1);
}

MonthBars MonthSeries(const ComplianceReport& r) {
  MonthBars m;
  m.as_of = Day(r.as_of);
  std::optional<int64_t> latest;  // the first day of the report's latest month
  for (const auto& month : r.months) {
    MonthBar b;
    b.key = month.month;
    b.ym = ParseMonth(month.month);
    b.spent_kwh = month.spent_kwh;
    b.budget_kwh = month.budget_kwh;
    b.interventions = month.interventions;
    b.slots = month.slots;
    if (b.ym) latest = std::max(latest.value_or(INT64_MIN), FirstOfMonth(*b.ym));
    m.bars.push_back(std::move(b));
  }
  // The budget year's months after the report's, each with its budget
  // (ceiling × the month's share): the whole year is drawn.
  const std::optional<int64_t> start = Day(r.budget_year_start), end = Day(r.budget_year_end);
  if (start && end && *end >= *start && *end - *start < kMaxDays) {
    const CivilDate first = CivilFromDays(*start);
    for (std::pair<int64_t, unsigned> ym{first.year, first.month}; FirstOfMonth(ym) <= *end;
         ym = NextMonth(ym)) {
      if (latest && FirstOfMonth(ym) <= *latest) continue;
      MonthBar b;
      b.key = fmt::format("{:04}-{:02}", ym.first, ym.second);
      b.ym = ym;
      b.budget_kwh = r.ceiling_kwh * r.potential.monthly_share[ym.second - 1];
      m.bars.push_back(std::move(b));
    }
  }
  if (!m.as_of) return m;
  const CivilDate a = CivilFromDays(*m.as_of);
  std::optional<size_t> first_ahead;
  for (size_t k = 0; k < m.bars.size(); ++k) {
    MonthBar& b = m.bars[k];
    if (!b.ym) continue;
    if (FirstOfMonth(*b.ym) > *m.as_of) {
      b.ahead = true;
      m.any_ahead = true;
      if (!first_ahead) first_ahead = k;
    } else if (!m.as_of_at && b.ym->first == a.year && b.ym->second == a.month) {
      m.as_of_at = static_cast<double>(k) + a.day / static_cast<double>(DaysInMonth(a.year, a.month));
    }
  }
  if (!m.as_of_at && first_ahead) m.as_of_at = static_cast<double>(*first_ahead);
  return m;
}

void MonthlyChart(std::string& out, const MonthBars& months, const Variant& v) {
  OpenSvg(out, v, v.height, "Monthly spend against the monthly budgets, over the whole budget year");
  double lo = 0, hi = 0;
  for (const auto& m : months.bars) {
    hi = std::max({hi, Finite(m.spent_kwh), Finite(m.budget_kwh)});
    lo = std::min({lo, Finite(m.spent_kwh), Finite(m.budget_kwh)});
  }
  const Scale s = MakeScale(lo, hi, v.narrow ? 4 : 5, v.top, v.height - v.bottom);
  const double base = v.height - v.bottom;
  const size_t n = months.bars.size();
  const double band = n > 0 ? v.plot_width() / static_cast<double>(n) : v.plot_width();
  // The months after the as-of date, shaded (under the grid, as in chart 1).
  const bool marked = months.as_of_at && *months.as_of_at < static_cast<double>(n);
  if (marked) {
    const double x = v.left + band * *months.as_of_at;
    Out(out, "<rect class=\"future\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n", C(x), C(v.top),
        C(v.left + band * static_cast<double>(n) - x), C(v.plot_height()));
  }
  YAxis(out, v, s, "kWh");
  const size_t every = band >= 2.2 * v.font ? 1 : band * 3 >= 2.2 * v.font ? 3 : std::max<size_t>(1, n / 4);
  const double y0 = s.Y(0);
  for (size_t k = 0; k < n; ++k) {
    const MonthBar& m = months.bars[k];
    const double x = v.left + band * static_cast<double>(k);
    const double spent = Finite(m.spent_kwh), budget = Finite(m.budget_kwh);
    const bool over = spent > budget * (1 + 1e-9) && spent > 0;
    if (m.ahead && spent == 0) {
      Out(out, "<g class=\"ahead\"><title>{}: a budget of {} (after the as-of date)</title>\n",
          HtmlText(m.key), Kwh(m.budget_kwh));
    } else {
      Out(out, "<g><title>{}: spent {} of a budget of {} ({} of it); {} in {}</title>\n", HtmlText(m.key),
          Kwh(m.spent_kwh), Kwh(m.budget_kwh),
          std::isfinite(m.budget_kwh) && m.budget_kwh > 0 ? Pct(m.spent_kwh / m.budget_kwh)
                                                          : std::string(kDash),
          Plural(m.interventions, "intervention", "interventions"), Plural(m.slots, "slot", "slots"));
    }
    if (budget != 0) {
      const double yb = s.Y(budget);
      Out(out, "<rect class=\"bar budget\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
          C(x + band * 0.1), C(std::min(yb, y0)), C(band * 0.8), C(std::fabs(y0 - yb)));
    }
    if (spent != 0) {
      const double ys = s.Y(spent);
      Out(out, "<rect class=\"bar {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/>\n",
          over ? "over" : "spent", C(x + band * 0.27), C(std::min(ys, y0)), C(band * 0.46),
          C(std::max(0.5, std::fabs(y0 - ys))));
    }
    out += "</g>\n";
    if (k % every == 0) {
      const double xm = x + band / 2;
      if (m.ym) {
        Out(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", C(xm),
            C(base + v.font + 6), MonthTick(m.ym->second, band * static_cast<double>(every), v.font));
        if (k == 0 || m.ym->second == 1) {
          Out(out, "<text class=\"tick year\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", C(xm),
              C(base + 2 * v.font + 10), m.ym->first);
        }
      } else {
        bool cut = false;
        Out(out, "<text class=\"tick\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n", C(xm),
            C(base + v.font + 6),
            EscTruncated(
                m.key,
                std::max<size_t>(1, static_cast<size_t>(band * static_cast<double>(every) / (0.75 * v.font))),
                &cut));
      }
    }
  }
  Out(out, "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", C(v.left), C(base),
      C(v.width - v.right), C(base));
  if (n == 0) {
    Out(out, "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">No months to show</text>\n",
        C(v.left + v.plot_width() / 2), C(v.top + v.plot_height() / 2));
  }
  if (marked) AsOfMarker(out, v, v.left + band * *months.as_of_at, *months.as_of);
  out += "</svg>\n";
}

// ---- charts 3 and 4: horizontal bars per stage and per source

// About how wide `text` (UTF-8, unescaped) is drawn at `font` px.
double TextWidth(std::string_view text, double font, double em = 0.62) {
  return static_cast<double>(CodePoints(text).size()) * em * font;
}

void GroupChart(std::string& out, const std::vector<ComplianceGroup>& groups, bool narrow,
                std::string_view noun_plural, std::string_view label) {
  const size_t shown = std::min(groups.size(), kTopGroups);
  const bool more = groups.size() > shown;
  const double width = narrow ? 380 : 860;
  const double font = narrow ? 12 : 13;
  const double row = narrow ? 42 : 30;
  const double top = 8;
  const double rows = static_cast<double>(std::max<size_t>(shown, 1) + (more ? 1 : 0));
  const double height = top + rows * row + 8;
  const Variant v{narrow ? "narrow" : "wide", narrow, width, height, 0, 0, 0, 0, font};
  OpenSvg(out, v, height, label);

  // The labels' and figures' room decides the bars'.
  const size_t key_max = narrow ? 44 : 34;
  struct Row {
    std::string key_shown, value, counts;
  };
  std::vector<Row> texts;
  double key_w = 0, text_w = 0, max = 0;
  for (size_t k = 0; k < shown; ++k) {
    const ComplianceGroup& g = groups[k];
    const std::string_view key = g.key.empty() ? std::string_view("(empty)") : std::string_view(g.key);
    const std::vector<uint32_t> cps = CodePoints(key);
    Row t;
    bool cut = false;
    t.key_shown = EscTruncated(key, key_max, &cut);
    t.value = Kwh(g.spent_kwh);
    t.counts = narrow ? fmt::format("· {} / {}", Count(g.interventions), Count(g.slots))
                      : fmt::format("· {} interventions / {} slots", Count(g.interventions), Count(g.slots));
    key_w = std::max(key_w, static_cast<double>(std::min(cps.size(), key_max)) * 0.62 * font);
    text_w = std::max(text_w, TextWidth(t.value, font, 0.68) + TextWidth(t.counts, font) + font * 0.4);
    max = std::max(max, Finite(g.spent_kwh));
    texts.push_back(std::move(t));
  }
  const double bar_x = narrow ? 0 : std::clamp(key_w + 14, 80.0, 320.0);
  const double bar_max = std::max(narrow ? 60.0 : 80.0, width - bar_x - 8 - text_w);
  if (!narrow) {
    Out(out, "<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", C(bar_x), C(top - 2),
        C(bar_x), C(top + rows * row - 2));
  }
  for (size_t k = 0; k < shown; ++k) {
    const ComplianceGroup& g = groups[k];
    const Row& t = texts[k];
    const double y = top + static_cast<double>(k) * row;
    Out(out, "<g><title>{}: {}, {} in {}</title>\n", HtmlText(g.key), Kwh(g.spent_kwh),
        Plural(g.interventions, "intervention", "interventions"), Plural(g.slots, "slot", "slots"));
    const double spent = Finite(g.spent_kwh);
    const double w = max > 0 && spent > 0 ? std::max(1.0, spent / max * bar_max) : 0;
    if (narrow) {
      Out(out, "<text class=\"key\" x=\"0\" y=\"{}\">{}</text>\n", C(y + 13), t.key_shown);
      if (w > 0) {
        Out(out, "<rect class=\"bar spent\" x=\"0\" y=\"{}\" width=\"{}\" height=\"14\" rx=\"2\"/>\n",
            C(y + 19), C(w));
      }
      Out(out, "<text class=\"value\" x=\"{}\" y=\"{}\">{} <tspan class=\"counts\">{}</tspan></text>\n",
          C(w + 6), C(y + 31), t.value, t.counts);
    } else {
      Out(out, "<text class=\"key\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\n", C(bar_x - 8),
          C(y + 19), t.key_shown);
      if (w > 0) {
        Out(out, "<rect class=\"bar spent\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"20\" rx=\"2\"/>\n",
            C(bar_x), C(y + 4), C(w));
      }
      Out(out, "<text class=\"value\" x=\"{}\" y=\"{}\">{} <tspan class=\"counts\">{}</tspan></text>\n",
          C(bar_x + w + 6), C(y + 19), t.value, t.counts);
    }
    out += "</g>\n";
  }
  if (groups.empty()) {
    Out(out, "<text class=\"empty\" x=\"{}\" y=\"{}\">No {} in the budget year</text>\n",
        C(narrow ? 0 : bar_x + 8), C(top + row / 2 + 4), noun_plural);
  }
  if (more) {
    double kwh = 0;
    int64_t interventions = 0, slots = 0;
    for (size_t k = shown; k < groups.size(); ++k) {
      kwh += groups[k].spent_kwh;
      interventions += groups[k].interventions;
      slots += groups[k].slots;
    }
    std::string text = fmt::format("… and {} more {}: {}", Count(static_cast<int64_t>(groups.size() - shown)),
                                   noun_plural, Kwh(kwh));
    if (!narrow) {
      text += fmt::format(" · {} interventions / {} slots", Count(interventions), Count(slots));
    }
    const double y = top + static_cast<double>(shown) * row;
    const double x = narrow ? 0 : std::max(0.0, std::min(bar_x + 8, width - 4 - TextWidth(text, font)));
    Out(out, "<text class=\"more\" x=\"{}\" y=\"{}\">{}</text>\n", C(x), C(y + (narrow ? 20 : 19)), text);
  }
  out += "</svg>\n";
}

// ---------------------------------------------------------------- page

constexpr std::string_view kStyle = R"css(
:root{--fg:#17202b;--muted:#586474;--line:#d8dee6;--panel:#f5f7fa;--spend:#1d5fbf;--ceiling:#c22a2a;
--expected:#23845a;--budget:#dde5ee;--budget-line:#9aabbf;--over:#d9480f;--ok:#16794b;--bad:#b42318}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#fff;color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,
"Liberation Sans","DejaVu Sans",Arial,sans-serif;font-variant-numeric:tabular-nums}
main{max-width:1040px;margin:0 auto;padding:28px 24px 40px}
h1{font-size:1.65rem;line-height:1.2;margin:0 0 6px}
h1 .year{font-weight:500;color:#3d4856;white-space:nowrap}
h2{font-size:1.15rem;margin:34px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:1rem;margin:18px 0 6px}
p{margin:6px 0}
.meta{color:var(--muted);margin:0}
.meta span{white-space:nowrap}
.verdict{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 14px;border:2px solid;border-radius:10px;
padding:12px 18px;margin:18px 0 16px}
.verdict.ok{background:#eaf6ef;border-color:var(--ok);color:#0d4f31}
.verdict.bad{background:#fdeeed;border-color:var(--bad);color:#7a1a12}
.verdict .word{font-size:1.45rem;font-weight:700;letter-spacing:.03em}
.verdict .why{flex-basis:100%;margin:0;color:var(--fg)}
.figures{display:grid;grid-template-columns:repeat(3,1fr);gap:10px;margin:0}
.fig{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:0}
.fig dt{font-size:.76rem;color:var(--muted);text-transform:uppercase;letter-spacing:.05em}
.fig dd{margin:0}
.fig .v{display:block;font-size:1.35rem;font-weight:650;line-height:1.3}
.fig .s{display:block;font-size:.84rem;color:var(--muted)}
figure{margin:0}
svg.chart{display:block;width:100%;height:auto}
svg.narrow{display:none}
svg text{fill:#3d4856}
svg .tick{fill:#586474}
svg .year{fill:#8a95a3}
svg .unit{fill:#586474;font-weight:600}
svg .grid{stroke:#e6eaf0;stroke-width:1}
svg .zero,svg .axis{stroke:#8893a1;stroke-width:1}
svg .future{fill:#f4f6f9}
svg .expected{fill:none;stroke:var(--expected);stroke-width:2;stroke-dasharray:7 4}
svg .ceiling{stroke:var(--ceiling);stroke-width:2;stroke-dasharray:10 5}
svg .ceiling-label{fill:var(--ceiling);font-weight:600}
svg .spend{fill:none;stroke:var(--spend);stroke-width:2.5;stroke-linejoin:round}
svg .spend-area{fill:var(--spend);fill-opacity:.12}
svg .projection{fill:none;stroke:var(--spend);stroke-width:2;stroke-dasharray:2 4;stroke-linecap:round}
svg .projection-end{fill:#fff;stroke:var(--spend);stroke-width:2}
svg .asof{stroke:#4b5563;stroke-width:1;stroke-dasharray:3 3}
svg .label{fill:#3d4856;font-weight:600}
svg .budget{fill:var(--budget);stroke:var(--budget-line);stroke-width:1}
svg .ahead .budget{fill-opacity:.6;stroke-dasharray:3 2}
svg .spend-end{fill:var(--spend);stroke:#fff;stroke-width:1.5}
svg .spent{fill:var(--spend)}
svg .over{fill:var(--over)}
svg .key{fill:#17202b}
svg .value{fill:#17202b;font-weight:600}
svg .counts{fill:#586474;font-weight:400}
svg .more,svg .empty{fill:#586474;font-style:italic}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 18px;padding:0;margin:8px 0 0;font-size:.86rem;
color:var(--muted)}
.legend li{display:flex;align-items:center;gap:7px}
.sw{display:inline-block;width:24px;height:0;border-top:3px solid}
.sw.spend{border-color:var(--spend)}
.sw.ceiling{border-top-style:dashed;border-color:var(--ceiling)}
.sw.expected{border-top-style:dashed;border-color:var(--expected)}
.sw.projection{border-top-style:dotted;border-color:var(--spend)}
.sw.box{width:14px;height:12px;border:1px solid}
.sw.budget{background:var(--budget);border-color:var(--budget-line)}
.sw.spent{background:var(--spend);border-color:var(--spend)}
.sw.over{background:var(--over);border-color:var(--over)}
.sw.future{background:#f4f6f9;border-color:#d8dee6}
.note{font-size:.86rem;color:var(--muted)}
.phone-only{display:none}
.table-wrap{overflow-x:auto;margin-top:12px}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.78rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600}
tfoot td{font-weight:600;border-bottom:0;border-top:2px solid var(--line)}
.n{text-align:right;white-space:nowrap}
td.check code,table.months td:first-child{white-space:nowrap}
table.findings td.msg{min-width:12em}
table.findings td.where{min-width:13em}
.ts{white-space:nowrap}
.pair{display:block;margin-top:2px}
.sev{display:inline-block;padding:1px 9px;border-radius:999px;font-size:.78rem;font-weight:700;
text-transform:uppercase;letter-spacing:.04em}
.sev.error{background:#fde7e5;color:#8a1c13;border:1px solid #efa59e}
.sev.warning{background:#fff3dc;color:#6d4300;border:1px solid #ecc77e}
.sev.other{background:var(--panel);color:var(--muted);border:1px solid var(--line)}
code,.mono{font-family:ui-monospace,"DejaVu Sans Mono","Liberation Mono",monospace;font-size:.86em;
overflow-wrap:anywhere;word-break:break-word}
.ok-text{color:var(--ok);font-weight:600}
dl.basis{display:grid;grid-template-columns:max-content 1fr;gap:6px 18px;margin:0}
dl.basis dt{color:var(--muted)}
dl.basis dd{margin:0;min-width:0;overflow-wrap:anywhere}
.shares{display:grid;grid-template-columns:repeat(6,1fr);gap:6px;margin:10px 0 0;padding:0;list-style:none}
.shares li{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:5px 8px;
display:flex;justify-content:space-between;gap:6px;font-size:.88rem}
.shares .m{color:var(--muted)}
footer{margin-top:36px;padding-top:10px;border-top:1px solid var(--line);font-size:.8rem;color:var(--muted)}
@media screen and (max-width:699px){
body{font-size:14px}
main{padding:16px 14px 32px}
h1{font-size:1.35rem}
svg.wide{display:none}
svg.narrow{display:block}
.figures{grid-template-columns:1fr 1fr;gap:8px}
.fig{padding:8px 10px}
.fig .v{font-size:1.12rem}
.shares{grid-template-columns:repeat(3,1fr)}
dl.basis{grid-template-columns:1fr;gap:0}
dl.basis dd{margin-bottom:8px}
table.findings thead{display:none}
table.findings,table.findings tbody,table.findings tr,table.findings td{display:block;width:100%}
table.findings tr{border:1px solid var(--line);border-radius:8px;margin:0 0 10px;padding:6px 10px}
table.findings td{display:flex;gap:10px;border:0;padding:3px 0;text-align:left}
table.findings td>span.c{flex:1 1 auto;min-width:0}
table.months th,table.months td{padding:5px 4px;font-size:.8rem}
table.months th.n{white-space:normal}
table.months .opt{display:none}
.phone-only{display:block}
table.findings td::before{content:attr(data-label);flex:0 0 5.6em;color:var(--muted);font-size:.8rem;
padding-top:2px}
}
@page{size:A4;margin:14mm 12mm}
@media print{
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{font-size:10pt}
main{max-width:none;padding:0}
h2{margin-top:22px;break-after:avoid;page-break-after:avoid}
h1,h3{break-after:avoid;page-break-after:avoid}
svg.wide{display:block}
svg.narrow{display:none}
figure,.verdict,.fig,.shares,tr,dl.basis{break-inside:avoid;page-break-inside:avoid}
section.chart{break-inside:avoid;page-break-inside:avoid}
.table-wrap{overflow:visible}
}
)css";

void Figure(std::string& out, std::string_view name, std::string_view value, std::string_view sub) {
  Out(out,
      "<div class=\"fig\"><dt>{}</dt><dd><span class=\"v\">{}</span><span class=\"s\">{}</span></dd></div>\n",
      name, value, sub);
}

std::string PctOf(double part, double whole) {
  if (!std::isfinite(part) || !std::isfinite(whole) || whole == 0) return std::string(kDash);
  return Pct(part / whole);
}

std::string CeilingPct(const ComplianceReport& r) {
  if (!std::isfinite(r.ceiling_pct)) return std::string(kDash);
  if (r.ceiling_pct_is_integer && std::fabs(r.ceiling_pct) < 1e15) {
    return Grouped(r.ceiling_pct, 0) + std::string(kNbsp) + "%";
  }
  return Grouped(r.ceiling_pct,
                 std::fabs(r.ceiling_pct - std::round(r.ceiling_pct * 10) / 10) > 1e-9 ? 2 : 1) +
         std::string(kNbsp) + "%";
}

// A date as "30 June 2026" when it is one, else escaped as it is.
std::string LongDate(std::string_view date) {
  if (const auto d = Day(date)) {
    const CivilDate c = CivilFromDays(*d);
    return fmt::format("{}{}{} {}", c.day, kNbsp, kMonthName[c.month - 1], c.year);
  }
  return date.empty() ? std::string(kDash) : HtmlText(date);
}

// "1 Jan 2026"
std::string ShortDate(std::string_view date) {
  if (const auto d = Day(date)) {
    const CivilDate c = CivilFromDays(*d);
    return fmt::format("{}{}{}{}{}", c.day, kNbsp, kMonthAbbr[c.month - 1], kNbsp, c.year);
  }
  return date.empty() ? std::string(kDash) : HtmlText(date);
}

void Header(std::string& out, const ComplianceReport& r) {
  out += "<header>\n";
  Out(out, "<h1>Budget compliance <span class=\"year\">{} – {}</span></h1>\n", ShortDate(r.budget_year_start),
      ShortDate(r.budget_year_end));
  Out(out,
      "<p class=\"meta\"><span>As of <strong>{}</strong></span> · <span>time zone {}</span> · "
      "<span>log up to record {}</span></p>\n",
      LongDate(r.as_of), r.timezone.empty() ? std::string(kDash) : HtmlText(r.timezone),
      Count(static_cast<int64_t>(std::min<uint64_t>(r.last_seq, INT64_MAX))));
  const bool ok = r.compliant_projection;
  std::string why;
  if (r.projected_kwh && std::isfinite(*r.projected_kwh)) {
    why = fmt::format("Projected spend over the budget year: {}, {} of the {} ceiling.", Kwh(r.projected_kwh),
                      PctOf(*r.projected_kwh, r.ceiling_kwh), Kwh(r.ceiling_kwh));
  } else {
    why = fmt::format(
        "No projection yet (nothing of the year's potential expected by the as-of date); spent so "
        "far: {} of the {} ceiling.",
        Kwh(r.spent_kwh), Kwh(r.ceiling_kwh));
  }
  Out(out,
      "<div class=\"verdict {}\"><span class=\"word\">{}</span><span class=\"q\">(projection)</span>"
      "<p class=\"why\">{}</p></div>\n",
      ok ? "ok" : "bad", ok ? "COMPLIANT" : "NOT COMPLIANT", why);

  out += "<dl class=\"figures\">\n";
  Figure(out, "Ceiling", Kwh(r.ceiling_kwh),
         fmt::format("{} of the annual potential, {}", CeilingPct(r), Kwh(r.potential.annual_kwh)));
  Figure(out, "Spent", Kwh(r.spent_kwh),
         fmt::format("{} of the ceiling; {} in {}", PctOf(r.spent_kwh, r.ceiling_kwh),
                     Plural(r.interventions, "intervention", "interventions"),
                     Plural(r.slots, "slot", "slots")));
  Figure(out, "Budget to date", Kwh(r.budget_to_date_kwh),
         fmt::format("the season's {} of the ceiling", Pct(r.expected_share_to_date)));
  Figure(out, "Pace", r.pace ? Pct(*r.pace) : std::string(kDash), "spent ÷ budget to date");
  std::string projected_sub = r.projected_kwh
                                  ? fmt::format("{} of the ceiling", PctOf(*r.projected_kwh, r.ceiling_kwh))
                                  : std::string("no projection yet");
  projected_sub += r.naive_projected_kwh
                       ? fmt::format("; naive (daily average × 365): {}", Kwh(r.naive_projected_kwh))
                       : std::string("; no naive projection (no day yet)");
  Figure(out, "Projected", Kwh(r.projected_kwh), projected_sub);
  std::string left = std::string(kDash), left_sub = "the budget lasts through the year's end";
  if (r.days_of_budget_left) {
    left = Count(*r.days_of_budget_left);
    left_sub = *r.days_of_budget_left == 0 ? "the budget is spent"
                                           : "at the current pace, in the seasons' proportions";
  }
  Figure(out, "Days of budget left", left, left_sub);
  out += "</dl>\n</header>\n";
}

void CumulativeSection(std::string& out, const ComplianceReport& r) {
  const Cumulative c = CumulativeSeries(r);
  out +=
      "<section class=\"chart\" id=\"cumulative\">\n<h2>Cumulative spend against the "
      "ceiling</h2>\n<figure>\n";
  CumulativeChart(out, r, c, kLineWide);
  CumulativeChart(out, r, c, kLineNarrow);
  out += "<ul class=\"legend\">";
  out += "<li><span class=\"sw spend\"></span>Spent (cumulative)</li>";
  if (!c.projection.empty())
    out += "<li><span class=\"sw projection\"></span>Projection at the current pace</li>";
  out += "<li><span class=\"sw expected\"></span>Season-expected (ceiling × expected share)</li>";
  out += "<li><span class=\"sw ceiling\"></span>Ceiling</li>";
  out += "<li><span class=\"sw box future\"></span>After the as-of date</li></ul>\n";
  out += "</figure>\n</section>\n";
}

void MonthlySection(std::string& out, const ComplianceReport& r) {
  out +=
      "<section class=\"chart\" id=\"monthly\">\n<h2>Monthly spend against the monthly "
      "budgets</h2>\n<figure>\n";
  const MonthBars months = MonthSeries(r);
  MonthlyChart(out, months, kBarsWide);
  MonthlyChart(out, months, kBarsNarrow);
  out +=
      "<ul class=\"legend\"><li><span class=\"sw box budget\"></span>Monthly budget (ceiling × the month's "
      "share)</li><li><span class=\"sw box spent\"></span>Spent</li><li><span class=\"sw box "
      "over\"></span>Spent, "
      "over the month's budget</li>";
  if (months.any_ahead) out += "<li><span class=\"sw box future\"></span>After the as-of date</li>";
  out += "</ul>\n</figure>\n</section>\n";
  if (r.months.empty()) return;
  out +=
      "<div class=\"table-wrap\"><table class=\"months\"><thead><tr><th>Month</th><th class=\"n\">Spent "
      "kWh</th><th class=\"n\">Budget kWh</th><th class=\"n\">Of budget</th>"
      "<th class=\"n opt\">Interventions</th><th class=\"n opt\">Slots</th></tr></thead><tbody>\n";
  // One number of decimals a column, as its largest figure wants.
  double largest_spent = 0, largest_budget = 0;
  for (const auto& m : r.months) {
    largest_spent = std::max(largest_spent, std::fabs(Finite(m.spent_kwh)));
    largest_budget = std::max(largest_budget, std::fabs(Finite(m.budget_kwh)));
  }
  const int spent_decimals = KwhDecimals(largest_spent), budget_decimals = KwhDecimals(largest_budget);
  double spent = 0, budget = 0;
  int64_t interventions = 0, slots = 0;
  for (const auto& m : r.months) {
    const auto ym = ParseMonth(m.month);
    Out(out,
        "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
        "<td class=\"n opt\">{}</td><td class=\"n opt\">{}</td></tr>\n",
        ym ? fmt::format("{} {}", kMonthAbbr[ym->second - 1], ym->first) : HtmlText(m.month),
        Grouped(m.spent_kwh, spent_decimals), Grouped(m.budget_kwh, budget_decimals),
        PctOf(m.spent_kwh, m.budget_kwh), Count(m.interventions), Count(m.slots));
    spent += m.spent_kwh, budget += m.budget_kwh, interventions += m.interventions, slots += m.slots;
  }
  Out(out,
      "</tbody><tfoot><tr><td>Total</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>"
      "<td class=\"n opt\">{}</td><td class=\"n opt\">{}</td></tr></tfoot></table></div>\n"
      "<p class=\"note phone-only\">Interventions and slots per month: on a wider screen, or printed.</p>\n",
      KwhNumber(spent), KwhNumber(budget), PctOf(spent, budget), Count(interventions), Count(slots));
}

void GroupSection(std::string& out, std::string_view id, std::string_view title, std::string_view noun_plural,
                  const std::vector<ComplianceGroup>& groups) {
  Out(out, "<section class=\"chart\" id=\"{}\">\n<h2>{}</h2>\n<figure>\n", id, title);
  GroupChart(out, groups, false, noun_plural, title);
  GroupChart(out, groups, true, noun_plural, title);
  Out(out,
      "<p class=\"note\">Energy spent, then interventions / slots (records with the gate passed / all "
      "records){}.</p>\n",
      groups.size() > kTopGroups ? fmt::format("; the {} that spent most, the other {} summed", kTopGroups,
                                               Count(static_cast<int64_t>(groups.size() - kTopGroups)))
                                 : "");
  out += "</figure>\n</section>\n";
}

std::string FindingValue(const ComplianceFinding& f) {
  if (!f.value) return std::string(kDash);
  if (!std::isfinite(*f.value)) return std::string(kDash);
  const std::string_view check = f.check;
  if (check == "offset_deviation") return Grouped(*f.value, 2) + "°";
  if (check == "outage") return Grouped(*f.value, 1) + std::string(kNbsp) + "h";
  if (check.find("cost") != std::string_view::npos || check.find("controller") != std::string_view::npos) {
    return Grouped(*f.value, 3) + std::string(kNbsp) + "kWh";
  }
  return Grouped(*f.value, 3);
}

void FindingsSection(std::string& out, const ComplianceReport& r) {
  out += "<section id=\"findings\">\n<h2>Ledger findings</h2>\n";
  if (r.findings.empty()) {
    out += "<p><span class=\"ok-text\">No findings:</span> every ledger check passed.</p>\n</section>\n";
    return;
  }
  int64_t errors = 0, warnings = 0;
  for (const auto& f : r.findings) {
    if (f.severity == "error") ++errors;
    if (f.severity == "warning") ++warnings;
  }
  Out(out, "<p>{}: {}, {}.</p>\n", Plural(static_cast<int64_t>(r.findings.size()), "finding", "findings"),
      Plural(errors, "error", "errors"), Plural(warnings, "warning", "warnings"));
  out +=
      "<div class=\"table-wrap\"><table class=\"findings\"><thead><tr><th>Check</th><th>Severity</th>"
      "<th>Message</th><th class=\"n\">Count</th><th>Where</th><th "
      "class=\"n\">Value</th></tr></thead><tbody>\n";
  for (const auto& f : r.findings) {
    const std::string sev_class = f.severity == "error"     ? "error"
                                  : f.severity == "warning" ? "warning"
                                                            : "other";
    std::string where;
    if (!f.seqs.empty()) {
      where += "records ";
      for (size_t i = 0; i < f.seqs.size(); ++i) {
        if (i > 0) where += ", ";
        Out(where, "#{}", f.seqs[i]);
      }
      if (f.count > static_cast<int64_t>(f.seqs.size())) {
        Out(where, " (the first {} of {})", f.seqs.size(), Count(f.count));
      }
    }
    if (!f.timestamps.empty()) {
      // In pairs: an outage's start and end.
      for (size_t i = 0; i < f.timestamps.size(); i += 2) {
        Out(where, "<span class=\"pair\"><span class=\"mono ts\">{}</span>", HtmlText(f.timestamps[i]));
        if (i + 1 < f.timestamps.size()) {
          Out(where, " –<br><span class=\"mono ts\">{}</span>", HtmlText(f.timestamps[i + 1]));
        }
        where += "</span>";
      }
    }
    if (where.empty()) where = std::string(kDash);
    Out(out,
        "<tr><td data-label=\"Check\" class=\"check\"><span class=\"c\"><code>{}</code></span></td>"
        "<td data-label=\"Severity\"><span class=\"c\"><span class=\"sev {}\">{}</span></span></td>"
        "<td data-label=\"Message\" class=\"msg\"><span class=\"c\">{}</span></td>"
        "<td data-label=\"Count\" class=\"n\"><span class=\"c\">{}</span></td>"
        "<td data-label=\"Where\" class=\"where\"><span class=\"c\">{}</span></td>"
        "<td data-label=\"Value\" class=\"n\"><span class=\"c\">{}</span></td></tr>\n",
        HtmlText(f.check), sev_class, f.severity.empty() ? std::string(kDash) : HtmlText(f.severity),
        HtmlText(f.message), Count(f.count), where, FindingValue(f));
  }
  out += "</tbody></table></div>\n</section>\n";
}

void BasisSection(std::string& out, const ComplianceReport& r) {
  const Potential& p = r.potential;
  out += "<section id=\"basis\">\n<h2>The potential: basis and provenance</h2>\n<dl class=\"basis\">\n";
  auto row = [&](std::string_view name, const std::string& value) {
    Out(out, "<dt>{}</dt><dd>{}</dd>\n", name, value);
  };
  row("Basis", p.basis.empty() ? std::string(kDash) : "<code>" + HtmlText(p.basis) + "</code>");
  // "PATH (sha256 HEX)": the path and the hash on lines of their own.
  const std::string_view source = p.source;
  const size_t at = source.rfind(" (sha256 ");
  if (at != std::string_view::npos && source.size() > at + 10 && source.back() == ')') {
    row("Source file", "<code>" + HtmlText(source.substr(0, at)) + "</code>");
    row("SHA-256", "<code>" + HtmlText(source.substr(at + 9, source.size() - at - 10)) + "</code>");
  } else {
    row("Source", source.empty() ? std::string(kDash) : "<code>" + HtmlText(source) + "</code>");
  }
  row("Annual potential", Kwh(p.annual_kwh));
  row("Ceiling", fmt::format("{} × {} = {}", CeilingPct(r), Kwh(p.annual_kwh), Kwh(r.ceiling_kwh)));
  if (p.basis == "pvgis" || !p.pvgis_mount.empty()) {
    row("PVGIS mounting",
        p.pvgis_mount.empty() ? std::string(kDash) : "<code>" + HtmlText(p.pvgis_mount) + "</code>");
    row("PVGIS peak power", std::isfinite(p.pvgis_peakpower_kwp)
                                ? Grouped(p.pvgis_peakpower_kwp, 1) + std::string(kNbsp) + "kWp"
                                : std::string(kDash));
  }
  row("Monthly shares from",
      p.shares_basis.empty() ? std::string(kDash) : "<code>" + HtmlText(p.shares_basis) + "</code>");
  row("Snapshot",
      fmt::format("record {}{}", Count(static_cast<int64_t>(std::min<uint64_t>(r.last_seq, INT64_MAX))),
                  r.head_hex.empty() ? "" : ", head <code>" + HtmlText(r.head_hex) + "</code>"));
  out += "</dl>\n<h3>Monthly shares of the annual potential</h3>\n<ul class=\"shares\">\n";
  double sum = 0;
  for (size_t m = 0; m < 12; ++m) {
    Out(out, "<li><span class=\"m\">{}</span><span>{}</span></li>\n", kMonthAbbr[m], Pct(p.monthly_share[m]));
    sum += p.monthly_share[m];
  }
  Out(out, "</ul>\n<p class=\"note\">Sum: {}. A day's share is its month's share ÷ the month's days.</p>\n",
      Pct(sum));
  out += "</section>\n";
}

}  // namespace

std::string HtmlText(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 16);
  for (uint32_t cp : CodePoints(s)) AppendEscaped(out, cp);
  return out;
}

std::string ComplianceHtml(const ComplianceReport& r) {
  std::string out;
  out.reserve(64 * 1024);
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out +=
      "<meta name=\"color-scheme\" content=\"light\">\n<meta name=\"generator\" content=\"budget-audit\">\n";
  Out(out, "<title>Budget compliance {} – {} (as of {})</title>\n", HtmlText(r.budget_year_start),
      HtmlText(r.budget_year_end), HtmlText(r.as_of));
  Out(out, "<style>{}</style>\n</head>\n<body>\n<main>\n", kStyle);
  Header(out, r);
  CumulativeSection(out, r);
  MonthlySection(out, r);
  GroupSection(out, "stages", "Spend per stage", "stages", r.by_stage);
  GroupSection(out, "sources", "Spend per source", "sources", r.by_source);
  FindingsSection(out, r);
  BasisSection(out, r);
  Out(out,
      "<footer>budget-audit compliance report, schema version {}. The verdict is the projection's: the spend "
      "to date grown in the seasons' proportions to the year's end, against the ceiling.</footer>\n",
      ComplianceReport::kSchemaVersion);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace budget_audit::report
