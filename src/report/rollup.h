// The reports of include/budget_audit/report.h as Python values (pyjson.h),
// from which both renderings are made: the JSON (PyJsonDumps) and the table.
// The members and their order are the Python version's dicts'.
#pragma once

#include "budget_audit/report.h"
#include "report/pyjson.h"

namespace budget_audit::report {

// The dict weekly_report() returned; {"error": "No audit data"} without data.
// Figures that are not finite are null, and "error" (last) names them.
Value ToValue(const WeeklyReport& report);
// The dict daily_summary(date) returned; the same rules.
Value ToValue(const DailySummary& summary);
// The "verified" member of a verified report.
Value ToValue(const ReportVerification& verified);

}  // namespace budget_audit::report
