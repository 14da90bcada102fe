// The canonical encoding of a SlotRecord and the hash chain over it
// (docs/format.md §2.3 is the normative description; keep them in step).
//
//   canonical(r, seq) =
//     u64 LE seq
//     i64 LE timestamp_us
//     str date
//     i64 LE slot_index
//     f64 LE planned_offset_deg, actual_offset_deg, energy_cost_kwh,
//            budget_spent_kwh, budget_remaining_kwh   (IEEE-754 bits)
//     u8  gate_passed (0 or 1)
//     str source
//     str stage_id
//   str = u32 LE byte length, then the UTF-8 bytes
//
//   genesis   = SHA-256("budget-audit chain v1" || log_id)   (log_id: 16 bytes)
//   hash(seq) = SHA-256(hash(seq-1) || canonical(r, seq)),  hash(0) = genesis
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"
#include "util/bytes.h"
#include "util/sha256.h"

namespace budget_audit::log {

using LogId = std::array<uint8_t, 16>;
using ChainHash = Sha256Digest;

void EncodeCanonical(const SlotRecord& r, uint64_t seq, ByteWriter& out);
// Decodes exactly one canonical record (the whole span); Corruption otherwise.
Result<SlotRecord> DecodeCanonical(ByteSpan data, uint64_t* seq);

ChainHash Genesis(const LogId& log_id);
ChainHash ChainNext(const ChainHash& prev, const SlotRecord& r, uint64_t seq);
// The same from the record's canonical bytes (EncodeCanonical) already at hand.
ChainHash ChainNextOfCanonical(const ChainHash& prev, ByteSpan canonical);

// The same record content (field by field, bit for bit for doubles), used
// to tell a retried tick from a conflicting one.
bool SameContent(const SlotRecord& a, const SlotRecord& b);

}  // namespace budget_audit::log
