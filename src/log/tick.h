// Turning a controller's tick (one JSON object, the Python version's tick
// attribute names) into a SlotRecord, with the Python version's defaults for
// missing fields (log_slot() in budget_audit.py):
//
//   timestamp            -> timestamp (ISO-8601; see ParseIsoTimestamp)
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
// The validation policy is docs/validation.md (one table for every way in);
// what only JSON text can get wrong is checked here, by a strict tokenizer of
// its own (a general JSON library cannot see duplicate keys or the exact
// digits of a number):
//   - a key given twice ("source: given twice");
//   - a key that is not one of the ten above (refused, with a did-you-mean
//     for a near miss or the log's own column name), unless the caller lists
//     it in TickParseOptions::ignored_keys;
//   - null for a field = the field missing (its default); a null timestamp
//     is refused;
//   - slot_index: an integer literal within int64, or a number with an
//     integral value within +-2^53 (18.0, 1e3); anything else refused;
//   - numbers: a decimal that overflows a double (1e400), that is not zero
//     but rounds to zero (1e-400), or that lands on a subnormal other than
//     as its shortest form (5e-324 is kept) is refused; NaN, Infinity
//     and -Infinity (which Python's json.dumps writes) are recognised and
//     refused naming the field; other decimals round to nearest;
//   - strings: \u escapes decoded (a lone surrogate refused), invalid UTF-8
//     refused naming the field; then ValidateRecord's checks (length, finite,
//     date range) on the record.
// Every message is "field: problem" (the field as a tick attribute); only a
// line that is not a JSON object at all says "not valid JSON: ..." with the
// byte offset.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"

namespace budget_audit::log {

struct TimestampOptions {
  // Floor a timestamp with digits below the microsecond (7-9 fraction
  // digits, not all zero) to the microsecond instead of refusing it.
  bool truncate_sub_micros = false;
};

// Parses an ISO-8601 timestamp: "2026-05-30T06:15:00+02:00", "...Z",
// "2026-05-30 06:15" (seconds optional, 'T', 't' or a space between date and
// time), up to 9 fraction digits; without an offset (naive) it is read as
// UTC and `naive` is set. Digits below the microsecond that are not all zero
// are refused (the log keeps microseconds) unless
// options.truncate_sub_micros (then floored; `truncated` is set). Years are
// 0001..9999, and so must the instant be in UTC. Returns microseconds since
// the epoch and the date in the timestamp's own offset.
struct ParsedTimestamp {
  int64_t utc_us = 0;
  std::string local_date;
  int32_t utc_offset_seconds = 0;
  bool naive = false;
  bool truncated = false;
};
Result<ParsedTimestamp> ParseIsoTimestamp(std::string_view s, const TimestampOptions& options = {});

struct TickParseOptions {
  // Refuse a tick without a timestamp (the CLI: resending such a tick would
  // log it twice, at two wall-clock times). Otherwise it gets `now_us`, the
  // Python version's default.
  bool require_timestamp = false;
  TimestampOptions timestamp;
  // Keys a controller sends that the log does not keep: accepted (any JSON
  // value) and dropped. None of them may be one of the ten tick attributes.
  std::vector<std::string> ignored_keys;
};

// The tick's fields as given (absent = not given or null), validated
// field by field (ValidateTick). A missing timestamp is refused when
// options.require_timestamp.
Result<ControllerTick> ParseTickJson(std::string_view json, const TickParseOptions& options = {});

// ParseTickJson, then the record log_slot() would have written
// (SlotRecordFromTick, `now_us` for a missing timestamp), validated
// (ValidateRecord, named as tick attributes).
Result<SlotRecord> ParseTick(std::string_view json, int64_t now_us, const TickParseOptions& options = {});

}  // namespace budget_audit::log
