// The reports and the verification of the C ABI, as JSON text: what the
// command-line tool computes for `report`, `daily` and `verify` (the same
// library functions), rendered with the Python-compatible JSON writer so a
// binding gets the Python version's keys, order and numbers.
#include <string>

#include "budget_audit/c.h"
#include "budget_audit/report.h"
#include "budget_audit/verify.h"
#include "capi/handles.h"

namespace ba = budget_audit;
using namespace budget_audit::capi;

namespace {

int ReturnJson(const std::string& text, char** json, char** errmsg) {
  *json = CopyString(text);
  if (*json == nullptr) return Report(ba::Status::ResourceExhausted("out of memory"), errmsg);
  return Report(ba::Status::OK(), errmsg);
}

}  // namespace

extern "C" {

int ba_snapshot_report_json(ba_snapshot* snapshot, const ba_plant* plant, char** json, char** errmsg) {
  if (json == nullptr) return Misuse("json: NULL", errmsg);
  *json = nullptr;
  if (snapshot == nullptr) return Misuse("snapshot: NULL", errmsg);
  if (plant == nullptr) return Misuse("plant: NULL", errmsg);
  return Guard(errmsg, [&] {
    ba::ReportSettings settings;
    settings.capacity_kw = plant->capacity_kw;
    settings.max_reduction_pct = plant->max_reduction_pct;
    settings.max_reduction_pct_is_integer = plant->max_reduction_pct_is_integer != 0;
    std::lock_guard<std::mutex> lock(snapshot->state->mu);
    // As the `report` command (an empty log: {"error": "No audit data"}).
    auto r = ba::ComputeWeeklyReport(*snapshot->state->snapshot, settings);
    if (!r.ok()) return Report(r.status(), errmsg);
    return ReturnJson(ba::RenderReport(*r, ba::ReportFormat::kJson), json, errmsg);
  });
}

int ba_snapshot_daily_json(ba_snapshot* snapshot, const char* date, char** json, char** errmsg) {
  if (json == nullptr) return Misuse("json: NULL", errmsg);
  *json = nullptr;
  if (snapshot == nullptr) return Misuse("snapshot: NULL", errmsg);
  if (date == nullptr) return Misuse("date: NULL", errmsg);
  return Guard(errmsg, [&] {
    std::lock_guard<std::mutex> lock(snapshot->state->mu);
    auto r = ba::ComputeDailySummary(*snapshot->state->snapshot, date);
    if (!r.ok()) return Report(r.status(), errmsg);
    return ReturnJson(ba::RenderReport(*r, ba::ReportFormat::kJson), json, errmsg);
  });
}

int ba_verify_json(const char* dir, char** json, char** errmsg) {
  if (json == nullptr) return Misuse("json: NULL", errmsg);
  *json = nullptr;
  if (dir == nullptr) return Misuse("dir: NULL", errmsg);
  return Guard(errmsg, [&] {
    // Errors are worded as the `verify` command words them.
    auto r = ba::Verify(dir);
    if (!r.ok()) return Report(r.status(), errmsg);
    return ReturnJson(ba::VerifyReportToJson(*r), json, errmsg);
  });
}

}  // extern "C"
