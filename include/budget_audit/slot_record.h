// SlotRecord: one row of the audit log, one control tick. The fields, their
// order and their defaults are those of the Python version's `SlotRecord`
// and `log_slot()` (budget_audit.py), so that logs and reports compare.
#pragma once

#include <cstdint>
#include <string>

namespace budget_audit {

struct SlotRecord {
  // The tick's instant, microseconds since 1970-01-01T00:00:00Z.
  int64_t timestamp_us = 0;
  // The calendar date of the timestamp in the tick's own UTC offset
  // ("YYYY-MM-DD"), as Python's `timestamp.date()` gives it.
  std::string date;
  int64_t slot_index = -1;              // tick.slot_index, default -1
  double planned_offset_deg = 0.0;      // tick.plan_offset_deg
  double actual_offset_deg = 0.0;       // tick.target_angle
  double energy_cost_kwh = 0.0;         // tick.energy_cost_kwh
  double budget_spent_kwh = 0.0;        // tick.budget_spent_kwh
  double budget_remaining_kwh = 0.0;    // tick.budget_remaining_kwh
  bool gate_passed = false;             // tick.live_gate_passed
  std::string source;                   // tick.source, default ""
  std::string stage_id = "unknown";     // tick.stage_id, default "unknown"

  bool operator==(const SlotRecord&) const = default;
};

}  // namespace budget_audit
