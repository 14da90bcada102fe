// The audit schema, in one table: the fields of a record (SlotRecord's
// members, the Python version's columns in its order), the controller's
// tick attribute each comes from, the Parquet column each is sealed as, its
// bit in a ColumnSet, and how messages describe it; then seq, the 12th
// column of a sealed file. The writer (log/slot_parquet), the sealed reader
// (log/sealed_reader), the snapshot's projection and batches (log/snapshot),
// validation and the tick parser (log/validate, log/tick) and the importer
// (log/importer) all read it from here (docs/format.md §2.5).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "budget_audit/log_reader.h"
#include "budget_audit/slot_record.h"

namespace budget_audit::log {

// The fields of a record, in the log's column order (SlotRecord's order).
enum Field : size_t {
  kFieldTimestamp = 0,
  kFieldDate,
  kFieldSlotIndex,
  kFieldPlannedOffset,
  kFieldActualOffset,
  kFieldEnergyCost,
  kFieldBudgetSpent,
  kFieldBudgetRemaining,
  kFieldGatePassed,
  kFieldSource,
  kFieldStageId,
  kFieldCount,
};

// How a field's values are held (and sealed: docs/format.md §2.5).
enum class ValueType {
  kTimestamp,  // int64 µs since the epoch, UTC; INT64 TIMESTAMP(UTC, MICROS)
  kDate,       // "YYYY-MM-DD" in a std::string; BYTE_ARRAY STRING
  kString,     // UTF-8; BYTE_ARRAY STRING
  kInt64,      // INT64
  kDouble,     // DOUBLE
  kBool,       // BOOLEAN
};

struct FieldInfo {
  const char* column;  // the log's column (and SlotRecord member)
  const char* tick;    // the controller's tick attribute; nullptr for date (derived)
  const char* kind;    // for messages: "a number", "a string", ...
  ValueType type;
};

// Indexed by Field; field f is bit (1 << f) of a ColumnSet (AuditColumn).
inline constexpr FieldInfo kFields[kFieldCount] = {
    {"timestamp", "timestamp", "an ISO-8601 timestamp string", ValueType::kTimestamp},
    {"date", nullptr, "a date YYYY-MM-DD", ValueType::kDate},
    {"slot_index", "slot_index", "an integer", ValueType::kInt64},
    {"planned_offset_deg", "plan_offset_deg", "a number", ValueType::kDouble},
    {"actual_offset_deg", "target_angle", "a number", ValueType::kDouble},
    {"energy_cost_kwh", "energy_cost_kwh", "a number", ValueType::kDouble},
    {"budget_spent_kwh", "budget_spent_kwh", "a number", ValueType::kDouble},
    {"budget_remaining_kwh", "budget_remaining_kwh", "a number", ValueType::kDouble},
    {"gate_passed", "live_gate_passed", "true or false", ValueType::kBool},
    {"source", "source", "a string", ValueType::kString},
    {"stage_id", "stage_id", "a string", ValueType::kString},
};

constexpr ColumnSet FieldBit(size_t field) { return ColumnSet{1} << field; }
static_assert(FieldBit(kFieldTimestamp) == kColTimestamp && FieldBit(kFieldStageId) == kColStageId &&
              FieldBit(kFieldCount) - 1 == kAllColumns);

// The columns of a sealed file: the fields, then seq.
inline constexpr size_t kAuditColumnCount = kFieldCount + 1;
inline constexpr size_t kSeqColumn = kFieldCount;
inline constexpr const char* kAuditColumnNames[kAuditColumnCount] = {
    kFields[0].column, kFields[1].column, kFields[2].column,  kFields[3].column,
    kFields[4].column, kFields[5].column, kFields[6].column,  kFields[7].column,
    kFields[8].column, kFields[9].column, kFields[10].column, "seq"};

// Calls f(member) with field `field` of `r` (int64_t&, std::string&,
// double& or bool&, const for a const record): code written once for every
// field, by type.
template <typename Record, typename F>
decltype(auto) VisitField(size_t field, Record& r, F&& f) {
  switch (field) {
    case kFieldTimestamp: return f(r.timestamp_us);
    case kFieldDate: return f(r.date);
    case kFieldSlotIndex: return f(r.slot_index);
    case kFieldPlannedOffset: return f(r.planned_offset_deg);
    case kFieldActualOffset: return f(r.actual_offset_deg);
    case kFieldEnergyCost: return f(r.energy_cost_kwh);
    case kFieldBudgetSpent: return f(r.budget_spent_kwh);
    case kFieldBudgetRemaining: return f(r.budget_remaining_kwh);
    case kFieldGatePassed: return f(r.gate_passed);
    case kFieldSource: return f(r.source);
    default: return f(r.stage_id);
  }
}

// The same over the column vectors of a RecordBatch (gate_passed as
// uint8_t 0/1).
template <typename Batch, typename F>
decltype(auto) VisitBatchColumn(size_t field, Batch& b, F&& f) {
  switch (field) {
    case kFieldTimestamp: return f(b.timestamp_us);
    case kFieldDate: return f(b.date);
    case kFieldSlotIndex: return f(b.slot_index);
    case kFieldPlannedOffset: return f(b.planned_offset_deg);
    case kFieldActualOffset: return f(b.actual_offset_deg);
    case kFieldEnergyCost: return f(b.energy_cost_kwh);
    case kFieldBudgetSpent: return f(b.budget_spent_kwh);
    case kFieldBudgetRemaining: return f(b.budget_remaining_kwh);
    case kFieldGatePassed: return f(b.gate_passed);
    case kFieldSource: return f(b.source);
    default: return f(b.stage_id);
  }
}

}  // namespace budget_audit::log
