#include "log/record.h"

#include <cstring>

#include <fmt/format.h>

namespace budget_audit::log {
namespace {

void PutString(ByteWriter& out, const std::string& s) {
  out.PutU32LE(static_cast<uint32_t>(s.size()));
  out.PutString(s);
}

void PutDouble(ByteWriter& out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, 8);
  out.PutU64LE(bits);
}

Result<std::string> GetString(ByteReader& r, std::string_view field) {
  auto len = r.ReadU32LE();
  if (!len.ok()) return len.status().WithContext(field);
  auto bytes = r.Take(*len);
  if (!bytes.ok()) return bytes.status().WithContext(field);
  return std::string(AsStringView(*bytes));
}

Result<double> GetDouble(ByteReader& r) {
  BA_ASSIGN_OR_RETURN(uint64_t bits, r.ReadU64LE());
  double d;
  std::memcpy(&d, &bits, 8);
  return d;
}

}  // namespace

void EncodeCanonical(const SlotRecord& r, uint64_t seq, ByteWriter& out) {
  out.PutU64LE(seq);
  out.PutU64LE(static_cast<uint64_t>(r.timestamp_us));
  PutString(out, r.date);
  out.PutU64LE(static_cast<uint64_t>(r.slot_index));
  PutDouble(out, r.planned_offset_deg);
  PutDouble(out, r.actual_offset_deg);
  PutDouble(out, r.energy_cost_kwh);
  PutDouble(out, r.budget_spent_kwh);
  PutDouble(out, r.budget_remaining_kwh);
  out.PutU8(r.gate_passed ? 1 : 0);
  PutString(out, r.source);
  PutString(out, r.stage_id);
}

Result<SlotRecord> DecodeCanonical(ByteSpan data, uint64_t* seq) {
  ByteReader r(data);
  SlotRecord rec;
  BA_ASSIGN_OR_RETURN(*seq, r.ReadU64LE());
  BA_ASSIGN_OR_RETURN(uint64_t ts, r.ReadU64LE());
  rec.timestamp_us = static_cast<int64_t>(ts);
  BA_ASSIGN_OR_RETURN(rec.date, GetString(r, "date"));
  BA_ASSIGN_OR_RETURN(uint64_t slot, r.ReadU64LE());
  rec.slot_index = static_cast<int64_t>(slot);
  BA_ASSIGN_OR_RETURN(rec.planned_offset_deg, GetDouble(r));
  BA_ASSIGN_OR_RETURN(rec.actual_offset_deg, GetDouble(r));
  BA_ASSIGN_OR_RETURN(rec.energy_cost_kwh, GetDouble(r));
  BA_ASSIGN_OR_RETURN(rec.budget_spent_kwh, GetDouble(r));
  BA_ASSIGN_OR_RETURN(rec.budget_remaining_kwh, GetDouble(r));
  BA_ASSIGN_OR_RETURN(uint8_t gate, r.ReadU8());
  if (gate > 1) return r.Error(fmt::format("gate_passed byte {} is not 0 or 1", gate));
  rec.gate_passed = gate == 1;
  BA_ASSIGN_OR_RETURN(rec.source, GetString(r, "source"));
  BA_ASSIGN_OR_RETURN(rec.stage_id, GetString(r, "stage_id"));
  if (!r.empty()) return r.Error(fmt::format("{} trailing bytes after a record", r.remaining()));
  return rec;
}

ChainHash Genesis(const LogId& log_id) {
  Sha256Hasher h;
  h.Update(std::string_view("budget-audit chain v1"));
  h.Update(ByteSpan(log_id.data(), log_id.size()));
  return h.Finish();
}

ChainHash ChainNext(const ChainHash& prev, const SlotRecord& r, uint64_t seq) {
  ByteWriter w;
  EncodeCanonical(r, seq, w);
  return ChainNextOfCanonical(prev, w.bytes());
}

ChainHash ChainNextOfCanonical(const ChainHash& prev, ByteSpan canonical) {
  Sha256Hasher h;
  h.Update(ByteSpan(prev.data(), prev.size()));
  h.Update(canonical);
  return h.Finish();
}

bool SameContent(const SlotRecord& a, const SlotRecord& b) {
  ByteWriter x, y;
  EncodeCanonical(a, 0, x);
  EncodeCanonical(b, 0, y);
  return x.bytes() == y.bytes();
}

}  // namespace budget_audit::log
