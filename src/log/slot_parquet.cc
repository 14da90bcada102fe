#include "log/slot_parquet.h"

#include <fmt/format.h>

namespace budget_audit::log {

using parquet::ColumnVector;
using parquet::Type;

std::vector<parquet::ColumnSpec> AuditColumnSpecs() {
  using namespace parquet;
  std::vector<ColumnSpec> specs;
  for (size_t f = 0; f < kFieldCount; ++f) {
    const char* name = kFields[f].column;
    switch (kFields[f].type) {
      case ValueType::kTimestamp: specs.push_back(TimestampColumn(name, TimeUnit::MICROS, true)); break;
      case ValueType::kDate:
      case ValueType::kString: specs.push_back(StringColumn(name)); break;
      case ValueType::kInt64: specs.push_back(Int64Column(name)); break;
      case ValueType::kDouble: specs.push_back(DoubleColumn(name)); break;
      case ValueType::kBool: specs.push_back(BoolColumn(name)); break;
    }
  }
  specs.push_back(Int64Column(kAuditColumnNames[kSeqColumn]));
  return specs;
}

namespace {

// Appends a field's value to its column vector.
void Put(ColumnVector& c, int64_t v) { c.i64.push_back(v); }
void Put(ColumnVector& c, double v) { c.f64.push_back(v); }
void Put(ColumnVector& c, bool v) { c.bools.push_back(v ? 1 : 0); }
void Put(ColumnVector& c, const std::string& v) { c.AppendByteArray(v); }

}  // namespace

std::vector<ColumnVector> AuditColumns(std::span<const SeqRecord> rows) {
  auto specs = AuditColumnSpecs();
  std::vector<ColumnVector> c(specs.size());
  for (size_t i = 0; i < specs.size(); ++i) {
    c[i].type = specs[i].type;
    if (c[i].type == Type::BYTE_ARRAY) c[i].offsets = {0};
  }
  c[kSeqColumn].i64.reserve(rows.size());
  for (size_t f = 0; f < kFieldCount; ++f) {
    ColumnVector& col = c[f];
    for (const auto& row : rows) VisitField(f, row.record, [&](const auto& v) { Put(col, v); });
  }
  for (const auto& row : rows) c[kSeqColumn].i64.push_back(static_cast<int64_t>(row.seq));
  return c;
}

}  // namespace budget_audit::log
