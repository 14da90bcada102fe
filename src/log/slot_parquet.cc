#include "log/slot_parquet.h"

#include <fmt/format.h>

namespace budget_audit::log {

using parquet::ColumnVector;
using parquet::Type;

namespace {
constexpr const char* kNames[] = {"timestamp", "date", "slot_index", "planned_offset_deg",
                                  "actual_offset_deg", "energy_cost_kwh", "budget_spent_kwh",
                                  "budget_remaining_kwh", "gate_passed", "source", "stage_id", "seq"};
}  // namespace

std::vector<parquet::ColumnSpec> AuditColumnSpecs() {
  using namespace parquet;
  return {TimestampColumn(kNames[0], TimeUnit::MICROS, true), StringColumn(kNames[1]),
          Int64Column(kNames[2]), DoubleColumn(kNames[3]), DoubleColumn(kNames[4]),
          DoubleColumn(kNames[5]), DoubleColumn(kNames[6]), DoubleColumn(kNames[7]),
          BoolColumn(kNames[8]), StringColumn(kNames[9]), StringColumn(kNames[10]),
          Int64Column(kNames[11])};
}

std::vector<ColumnVector> AuditColumns(const std::vector<SeqRecord>& rows) {
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

Result<std::vector<SeqRecord>> ReadAuditFile(Env* env, const std::string& path) {
  BA_ASSIGN_OR_RETURN(auto reader, parquet::FileReader::Open(env, path));
  std::vector<std::string> names(std::begin(kNames), std::end(kNames));
  auto cols = reader->schema().Project(names);
  if (!cols.ok()) return cols.status().WithContext(path);
  std::vector<SeqRecord> out;
  out.reserve(static_cast<size_t>(reader->num_rows()));
  for (int g = 0; g < reader->num_row_groups(); ++g) {
    BA_ASSIGN_OR_RETURN(auto c, reader->ReadRowGroup(g, *cols));
    size_t rows = static_cast<size_t>(reader->row_group_num_rows(g));
    for (size_t k = 0; k < c.size(); ++k) {
      if (c[k].value_count() != rows) {
        return Status::Corruption(fmt::format("{}: row group {}: column '{}' has nulls", path, g,
                                              kNames[k]));
      }
      if (c[k].type != AuditColumnSpecs()[k].type) {
        return Status::Corruption(fmt::format("{}: column '{}' has type {}", path, kNames[k],
                                              parquet::TypeName(c[k].type)));
      }
    }
    for (size_t i = 0; i < rows; ++i) {
      SeqRecord s;
      s.seq = static_cast<uint64_t>(c[11].i64[i]);
      SlotRecord& r = s.record;
      r.timestamp_us = c[0].i64[i];
      r.date = std::string(c[1].ByteArrayAt(i));
      r.slot_index = c[2].i64[i];
      r.planned_offset_deg = c[3].f64[i];
      r.actual_offset_deg = c[4].f64[i];
      r.energy_cost_kwh = c[5].f64[i];
      r.budget_spent_kwh = c[6].f64[i];
      r.budget_remaining_kwh = c[7].f64[i];
      r.gate_passed = c[8].bools[i] != 0;
      r.source = std::string(c[9].ByteArrayAt(i));
      r.stage_id = std::string(c[10].ByteArrayAt(i));
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace budget_audit::log
