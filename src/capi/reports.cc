// The reports and the verification of the C ABI, as JSON text: what the
// command-line tool computes for `report`, `daily` and `verify` (the same
// library functions), rendered with the Python-compatible JSON writer so a
// binding gets the Python version's keys, order and numbers.
#include <string>

#include "budget_audit/c.h"
#include "budget_audit/env.h"
#include "capi/handles.h"
#include "log/verify.h"
#include "report/pyjson.h"
#include "report/rollup.h"
#include "util/civil_time.h"

namespace ba = budget_audit;
using namespace budget_audit::capi;

namespace {

int ReturnJson(const ba::report::Value& v, char** json, char** errmsg) {
  *json = CopyString(ba::report::PyJsonDumps(v, 2));
  if (*json == nullptr) return Report(ba::Status::ResourceExhausted("out of memory"), errmsg);
  return Report(ba::Status::OK(), errmsg);
}

// The verification, with the facts the `verify` command prints.
ba::report::Value VerifyJson(const ba::log::VerifyReport& r) {
  using ba::report::Value;
  Value cuts = Value::List();
  for (const auto& c : r.cuts) {
    cuts.Append(Value::Dict({{"name", c.name},
                             {"journal", c.journal},
                             {"offset", c.offset},
                             {"first_seq", c.first_seq},
                             {"bytes", c.bytes},
                             {"complete_frames", c.complete_frames},
                             {"cut_at_us", c.cut_at_us}}));
  }
  Value warnings = Value::List();
  for (const auto& w : r.warnings) warnings.Append(w);
  Value torn = nullptr;
  if (r.torn_tail) {
    torn = Value::Dict({{"bytes", r.torn_tail_bytes}, {"at", r.torn_tail_at}});
  }
  return Value::Dict({{"records", r.records},
                      {"sealed_records", r.sealed_records},
                      {"files", r.files},
                      {"journal_files", r.journal_files},
                      {"log_id", r.log_id_hex},
                      {"head", r.head_hex},
                      {"closed_cleanly", r.closed_cleanly},
                      {"torn_tail", std::move(torn)},
                      {"cuts", std::move(cuts)},
                      {"warnings", std::move(warnings)}});
}

}  // namespace

extern "C" {

int ba_snapshot_report_json(ba_snapshot* snapshot, const ba_plant* plant, char** json,
                            char** errmsg) {
  if (json == nullptr) return Misuse("json: NULL", errmsg);
  *json = nullptr;
  if (snapshot == nullptr) return Misuse("snapshot: NULL", errmsg);
  if (plant == nullptr) return Misuse("plant: NULL", errmsg);
  return Guard(errmsg, [&] {
    ba::report::PlantSettings settings;
    settings.capacity_kw = plant->capacity_kw;
    settings.max_reduction_pct = plant->max_reduction_pct;
    settings.pct_is_integer = plant->max_reduction_pct_is_integer != 0;
    std::lock_guard<std::mutex> lock(snapshot->state->mu);
    const ba::LogSnapshot& snap = *snapshot->state->snapshot;
    // As the `report` command: an empty log has no rollup.
    if (snap.last_seq() == 0) {
      return ReturnJson(ba::report::Value::Dict({{"error", "No audit data"}}), json, errmsg);
    }
    auto r = ba::report::WeeklyReport(snap, settings);
    if (!r.ok()) return Report(r.status(), errmsg);
    return ReturnJson(*r, json, errmsg);
  });
}

int ba_snapshot_daily_json(ba_snapshot* snapshot, const char* date, char** json, char** errmsg) {
  if (json == nullptr) return Misuse("json: NULL", errmsg);
  *json = nullptr;
  if (snapshot == nullptr) return Misuse("snapshot: NULL", errmsg);
  if (date == nullptr) return Misuse("date: NULL", errmsg);
  return Guard(errmsg, [&] {
    if (!ba::ParseDate(date)) {
      return Report(ba::Status::InvalidArgument(std::string("date ") + date +
                                                ": expected a date YYYY-MM-DD"),
                    errmsg);
    }
    std::lock_guard<std::mutex> lock(snapshot->state->mu);
    auto r = ba::report::DailySummary(*snapshot->state->snapshot, date);
    if (!r.ok()) return Report(r.status(), errmsg);
    return ReturnJson(*r, json, errmsg);
  });
}

int ba_verify_json(const char* dir, char** json, char** errmsg) {
  if (json == nullptr) return Misuse("json: NULL", errmsg);
  *json = nullptr;
  if (dir == nullptr) return Misuse("dir: NULL", errmsg);
  return Guard(errmsg, [&] {
    auto r = ba::log::VerifyLog(ba::Env::Default(), dir);
    // Worded as the `verify` command words it.
    if (!r.ok()) return Report(r.status().WithContext(std::string("verify ") + dir), errmsg);
    return ReturnJson(VerifyJson(*r), json, errmsg);
  });
}

}  // extern "C"
