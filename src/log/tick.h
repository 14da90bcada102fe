// Turning a controller's tick (one JSON object, the Python version's tick
// attribute names) into a SlotRecord, with the Python version's defaults for
// missing fields (log_slot() in budget_audit.py):
//
//   timestamp            -> timestamp (ISO-8601 with a UTC offset; default: now, UTC)
//   (derived)            -> date: the calendar date of timestamp in its own offset
//   slot_index           -> slot_index (integer, default -1)
//   plan_offset_deg      -> planned_offset_deg (number, default 0.0)
//   target_angle         -> actual_offset_deg (number, default 0.0)
//   energy_cost_kwh      -> energy_cost_kwh (number, default 0.0)
//   budget_spent_kwh     -> budget_spent_kwh (number, default 0.0)
//   budget_remaining_kwh -> budget_remaining_kwh (number, default 0.0)
//   live_gate_passed     -> gate_passed (boolean, default false)
//   source               -> source (string, default "")
//   stage_id             -> stage_id (string, default "unknown")
//
// Other keys are ignored (a tick result carries more than the log keeps).
// A present key with a value of the wrong type (null included) is an error
// "field: problem"; nothing is guessed.
#pragma once

#include <string_view>

#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"

namespace budget_audit::log {

// Parses an ISO-8601 timestamp with offset ("2026-05-30T06:15:00+02:00",
// "...Z", up to 9 fraction digits, truncated to microseconds). Returns
// microseconds since the epoch and the date in the timestamp's own offset.
struct ParsedTimestamp {
  int64_t utc_us = 0;
  std::string local_date;
  int32_t utc_offset_seconds = 0;
};
Result<ParsedTimestamp> ParseIsoTimestamp(std::string_view s);

// `now_us`: the wall clock, for a tick without a timestamp.
Result<SlotRecord> ParseTick(std::string_view json, int64_t now_us);

}  // namespace budget_audit::log
