// Verify: the auditor's read-only integrity check of a whole audit log
// (what `budget-audit verify` does), with everything it finds as data.
//
// Verify() checks, without taking the writer's lock:
//   - the manifest (its checksum, its list of sealed files);
//   - every sealed file: its SHA-256 against the manifest, its log id, its
//     row count and seq range, the report summary the manifest keeps of it;
//   - the dense seq sequence 1..N across sealed files and journal, records
//     both sealed and still in the journal equal to their sealed copies;
//   - the hash chain recomputed from the genesis over every record, ending
//     in the manifest's sealed head and in every stored journal hash;
//   - the clean-close record, if any, against the journal's end;
//   - with a checkpoint: that the log still holds its prefix (same log id,
//     same chain hash at its seq), and with a public key its signature.
// OK with a VerifyReport when the log is intact. What is not damage but is
// worth knowing (a crash's torn tail, tails cut after crashes and kept in
// _cut/, timestamps going backwards, an interrupted seal) is in the report.
// Damage is Corruption naming the first problem (the file, the seq, what).
//
// A writer may append and seal while Verify() runs: it checks the files as
// it reads them (a seal under way shows as a warning, a writer that opened
// the log meanwhile too), and the report covers the records read.
//
// Thread safety: Verify() and the renderers may be called from any thread,
// concurrently; the Env (options.env) must be safe for that, as every Env
// is (env.h). Nothing is kept after the call.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "budget_audit/checkpoint.h"
#include "budget_audit/env.h"
#include "budget_audit/status.h"

namespace budget_audit {

// The journal's last file ends in bytes that are not a whole record: a
// crash's leftovers, never acknowledged. The next writer moves them aside
// into _cut/ and cuts them.
struct TornTail {
  std::string journal;  // the file's name in _journal/
  uint64_t offset = 0;  // where the torn bytes start (the valid prefix's size)
  uint64_t bytes = 0;   // how many there are
};

// A tail a writer cut after a crash and kept in _cut/ (docs/format.md):
// records never acknowledged as durable, kept for the operator to inspect.
struct CutTailFinding {
  std::string name;              // the file's name in _cut/
  std::string journal;           // the journal file (in _journal/) it was cut from
  uint64_t offset = 0;           // where in that file
  uint64_t bytes = 0;            // size of the cut
  uint64_t first_seq = 0;        // the seq its first frame would have had
  uint64_t complete_frames = 0;  // whole frames in it (0: an incomplete frame only)
  int64_t cut_at_us = 0;         // when the writer cut it (UTC microseconds)
};

// What a warning is about (its message says it for people).
enum class VerifyWarningKind {
  kManifestWithoutChecksum,  // written before manifests had checksums
  kSealInterrupted,          // _seal_intent present: the next writer finishes the seal
  kWriterOpenedMeanwhile,    // a writer opened the log while it was being verified
  kTimestampsBackwards,      // a record's timestamp is before the previous one's
};

struct VerifyWarning {
  VerifyWarningKind kind = VerifyWarningKind::kManifestWithoutChecksum;
  std::string message;  // one line, as `verify` prints it after "warning: "
};

// Timestamps that go backwards in seq order (a clock set back, a replay).
struct TimestampsBackwards {
  uint64_t count = 0;        // records whose timestamp is before the previous record's
  uint64_t first_seq = 0;    // the first of them
  int64_t timestamp_us = 0;  // its timestamp
  int64_t previous_us = 0;   // the timestamp of the record before it
};

// A checkpoint the log was found to hold.
struct CheckpointMatch {
  Checkpoint checkpoint;
  bool signature_checked = false;  // its signature verified with the given public key
};

struct VerifyReport {
  std::string dir;              // the log verified, as given
  std::string log_id_hex;       // 32 hex digits
  uint64_t records = 0;         // every record (seqs 1..records)
  uint64_t sealed_records = 0;  // of which in sealed files (seqs 1..sealed_records)
  size_t sealed_files = 0;      // month files listed in the manifest
  size_t journal_files = 0;     // files in _journal/
  uint64_t journal_records() const { return records - sealed_records; }
  std::string head_hex;         // the chain hash after `records` (64 hex digits)
  bool closed_cleanly = false;  // the last writer closed the log and no writer has it
  std::optional<TornTail> torn_tail;
  std::vector<CutTailFinding> cuts;                         // oldest first
  std::optional<TimestampsBackwards> timestamps_backwards;  // also a warning
  std::vector<VerifyWarning> warnings;                      // in the order found
  std::optional<CheckpointMatch> checkpoint;                // when one was given
  // The manifest checked: its digest (its checksum, or the SHA-256 of a
  // manifest written without one) and whether it had a checksum.
  std::string manifest_digest;
  bool manifest_checksum = false;
};

struct VerifyOptions {
  Env* env = nullptr;  // nullptr: Env::Default(); used only during the call
  // Prove the log still holds this checkpoint's prefix.
  std::optional<Checkpoint> checkpoint;
  // Names the checkpoint in messages about it, e.g. its file
  // ("NAME: the checkpoint's signature does not verify ..."); may be empty.
  std::string checkpoint_name;
  // The signer's public key (hex). Required when the checkpoint is signed;
  // InvalidArgument without a checkpoint.
  std::optional<std::string> public_key_hex;
};

// Verifies the log in `dir` (see the top of this file). Errors:
//   InvalidArgument  options that do not go together (a public key without
//                    a checkpoint, a signed checkpoint without a key, a key
//                    that is not 64 hex digits);
//   Corruption       the checkpoint's signature (with checkpoint_name as
//                    context; checked before the log is read), or the log
//                    (with "verify DIR" as context), or the checkpoint's
//                    prefix not held ("verify DIR" too);
//   NotFound         no log in `dir` ("verify DIR: DIR: no audit log here ...");
//   IOError          reading failed.
Result<VerifyReport> Verify(const std::string& dir, const VerifyOptions& options = {});

// The report as `budget-audit verify` prints it on standard output: a line
// of counts, the log id, the head, then one line per finding (checkpoint,
// clean close, torn tail, each cut, each warning), each ending in '\n'.
std::string VerifyReportText(const VerifyReport& report);

// The report as one JSON object (compact, ending in '\n'), keys in this
// order:
//   {"intact": true, "log": DIR, "log_id": HEX, "records": N,
//    "sealed_records": N, "sealed_files": N, "journal_records": N,
//    "journal_files": N, "head": {"seq": N, "hash": HEX},
//    "closed_cleanly": BOOL,
//    "torn_tail": null | {"journal": NAME, "offset": N, "bytes": N},
//    "cuts": [{"name": NAME, "journal": NAME, "offset": N, "bytes": N,
//              "first_seq": N, "complete_frames": N, "cut_at": ISO-8601}],
//    "timestamps_backwards": null | {"count": N, "first_seq": N,
//              "timestamp": ISO-8601, "previous": ISO-8601},
//    "warnings": [{"kind": KIND, "message": TEXT}],
//    "checkpoint": null | {"seq": N, "time": TEXT, "head": HEX,
//              "signed": BOOL, "signature_checked": BOOL},
//    "manifest": {"digest": HEX, "checksum": BOOL}}
// KIND is "manifest_without_checksum", "seal_interrupted",
// "writer_opened_meanwhile" or "timestamps_backwards". Timestamps are
// ISO-8601 UTC ("2026-05-30T04:15:00Z", with a fraction of a second only
// when there is one).
std::string VerifyReportToJson(const VerifyReport& report);

// A failed Verify() as the same kind of object:
//   {"intact": false, "error": {"code": CODE, "message": TEXT}}
// CODE is StatusCodeName(status.code()) ("Corruption", "Not found", ...).
// Only a Corruption means the log is damaged; other codes mean it could not
// be checked.
std::string VerifyErrorToJson(const Status& status);

}  // namespace budget_audit
