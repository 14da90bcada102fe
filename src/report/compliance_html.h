// The compliance report (budget_audit/compliance.h) as one self-contained
// HTML page: inline CSS and inline SVG charts, no script, no external URL
// (a Content-Security-Policy of default-src 'none' says so to the browser
// too), readable on a phone (375 px) and printed on A4.
//
//   header      the budget year, as-of date, the verdict (COMPLIANT / NOT
//               COMPLIANT, of the projection) and the key figures
//   chart 1     cumulative spend per day over the whole budget year, against
//               the ceiling and the season-expected curve (and the projection)
//   chart 2     monthly spend against the monthly budgets over the whole
//               budget year (the months after as-of: their budgets only),
//               and the table of the months through as-of
//   charts 3/4  spend per stage and per source (the top 15, then "N more")
//   findings    the ledger checks' findings
//   basis       the potential's basis and provenance, the 12 monthly shares
//
// Each chart is drawn twice, for wide screens and print and for narrow
// screens; CSS shows one. Every string from the report is escaped (and made
// valid UTF-8); figures that are not finite print as "—" and never reach an
// SVG attribute.
#pragma once

#include <string>
#include <string_view>

#include "budget_audit/compliance.h"

namespace budget_audit::report {

std::string ComplianceHtml(const ComplianceReport& report);

// `s` for HTML text and attribute values alike: escaped, made valid UTF-8
// (a bad byte becomes U+FFFD), control characters replaced.
std::string HtmlText(std::string_view s);

}  // namespace budget_audit::report
