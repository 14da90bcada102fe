#include "log/slot_parquet.h"

#include <fmt/format.h>

namespace budget_audit::log {

using parquet::ColumnVector;
using parquet::Type;

namespace {
constexpr const auto& kNames = kAuditColumnNames;
}  // namespace

std::vector<parquet::ColumnSpec> AuditColumnSpecs() {
  using namespace parquet;
  return {TimestampColumn(kNames[0], TimeUnit::MICROS, true), StringColumn(kNames[1]),
          Int64Column(kNames[2]), DoubleColumn(kNames[3]), DoubleColumn(kNames[4]),
          DoubleColumn(kNames[5]), DoubleColumn(kNames[6]), DoubleColumn(kNames[7]),
          BoolColumn(kNames[8]), StringColumn(kNames[9]), StringColumn(kNames[10]),
          Int64Column(kNames[11])};
}

std::vector<ColumnVector> AuditColumns(std::span<const SeqRecord> rows) {
  auto specs = AuditColumnSpecs();
  std::vector<ColumnVector> c(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    c[i].type = specs[i].type;
    if (c[i].type == Type::BYTE_ARRAY) c[i].offsets = {0};
  }
  const size_t n = rows.size();
  c[0].i64.reserve(n);
  for (const auto& [seq, r] : rows) {
    c[0].i64.push_back(r.timestamp_us);
    c[1].AppendByteArray(r.date);
    c[2].i64.push_back(r.slot_index);
    c[3].f64.push_back(r.planned_offset_deg);
    c[4].f64.push_back(r.actual_offset_deg);
    c[5].f64.push_back(r.energy_cost_kwh);
    c[6].f64.push_back(r.budget_spent_kwh);
    c[7].f64.push_back(r.budget_remaining_kwh);
    c[8].bools.push_back(r.gate_passed ? 1 : 0);
    c[9].AppendByteArray(r.source);
    c[10].AppendByteArray(r.stage_id);
    c[11].i64.push_back(static_cast<int64_t>(seq));
  }
  return c;
}

}  // namespace budget_audit::log
