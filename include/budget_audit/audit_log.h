// AuditLog: the durable, tamper-evident log of control ticks.
//
// A log is a directory (docs/format.md §2):
//   _lock                 held by the single writer (flock)
//   _manifest.json        log id, format version, sealed files (atomically replaced)
//   _journal/*.journal    framed, checksummed records: the hot tail
//   *.parquet             sealed history (added by sealing)
//
// Append() returns the record's sequence number once the record is durable
// (with SyncMode::kAlways, the default). Nothing is acknowledged that could
// be lost by a power cut at that instant.
//
// Thread safety: one AuditLog object per process and directory; its methods
// must not be called concurrently (a binding serializes them). The log runs
// one thread of its own, for sealing (AuditLogOptions::background_sealing),
// from Open() until Close().
//
// Lifetimes: options.env (when given) must outlive the log; strings and
// records passed in are copied (or moved from) before a call returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "budget_audit/env.h"
#include "budget_audit/slot_record.h"
#include "budget_audit/status.h"

namespace budget_audit {

namespace log {
class Importer;
}  // namespace log

enum class SyncMode {
  kAlways,  // fdatasync before every acknowledgement
  kBatch,   // the caller calls Sync() and acknowledges a group after it
  kNone,    // never sync (tests, bulk loads that are re-run on failure)
};

enum class SealPolicy {
  kDaily,    // seal when the first record of a new day arrives: readers of the
             // Parquet files see the history up to the end of the previous day
  kMonthly,  // seal only when a new month begins (bulk imports: each month file
             // is written once); call Seal() at the end
  kManual,   // seal only when Seal() is called (a bulk load sealing many months
             // at once, with one manifest commit for them)
};

struct AuditLogOptions {
  Env* env = nullptr;  // nullptr: Env::Default()
  SyncMode sync = SyncMode::kAlways;
  // A new journal file is started when the current one exceeds this size.
  uint64_t journal_file_bytes = 64ull << 20;
  // Written into _lock for the message another writer gets.
  std::string holder_info;
  // Records LogSlot() keeps while the disk refuses them (oldest first).
  size_t retry_queue_capacity = 100000;
  SealPolicy seal_policy = SealPolicy::kDaily;
  // The site's calendar date ("YYYY-MM-DD") at a UTC instant, for sealing
  // the days that have ended (SealEndedDays); default: the UTC date. The
  // command-line tool passes the configured time zone's.
  std::function<std::string(int64_t utc_us)> local_date;
  // The site's IANA zone (the configuration's `timezone`); empty: UTC.
  // Sealed files' site summaries, which let the compliance report read the
  // manifest instead of the rows, count local days in it (docs/format.md
  // §2.4); a report in another zone decodes the files. Open() fails with
  // InvalidArgument for an unknown zone.
  std::string timezone;
  // Month files a seal writes at once, each on its own thread (a bulk load
  // seals several months per seal). More than 1 needs an Env whose files
  // may be written from several threads at once.
  size_t seal_threads = 1;
  // Seal on a background thread of the writer, as LevelDB compacts: an
  // append that begins a new day (or month) asks for a seal and returns at
  // once. The Env must then allow files to be used from two threads (every
  // Env of this library does). false: the seal runs inside that append.
  bool background_sealing = true;
  // With background sealing, an append waits for the running seal once
  // this many records are unsealed (a bulk load faster than its seals),
  // rather than holding ever more in memory.
  size_t max_unsealed_records = size_t{1} << 21;
  // How long Open() waits for another writer to release the lock (polling
  // every 100 ms) before it gives up with Busy.
  std::chrono::milliseconds lock_wait{0};
  // false: a bulk load whose input stays where it is (import): appended
  // records are kept in memory until a seal publishes them and never
  // written to the journal, so a seal overlapping the appends costs no
  // journal sync; Close() seals them all. A crash, or a seal that fails at
  // Close(), loses the records not yet sealed (Close() then says how
  // many); running the load
  // again adds them (retries are recognised). Records the journal already
  // holds when the log opens are sealed first (Open() fails if that
  // fails). Only with SyncMode::kNone.
  bool journal = true;
};

// What Append() did with a record.
struct AppendResult {
  uint64_t seq = 0;        // the record's seq (the existing one for a duplicate)
  bool duplicate = false;  // a retry of a record already logged: nothing was written
  // A background seal's failure not yet reported by an earlier append's
  // result (OK otherwise). The record itself is durable: the log keeps
  // working from the journal and the seal is retried.
  Status seal_status;
};

class AuditLog {
 public:
  // Opens (creating if needed) the log in `dir`, takes the writer lock
  // (Busy naming the holder if another process has it) and recovers: after
  // a crash a torn journal tail is moved aside into _cut/ and cut; damage
  // (anything else, or any torn tail after a clean close, or a missing part
  // of the layout) is Corruption and nothing opens.
  static Result<std::unique_ptr<AuditLog>> Open(const std::string& dir, const AuditLogOptions& options = {});
  // Closes the log if Close() was not called (its errors are then lost):
  // the seal thread is stopped, what has ended is sealed, the journal
  // synced, the clean close recorded and the lock released.
  ~AuditLog();

  // Stops the seal thread, seals what it was asked to and the days that
  // have ended (SealEndedDays), makes every record durable and records a
  // clean close: until the next writer opens the log, any damage to the end
  // of the journal is reported as damage (Corruption), never taken for a
  // crash's torn tail. Later calls other than Close() fail; the lock is
  // released when the object is destroyed. Not recorded after a failed
  // append (the next writer then recovers as after a crash). A failed seal
  // does not stop the close: the close is recorded and the seal's failure
  // returned, the same Status as last_seal_status() (every record is
  // durable in the journal).
  Status Close();

  // Appends one record; returns its seq (dense, from 1). Durable before it
  // returns unless the sync mode says otherwise. On failure nothing is
  // acknowledged and the next call recovers the journal first.
  //
  // A record outside the validation policy (docs/validation.md: a timestamp
  // outside the years 0001..9999, a date that is not the timestamp's in any
  // UTC offset, NaN or an infinity, a string that is not UTF-8 or is longer
  // than 4096 bytes) is InvalidArgument "column: problem", and nothing is
  // written.
  //
  // A record with the timestamp and content of one already logged (a
  // retried tick) is not appended again: the result has its existing seq
  // and duplicate = true. The same timestamp with different content is
  // AlreadyExists naming the existing seq in its message and carrying it
  // as Status::seq().
  Result<AppendResult> Append(const SlotRecord& record);
  // The same, taking the record's strings instead of copying them (a bulk
  // load); `record` is left valid but unspecified.
  Result<AppendResult> Append(SlotRecord&& record);
  // A controller's tick, appended as Append() does (no retry queue: a
  // failure is the caller's), checked and named as tick attributes as
  // LogSlot(ControllerTick) does; a tick without a timestamp is logged at
  // the Env's "now". For bindings whose callers want each failure raised.
  Result<AppendResult> AppendTick(const ControllerTick& tick);
  // Whether the last Append() was a duplicate (as its result said).
  bool last_append_was_duplicate() const;

  // For a control loop that must never stop: first retries the records
  // queued by earlier failures (oldest first), then appends `record`. A
  // record that cannot be made durable (disk full, I/O error) is kept in a
  // bounded in-memory queue and retried by the next call or by
  // FlushRetryQueue(), so nothing is lost once the fault clears (unless the
  // process dies meanwhile). Returns OK when `record` and all queued records
  // are durable; otherwise the error, with the records still queued.
  // ResourceExhausted (nothing queued) when the queue is full; a conflicting
  // record (AlreadyExists) is reported and dropped, not retried, and so is
  // an invalid one (InvalidArgument, as Append; for a ControllerTick named
  // as its tick attributes). A tick without a timestamp is logged at the
  // Env's "now", as the Python version's log_slot() did.
  //
  // `result` (when given) says what became of `record` itself: its seq and
  // whether it was a retry of a record already logged; seq 0 when it was
  // queued or refused.
  Status LogSlot(const SlotRecord& record, AppendResult* result = nullptr);
  Status LogSlot(const ControllerTick& tick, AppendResult* result = nullptr);
  Status FlushRetryQueue();
  size_t retry_queue_size() const;

  // Makes every appended record durable (for SyncMode::kBatch).
  Status Sync();

  // Seals every record appended so far into the month files, in this
  // thread (normally done in the background when the first record of a new
  // day is appended); returns the seal's result.
  Status Seal();
  // Asks the seal thread to seal every record appended so far and returns
  // at once (a bulk load overlapping its seals with its appends); the
  // result goes to last_seal_status(). Without a seal thread: Seal().
  void RequestSeal();
  // Waits until the seals asked for so far are done or one failed; returns
  // last_seal_status().
  Status WaitForSeals();
  // Seals every day that has ended by the clock (options.local_date): the
  // records, in seq order, up to the first one dated today or tomorrow. A
  // record dated more than a day ahead of the clock (a controller's clock
  // gone wrong, 9999-12-31) does not hold sealing back: it is sealed with
  // the days before it, into its own month file. With SealPolicy::kDaily
  // this also runs when the log opens and when it closes; a plant that
  // stops ticking at night still has yesterday sealed. Other policies: a
  // no-op.
  Status SealEndedDays();
  // Records in sealed files (every seq <= sealed_seq()).
  uint64_t sealed_seq() const;
  // The result of the last sealing attempt (background or in a call). A
  // failed background seal is retried after a pause doubling from 1 s to
  // 5 min, and at once at the next new day, Seal() or Close().
  Status last_seal_status() const;

  uint64_t last_seq() const;
  // Hex SHA-256 chain head after last_seq().
  std::string head_hex() const;
  // Hex log id.
  std::string log_id_hex() const;
  // True if recovery cut a torn tail when opening.
  bool recovered_torn_tail() const;

 private:
  friend class log::Importer;  // appends rows it has validated already
  struct Impl;
  explicit AuditLog(std::unique_ptr<Impl> impl);
  // Append without ValidateRecord: for a caller that applied it already.
  Result<AppendResult> AppendValidated(SlotRecord&& record);
  std::unique_ptr<Impl> impl_;
};

}  // namespace budget_audit
