// SlotRecord: one row of the audit log, one control tick. The fields, their
// order and their defaults are those of the Python version's `SlotRecord`
// and `log_slot()` (budget_audit.py), so that logs and reports compare.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/status.h"

namespace budget_audit {

struct SlotRecord {
  // The tick's instant, microseconds since 1970-01-01T00:00:00Z.
  int64_t timestamp_us = 0;
  // The calendar date of the timestamp in the tick's own UTC offset
  // ("YYYY-MM-DD"), as Python's `timestamp.date()` gives it.
  std::string date;
  int64_t slot_index = -1;            // tick.slot_index, default -1
  double planned_offset_deg = 0.0;    // tick.plan_offset_deg
  double actual_offset_deg = 0.0;     // tick.target_angle
  double energy_cost_kwh = 0.0;       // tick.energy_cost_kwh
  double budget_spent_kwh = 0.0;      // tick.budget_spent_kwh
  double budget_remaining_kwh = 0.0;  // tick.budget_remaining_kwh
  bool gate_passed = false;           // tick.live_gate_passed
  std::string source;                 // tick.source, default ""
  std::string stage_id = "unknown";   // tick.stage_id, default "unknown"

  bool operator==(const SlotRecord&) const = default;
};

// What a controller's tick result offers, attribute by attribute (the
// Python version read them with getattr and a default). Absent = use the
// default (a None attribute in the Python binding, a JSON null: the same).
// SlotRecordFromTick() applies the defaults field by field.
//
// A missing timestamp is the one default that differs between the ways in
// (docs/validation.md): in process (AuditLog::LogSlot(ControllerTick), the
// Python and C bindings) it is "now", as log_slot() did; the `log` command
// and `import` refuse such a tick, since a resent tick would be logged a
// second time at another wall-clock instant. AuditLog::LogSlot refuses a
// tick whose numbers are not finite or whose strings are not UTF-8 or are
// longer than 4096 bytes (InvalidArgument naming the tick attribute, before
// anything is written).
struct ControllerTick {
  std::optional<int64_t> timestamp_us;         // default: now
  int32_t utc_offset_seconds = 0;              // offset of the tick's own clock (for `date`)
  std::optional<int64_t> slot_index;           // default -1
  std::optional<double> plan_offset_deg;       // -> planned_offset_deg, default 0.0
  std::optional<double> target_angle;          // -> actual_offset_deg, default 0.0
  std::optional<double> energy_cost_kwh;       // default 0.0
  std::optional<double> budget_spent_kwh;      // default 0.0
  std::optional<double> budget_remaining_kwh;  // default 0.0
  std::optional<bool> live_gate_passed;        // -> gate_passed, default false
  std::optional<std::string> source;           // default ""
  std::optional<std::string> stage_id;         // default "unknown"
};

// The record log_slot() would have written for `tick`; `now_us` stands in
// for a missing timestamp (its date is then the UTC date, as
// datetime.now(timezone.utc).date() gives).
SlotRecord SlotRecordFromTick(const ControllerTick& tick, int64_t now_us);

// A tick written as the `log` command reads it: one JSON object with the
// tick attribute names (docs/validation.md is the policy: unknown keys are
// refused with a did-you-mean, keys given twice, NaN, numbers a double
// cannot hold, integers beyond int64, strings over 4096 bytes or not UTF-8
// are refused naming the attribute; null is the default). Timestamps are
// ISO-8601 with an offset or Z (naive: UTC); the record's `date` is their
// calendar date in their own offset.
struct TickJsonOptions {
  // Refuse a tick without a timestamp (the `log` command does: a resent
  // tick would become a second record). Otherwise it is left absent, and
  // AuditLog::LogSlot() takes "now".
  bool require_timestamp = false;
  // Floor digits below the microsecond instead of refusing them.
  bool truncate_sub_micros = false;
  // Keys accepted (any JSON value) and dropped; none may be a tick attribute.
  std::vector<std::string> ignored_keys;
};

// InvalidArgument "attribute: problem" (or "not valid JSON at byte N: ...")
// when `json` is outside the policy. `json` is borrowed for the call.
Result<ControllerTick> ControllerTickFromJson(std::string_view json, const TickJsonOptions& options = {});

}  // namespace budget_audit
