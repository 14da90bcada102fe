// The audit schema in Parquet (docs/format.md §2.5): the Python version's
// 11 columns in its order, then seq.
//
//   timestamp             INT64 TIMESTAMP(isAdjustedToUTC=true, MICROS) + TIMESTAMP_MICROS
//   date                  BYTE_ARRAY STRING + UTF8
//   slot_index            INT64
//   planned_offset_deg    DOUBLE
//   actual_offset_deg     DOUBLE
//   energy_cost_kwh       DOUBLE
//   budget_spent_kwh      DOUBLE
//   budget_remaining_kwh  DOUBLE
//   gate_passed           BOOLEAN
//   source                BYTE_ARRAY STRING + UTF8
//   stage_id              BYTE_ARRAY STRING + UTF8
//   seq                   INT64
// All OPTIONAL, as pandas writes them (parquet-notes trap 25); never null.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "budget_audit/slot_record.h"
#include "log/audit_schema.h"
#include "parquet/file_reader.h"
#include "parquet/file_writer.h"

namespace budget_audit::log {

// Column names, kAuditColumnCount and kSeqColumn: log/audit_schema.h.

struct SeqRecord {
  uint64_t seq = 0;
  SlotRecord record;
};

std::vector<parquet::ColumnSpec> AuditColumnSpecs();
// The 12 columns of `rows`, ready for FileWriter::WriteRowGroup.
std::vector<parquet::ColumnVector> AuditColumns(std::span<const SeqRecord> rows);

}  // namespace budget_audit::log
