// The journal: append-only files of framed, checksummed, sequence-numbered
// records (docs/format.md §2.2). The hot tail of the audit log; sealed
// Parquet files hold the history.
//
// File "<log>/_journal/<first seq, 20 digits>.journal":
//   header (68 bytes): "BAJ1" | u32 LE version (1) | log_id (16) |
//                      u64 LE first_seq | prev_hash (32) | u32 LE masked CRC-32C of the 64 bytes before
//   frames:            u32 LE masked CRC-32C of the rest of the frame | u32 LE payload length |
//                      u8 type (1 = tick) | payload
//   tick payload:      canonical(record, seq) (log/record.h) | chain hash after this record (32)
//
// A torn tail — the last frame of the last file cut at any byte, or nothing
// but zeros after the last whole frame, or a last file cut inside its
// header — is the normal state after a crash: readers stop before it and
// the next writer moves it aside (log/layout.h) and cuts it. A whole frame
// whose checksum fails is never a torn write, and after a clean close
// (log/layout.h) no torn tail is; any other damage is Corruption naming the
// file and offset.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/slot_record.h"
#include "log/record.h"

namespace budget_audit::log {

constexpr size_t kJournalHeaderSize = 68;
constexpr size_t kFrameHeaderSize = 9;
constexpr uint32_t kMaxPayloadSize = 1 << 20;  // a tick is ~100 bytes
constexpr uint8_t kFrameTick = 1;

struct JournalEntry {
  uint64_t seq = 0;
  SlotRecord record;
  ChainHash hash{};     // chain hash after this record
  uint64_t offset = 0;  // frame offset in its file
};

struct JournalFileHeader {
  LogId log_id{};
  uint64_t first_seq = 0;
  ChainHash prev_hash{};
};

// What reading one journal file found.
struct JournalScan {
  std::optional<JournalFileHeader> header;  // absent: torn while being created
  std::vector<JournalEntry> entries;
  uint64_t valid_bytes = 0;  // length of the valid prefix
  bool torn_tail = false;    // bytes after the valid prefix (a crash's leftovers)
  uint64_t file_size = 0;
};

// Name of the journal file whose first record is `first_seq`.
std::string JournalFileName(uint64_t first_seq);
// The journal files in `journal_dir` as (first seq, file name), in seq
// order; other names are not journal files and are left out. The one
// listing the writer, the snapshots and verify share.
Result<std::vector<std::pair<uint64_t, std::string>>> ListJournalFiles(Env* env,
                                                                       const std::string& journal_dir);
// Parses a journal file name; nullopt for other names.
std::optional<uint64_t> ParseJournalFileName(const std::string& name);

void EncodeJournalHeader(const JournalFileHeader& h, ByteWriter& out);
void EncodeTickFrame(const SlotRecord& r, uint64_t seq, const ChainHash& hash, ByteWriter& out);
// The same frame for the record after `prev` in the chain, appended to
// `out` in one pass (the canonical bytes are encoded once, for the hash and
// the frame); returns the record's chain hash.
ChainHash AppendChainedTickFrame(const SlotRecord& r, uint64_t seq, const ChainHash& prev, ByteWriter& out);

// Reads one journal file. `is_last`: damage at the end is a torn tail (OK,
// reported in the scan) rather than Corruption.
Result<JournalScan> ScanJournalFile(Env* env, const std::string& path, bool is_last);
// The same over bytes in memory (for fuzzing and tests).
Result<JournalScan> ScanJournalBytes(ByteSpan bytes, const std::string& name, bool is_last);

}  // namespace budget_audit::log
