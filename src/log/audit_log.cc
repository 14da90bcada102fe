// The writer side of the audit log (include/budget_audit/audit_log.h): the
// lock, recovery (log/recovery.h), journal appends (log/journal_writer.h),
// duplicate lookups (log/dedup_index.h) and sealing (log/sealer.h), which
// runs on a background thread of the writer so that an append never waits
// for a month file to be rewritten (docs/architecture.md, "the life of a
// seal").
//
// Threads. The appending thread (the caller's) owns the journal, last_seq,
// the chain head and the duplicate index of sealed files. The seal thread
// publishes month files and manifests. They share, under `mu`: the
// unsealed records (the appender adds at the back, a completed seal erases
// from the front), the manifest (replaced whole by a seal) and the seal's
// requests and results. A seal works on a copy of the records it seals;
// they stay in `unsealed`, found by duplicate lookups, until the manifest
// that covers them is in place, and then leave it in the same step as the
// manifest changes: at every instant each acknowledged record is in the
// journal (not yet sealed) or in a published file (sealed) or both.
//
// Operations that need the sealed state to stand still (recovery, Seal(),
// SealEndedDays(), Close()) pause the seal thread and run the seal in the
// caller's thread.
#include "budget_audit/audit_log.h"

#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "log/dedup_index.h"
#include "log/journal_writer.h"
#include "log/layout.h"
#include "log/manifest.h"
#include "log/recovery.h"
#include "log/sealed_reader.h"
#include "log/sealer.h"
#include "log/slot_parquet.h"
#include "log/validate.h"
#include "util/civil_time.h"
#include "util/sha256.h"
#include "util/time_zone.h"

namespace budget_audit {

using log::ChainHash;

struct AuditLog::Impl {
  Env* env = nullptr;
  AuditLogOptions options;
  std::string dir, journal_dir;
  std::unique_ptr<FileLock> lock;
  std::unique_ptr<log::Sealer> sealer;
  std::unique_ptr<log::JournalWriter> journal;

  // --- The appending thread's.
  uint64_t last_seq = 0;
  ChainHash head{};
  std::string max_date;  // latest `date` appended or recovered
  bool needs_recovery = false;
  Status recovery_cause;  // what set needs_recovery
  bool torn_tail_cut = false;
  // The last writer's clean-close record, until recovery has checked it.
  std::optional<log::CleanClose> clean_close;
  bool closed = false;
  bool last_was_duplicate = false;
  std::deque<SlotRecord> retry_queue;
  std::unique_ptr<log::SealedIndex> sealed_index;
  uint64_t sealed_index_version = 0;  // the manifest version sealed_index reads

  // --- Shared with the seal thread, under mu.
  std::mutex mu;
  std::condition_variable wake;  // the seal thread's: work or stop
  std::condition_variable idle;  // a seal finished
  std::shared_ptr<const log::Manifest> manifest;
  uint64_t manifest_version = 1;  // counts manifests this writer published
  // Records not yet sealed (seq > manifest->sealed_seq), with chain hashes.
  std::deque<log::SeqRecord> unsealed;
  std::deque<ChainHash> unsealed_hashes;
  log::UnsealedIndex unsealed_index;
  // The latest timestamp of any sealed file (a later one needs no lookup).
  int64_t sealed_max_ts = std::numeric_limits<int64_t>::min();
  uint64_t seal_target = 0;  // seal every record up to this seq
  bool seal_running = false;
  bool stop = false;
  int paused = 0;
  Status seal_status;                                // the last sealing attempt's result
  bool seal_status_reported = true;                  // by an AppendResult
  std::chrono::steady_clock::time_point retry_at{};  // after a failure
  int seal_failures = 0;                             // in a row
  std::thread seal_thread;

  static constexpr auto kFirstRetry = std::chrono::seconds(1);
  static constexpr auto kLastRetry = std::chrono::minutes(5);

  // ------------------------------------------------------------------
  // Opening and recovery.

  Status Init() {
    BA_RETURN_IF_ERROR(env->CreateDirs(dir));
    std::string holder =
        options.holder_info.empty() ? fmt::format("pid {}", ::getpid()) : options.holder_info;
    BA_ASSIGN_OR_RETURN(lock, env->TryLockFile(JoinPath(dir, log::kLockName), holder));
    BA_RETURN_IF_ERROR(RemoveTemporaries());
    // A missing or mangled part of a log is damage, never a new log: a new
    // identity would make every later writer refuse the old journal.
    BA_ASSIGN_OR_RETURN(log::LayoutState layout, log::CheckLayout(env, dir));
    log::Manifest m;
    if (layout == log::LayoutState::kComplete) {
      BA_ASSIGN_OR_RETURN(m, log::ReadManifest(env, dir));
      // A manifest from before checksums (2026-12-04) gets one now, not
      // only at the next seal.
      if (!m.had_checksum) BA_RETURN_IF_ERROR(log::WriteManifest(env, dir, m));
      BA_ASSIGN_OR_RETURN(clean_close, log::ReadCleanClose(env, dir));
    } else {
      std::random_device rd;
      for (auto& b : m.log_id) b = static_cast<uint8_t>(rd());
      m.sealed_seq = 0;
      m.sealed_head = log::Genesis(m.log_id);
      BA_RETURN_IF_ERROR(env->CreateDirs(journal_dir));
      BA_RETURN_IF_ERROR(env->SyncDir(dir));
      BA_RETURN_IF_ERROR(log::WriteManifest(env, dir, m));
    }
    SetManifest(std::move(m));
    BA_RETURN_IF_ERROR(env->CreateDirs(journal_dir));
    return Recover();
  }

  // Removes what an earlier writer left half-written ("_tmp.*": a month
  // file it was sealing, a manifest it was replacing) when it was killed or
  // its disk filled. Only the lock holder writes them, so none is in use.
  Status RemoveTemporaries() {
    BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(dir));
    bool removed = false;
    for (const auto& n : names) {
      if (n.rfind(log::kTempPrefix, 0) != 0) continue;
      BA_RETURN_IF_ERROR(env->DeleteFile(JoinPath(dir, n)));
      removed = true;
    }
    return removed ? env->SyncDir(dir) : Status::OK();
  }

  // Called with mu held, or before the seal thread runs.
  void SetManifest(log::Manifest m) {
    sealed_max_ts = std::numeric_limits<int64_t>::min();
    for (const auto& f : m.files) sealed_max_ts = std::max(sealed_max_ts, f.max_timestamp_us);
    manifest = std::make_shared<const log::Manifest>(std::move(m));
    ++manifest_version;
  }

  // Rebuilds the appending state from the journal. The seal thread is
  // paused or not running.
  Status Recover() {
    journal->Abandon();
    std::shared_ptr<const log::Manifest> m = manifest;
    BA_ASSIGN_OR_RETURN(log::RecoveredJournal r, log::RecoverJournal(env, dir, *m, clean_close));
    clean_close.reset();
    torn_tail_cut |= r.cut_torn_tail;
    last_seq = r.last_seq;
    head = r.head;
    const std::string clock_date = ClockDate();
    for (const auto& e : r.unsealed) {
      if (e.record.date > max_date && !AheadOf(e.record.date, clock_date)) max_date = e.record.date;
    }
    journal->Reset(m->log_id, std::move(r.files), std::move(r.current), r.current_bytes);
    {
      std::lock_guard<std::mutex> l(mu);
      unsealed = std::move(r.unsealed);
      unsealed_hashes = std::move(r.unsealed_hashes);
      unsealed_index.Reset(unsealed);
      seal_target = std::min(seal_target, last_seq);
    }
    needs_recovery = false;
    BA_ASSIGN_OR_RETURN(bool intent, env->FileExists(JoinPath(dir, log::kSealIntentName)));
    if (intent) {
      // A seal was interrupted between publishing files and the manifest:
      // publish again from the manifest's files and the journal.
      BA_RETURN_IF_ERROR(SealNow(m->sealed_seq, /*repair=*/true));
    }
    return Status::OK();
  }

  // ------------------------------------------------------------------
  // Sealing.

  // Seals the unsealed records with seq <= upto (all of them with
  // `repair`: see Sealer::Seal). Runs on the seal thread, or on the
  // appending thread while the seal thread is paused; seal_running is set.
  Status RunSeal(uint64_t upto, bool repair, bool close_current_journal) {
    std::shared_ptr<const log::Manifest> m;
    std::vector<log::SeqRecord> records;
    std::vector<ChainHash> hashes;
    size_t take = 0;
    {
      std::lock_guard<std::mutex> l(mu);
      m = manifest;
      // Unsealed seqs are dense: the first `take` records have seq <= upto.
      if (!unsealed.empty() && upto >= unsealed.front().seq) {
        take = static_cast<size_t>(std::min<uint64_t>(unsealed.size(), upto - unsealed.front().seq + 1));
      }
      const size_t n = repair ? unsealed.size() : take;
      records.assign(unsealed.begin(), unsealed.begin() + static_cast<ptrdiff_t>(n));
      hashes.assign(unsealed_hashes.begin(), unsealed_hashes.begin() + static_cast<ptrdiff_t>(n));
    }
    Result<log::Manifest> next = sealer->Seal(*m, records, hashes, take, repair);
    uint64_t sealed_seq = m->sealed_seq;
    Status s = next.status();
    if (next.ok()) {
      std::lock_guard<std::mutex> l(mu);
      sealed_seq = next->sealed_seq;
      if (next->sealed_seq != m->sealed_seq || repair || next->files.size() != m->files.size() || take > 0) {
        SetManifest(std::move(*next));
      }
      unsealed.erase(unsealed.begin(), unsealed.begin() + static_cast<ptrdiff_t>(take));
      unsealed_hashes.erase(unsealed_hashes.begin(), unsealed_hashes.begin() + static_cast<ptrdiff_t>(take));
      unsealed_index.ErasedFront(unsealed);
    }
    if (s.ok() && take > 0) {
      // last_seq is only needed (and only read) when the appending thread
      // runs this: the seal thread keeps the newest journal file.
      s = journal->DropSealed(sealed_seq, close_current_journal ? last_seq : 0, close_current_journal);
    }
    std::lock_guard<std::mutex> l(mu);
    NoteSealResult(s);
    return s;
  }

  // Called with mu held.
  void NoteSealResult(const Status& s) {
    if (s.ok()) {
      seal_failures = 0;
    } else {
      // Retried after a pause that doubles with each failure in a row (a
      // full disk is not hammered), or at once when asked (Seal(), a new
      // day, Close()).
      auto wait = kFirstRetry * (1 << std::min(seal_failures, 10));
      if (wait > kLastRetry) wait = kLastRetry;
      retry_at = std::chrono::steady_clock::now() + wait;
      ++seal_failures;
    }
    if (!s.ok() && (seal_status.ok() || s.message() != seal_status.message())) seal_status_reported = false;
    seal_status = s;
  }

  void SealThread() {
#ifdef __linux__
    // Batch work: woken by the append that begins a day, it must not take
    // that append's core before the append returns (Linux preempts the
    // running thread for a freshly woken one; SCHED_BATCH opts out of
    // that). No privilege is needed; if refused, the thread runs as is.
    sched_param batch{};
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch);
#endif
    std::unique_lock<std::mutex> l(mu);
    for (;;) {
      auto has_work = [&] { return paused == 0 && seal_target > manifest->sealed_seq; };
      if (stop) return;
      if (!has_work()) {
        wake.wait(l);
        continue;
      }
      if (seal_failures > 0 && std::chrono::steady_clock::now() < retry_at) {
        wake.wait_until(l, retry_at);
        continue;
      }
      seal_running = true;
      const uint64_t upto = seal_target;
      l.unlock();
      (void)RunSeal(upto, false, false);  // the result is in seal_status
      l.lock();
      seal_running = false;
      idle.notify_all();
    }
  }

  // Stops the seal thread from starting a seal and waits for the one
  // running, if any, to finish. Appending thread only.
  void Pause() {
    std::unique_lock<std::mutex> l(mu);
    ++paused;
    idle.wait(l, [&] { return !seal_running; });
  }
  void Resume() {
    std::lock_guard<std::mutex> l(mu);
    --paused;
    wake.notify_all();
  }

  // Seals in the caller's thread (the seal thread paused).
  Status SealNow(uint64_t upto, bool repair) {
    Pause();
    {
      std::lock_guard<std::mutex> l(mu);
      seal_running = true;
    }
    Status s = RunSeal(upto, repair, true);
    {
      std::lock_guard<std::mutex> l(mu);
      seal_running = false;
    }
    Resume();
    return s;
  }

  // Asks the seal thread to seal up to `upto` (or does it now without one).
  void RequestSeal(uint64_t upto) {
    if (!seal_thread.joinable()) {
      (void)SealNow(upto, false);  // kept in seal_status
      return;
    }
    std::lock_guard<std::mutex> l(mu);
    if (upto <= seal_target) return;
    seal_target = upto;
    seal_failures = std::min(seal_failures, 1);  // a new day: retry soon
    retry_at = std::chrono::steady_clock::now();
    wake.notify_all();
  }

  Status WaitForSeals() {
    std::unique_lock<std::mutex> l(mu);
    idle.wait(l, [&] {
      return !seal_running &&
             (seal_target <= manifest->sealed_seq || !seal_status.ok() || !seal_thread.joinable());
    });
    return seal_status;
  }

  void StopSealThread() {
    if (!seal_thread.joinable()) return;
    {
      std::lock_guard<std::mutex> l(mu);
      stop = true;
      wake.notify_all();
    }
    seal_thread.join();
  }

  // ------------------------------------------------------------------
  // Appending.

  // The record already logged at this timestamp, if any.
  // Also gives the manifest's sealed_seq of the same moment (one lock).
  Result<std::optional<log::SeqRecord>> FindByTimestamp(int64_t ts, uint64_t& sealed_seq) {
    std::shared_ptr<const log::Manifest> m;
    {
      std::lock_guard<std::mutex> l(mu);
      sealed_seq = manifest->sealed_seq;
      if (auto i = unsealed_index.Find(unsealed, ts)) return std::optional<log::SeqRecord>(unsealed[*i]);
      if (ts > sealed_max_ts) return std::optional<log::SeqRecord>();
      m = manifest;
      sealed_index_version = manifest_version;
    }
    return sealed_index->Find(*m, sealed_index_version, ts);
  }

  // A sealed file for a duplicate lookup, checked against its manifest
  // entry: a file that differs is accepted only while a seal is under way
  // or cut short (the rows are filtered by the seq the manifest read
  // vouches for) or after the manifest was replaced since it was read.
  Result<std::unique_ptr<log::SealedFileCursor>> OpenSealed(const log::SealedFile& f, ColumnSet columns,
                                                            const log::RowFilter& filter) {
    return log::OpenSealedFile(env, dir, f, columns, filter,
                               [this](const log::SealedFile& e, Bytes&, std::string& sha) {
                                 bool moved;
                                 {
                                   std::lock_guard<std::mutex> l(mu);
                                   moved = seal_running || manifest_version != sealed_index_version;
                                 }
                                 return moved || sealer->files_ahead()
                                            ? Status::OK()
                                            : log::SealedFileChanged(JoinPath(dir, e.name), e.sha256, sha);
                               });
  }

  Result<AppendResult> Append(SlotRecord&& record) {
    if (closed) return Status::FailedPrecondition(fmt::format("{}: the log was closed", dir));
    if (needs_recovery) BA_RETURN_IF_ERROR(RecoverPaused());
    last_was_duplicate = false;
    const SlotRecord& r = record;
    uint64_t sealed_seq;
    BA_ASSIGN_OR_RETURN(auto existing, FindByTimestamp(r.timestamp_us, sealed_seq));
    if (existing) {
      if (log::SameContent(existing->record, r)) {
        last_was_duplicate = true;  // a retry: acknowledge the original
        return AppendResult{existing->seq, true, {}};
      }
      return Status::AlreadyExists(
                 fmt::format("timestamp: a different record with this timestamp is already logged as seq {}",
                             existing->seq))
          .WithSeq(existing->seq);
    }
    const uint64_t seq = last_seq + 1;
    // The current journal file holds sealed records: a new one starts, so
    // the journal stays about a day long.
    const uint64_t first = journal->newest_first_seq();
    const bool rotate = first != 0 && first <= sealed_seq;
    Result<ChainHash> next =
        journal->Append(r, seq, head, options.sync == SyncMode::kAlways, rotate, sealed_seq);
    if (!next.ok()) {
      // Whatever reached the file is cut by the recovery before the next
      // append; nothing is acknowledged now.
      needs_recovery = true;
      recovery_cause = next.status();
      return next.status();
    }
    last_seq = seq;
    head = *next;
    const std::string date = r.date;
    AppendResult result{seq, false, {}};
    {
      std::unique_lock<std::mutex> l(mu);
      unsealed.push_back({seq, std::move(record)});
      unsealed_hashes.push_back(head);
      unsealed_index.Added(unsealed);
      if (!seal_status_reported) {
        result.seal_status = seal_status;
        seal_status_reported = true;
      }
      // A bulk load faster than its seals waits for them rather than
      // holding ever more records in memory.
      if (unsealed.size() > options.max_unsealed_records && seal_thread.joinable() && paused == 0 &&
          seal_target > manifest->sealed_seq) {
        idle.wait(
            l, [&] { return !seal_running && (seal_target <= manifest->sealed_seq || !seal_status.ok()); });
      }
    }
    // A new day began: seal everything before this record, in the
    // background. The record is durable already: a seal failure does not
    // fail the append; it is kept in last_seal_status(), reported by the
    // next append's result and by Close(), and retried.
    // A date far ahead of the clock does not move max_date: it would stop
    // the daily seals until that date (it is sealed with the next one).
    if (date > max_date && (max_date.empty() || !AheadOf(date, ClockDate()))) {
      bool new_day = !max_date.empty();
      if (options.seal_policy == SealPolicy::kMonthly) {
        new_day = new_day && log::MonthFileName(date) != log::MonthFileName(max_date);
      }
      if (options.seal_policy == SealPolicy::kManual) new_day = false;
      max_date = date;
      if (new_day && seq > 1) RequestSeal(seq - 1);
    }
    return result;
  }

  uint64_t sealed_seq_now() {
    std::lock_guard<std::mutex> l(mu);
    return manifest->sealed_seq;
  }

  Status RecoverPaused() {
    Pause();
    Status s = Recover();
    Resume();
    return s;
  }

  // The clock's date at the site, and whether `date` is so far ahead of it
  // (more than a day) that it must not hold the daily sealing back.
  std::string ClockDate() {
    const int64_t now = env->NowMicros();
    return options.local_date ? options.local_date(now) : FormatDate(FloorDiv(now, 86400000000));
  }
  static bool AheadOf(const std::string& date, const std::string& clock_date) {
    auto d = ParseDate(date), c = ParseDate(clock_date);
    return d && c && *d > *c + 1;
  }

  Status SealEndedDays() { return closed ? Status::OK() : SealEndedDaysOfOpenLog(); }
  Status SealEndedDaysOfOpenLog() {
    if (options.seal_policy != SealPolicy::kDaily) return Status::OK();
    if (needs_recovery) BA_RETURN_IF_ERROR(RecoverPaused());
    const std::string today = ClockDate();
    uint64_t upto = 0;
    Pause();  // unsealed stands still
    for (const auto& e : unsealed) {
      if (!(e.record.date < today || AheadOf(e.record.date, today))) break;
      upto = e.seq;
    }
    Resume();
    if (upto == 0) return Status::OK();
    return SealNow(upto, false);
  }

  // Makes everything durable and records the clean close (log/layout.h).
  // After a failed append the journal may end in a partial frame: no clean
  // close is recorded, and the next writer treats the end as a crash's.
  Status Close() {
    if (closed) return Status::OK();
    closed = true;
    StopSealThread();
    if (needs_recovery) return Status::OK();
    // What the seal thread was asked to seal, then the days that ended (a
    // failure is reported after the close: the records are safe in the
    // journal and the close goes on).
    Status sealed = Status::OK();
    uint64_t target;
    {
      std::lock_guard<std::mutex> l(mu);
      target = seal_target > manifest->sealed_seq ? seal_target : 0;
      // Without a journal, what is not sealed now is lost: all of it.
      if (!options.journal && last_seq > manifest->sealed_seq) target = last_seq;
    }
    if (target > 0) sealed = SealNow(target, false);
    if (sealed.ok()) sealed = SealEndedDaysOfOpenLog();
    if (needs_recovery) return Status::OK();
    BA_RETURN_IF_ERROR(journal->Sync());
    log::CleanClose c;
    c.last_seq = last_seq;
    c.head = head;
    if (!options.journal) {
      // Only what is sealed exists on disk; the next writer continues from it.
      std::lock_guard<std::mutex> l(mu);
      const uint64_t lost = last_seq - manifest->sealed_seq;
      c.last_seq = manifest->sealed_seq;
      c.head = manifest->sealed_head;
      if (lost > 0 && sealed.ok()) sealed = Status::Internal("unsealed records at close");
      if (lost > 0) {
        sealed = Status(sealed.code(), fmt::format("{} (the last {} records, kept only in memory by a load "
                                                   "without a journal, were not logged: run it again)",
                                                   sealed.message(), lost));
      }
    }
    const std::string newest = journal->newest_path();
    if (!newest.empty()) {
      c.journal = BaseName(newest);
      BA_ASSIGN_OR_RETURN(c.journal_bytes, env->GetFileSize(newest));
    }
    BA_RETURN_IF_ERROR(log::WriteCleanClose(env, dir, c));
    return sealed;  // as last_seal_status()
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() {
  if (impl_) (void)impl_->Close();  // Close() reports what this cannot
}

Status AuditLog::Close() { return impl_->Close(); }

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& dir, const AuditLogOptions& options) {
  auto impl = std::make_unique<Impl>();
  Impl* im = impl.get();
  im->options = options;
  im->env = options.env ? options.env : Env::Default();
  im->dir = dir;
  im->journal_dir = JoinPath(dir, log::kJournalDirName);
  TimeZone zone;
  if (!options.timezone.empty()) {
    BA_ASSIGN_OR_RETURN(zone, TimeZone::Load(options.timezone));
  }
  im->sealer = std::make_unique<log::Sealer>(im->env, dir, options.seal_threads, std::move(zone));
  if (!options.journal && options.sync != SyncMode::kNone) {
    return Status::InvalidArgument("AuditLogOptions: journal = false needs SyncMode::kNone");
  }
  im->journal = std::make_unique<log::JournalWriter>(im->env, im->journal_dir, options.journal_file_bytes,
                                                     /*discard=*/!options.journal);
  im->sealed_index = std::make_unique<log::SealedIndex>(
      [im](const log::SealedFile& f, ColumnSet columns, const log::RowFilter& filter) {
        return im->OpenSealed(f, columns, filter);
      });
  // Waits for another writer up to options.lock_wait (Busy naming the
  // holder after that).
  const auto deadline = std::chrono::steady_clock::now() + options.lock_wait;
  for (;;) {
    Status s = im->Init();
    if (s.ok()) break;
    if (s.code() != StatusCode::kBusy || std::chrono::steady_clock::now() >= deadline) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // Days that ended while no writer ran (a failure is kept in
  // last_seal_status(): the log is open and the records are safe).
  (void)im->SealEndedDays();
  // Without a journal of its own, what the journal holds is sealed first:
  // records kept only in memory come after every record on disk.
  if (!options.journal && im->last_seq > im->sealed_seq_now()) {
    BA_RETURN_IF_ERROR(im->SealNow(im->last_seq, false));
  }
  if (options.background_sealing) im->seal_thread = std::thread([im] { im->SealThread(); });
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

// The validation policy of every way in (log/validate.h), before anything
// is written: a record the log takes is one every reader reads.
Result<AppendResult> AuditLog::Append(const SlotRecord& record) {
  BA_RETURN_IF_ERROR(log::ValidateRecord(record));
  return impl_->Append(SlotRecord(record));
}
Result<AppendResult> AuditLog::Append(SlotRecord&& record) {
  BA_RETURN_IF_ERROR(log::ValidateRecord(record));
  return impl_->Append(std::move(record));
}
Result<AppendResult> AuditLog::AppendValidated(SlotRecord&& record) {
  return impl_->Append(std::move(record));
}

Status AuditLog::Sync() {
  if (impl_->needs_recovery) {
    // The failure that stopped the journal, with its OS error: the records
    // appended since the last sync are not durable.
    const Status& cause = impl_->recovery_cause;
    return Status(cause.ok() ? StatusCode::kFailedPrecondition : cause.code(),
                  fmt::format("the journal needs recovery after a failed write: {}",
                              cause.ok() ? "unknown error" : cause.message()));
  }
  Status s = impl_->journal->Sync();
  if (!s.ok()) {
    impl_->needs_recovery = true;
    impl_->recovery_cause = s;
  }
  return s;
}

Status AuditLog::Seal() {
  if (impl_->closed) return Status::FailedPrecondition(fmt::format("{}: the log was closed", impl_->dir));
  if (impl_->needs_recovery) BA_RETURN_IF_ERROR(impl_->RecoverPaused());
  return impl_->SealNow(impl_->last_seq, false);
}

void AuditLog::RequestSeal() {
  if (impl_->closed || impl_->needs_recovery) return;
  impl_->RequestSeal(impl_->last_seq);
}

Status AuditLog::WaitForSeals() { return impl_->WaitForSeals(); }

Status AuditLog::SealEndedDays() { return impl_->SealEndedDays(); }
uint64_t AuditLog::sealed_seq() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->manifest->sealed_seq;
}

Status AuditLog::FlushRetryQueue() {
  auto& q = impl_->retry_queue;
  while (!q.empty()) {
    auto seq = impl_->Append(SlotRecord(q.front()));
    if (!seq.ok() && seq.status().code() != StatusCode::kAlreadyExists) return seq.status();
    q.pop_front();  // durable, or a conflict that no retry can fix
    if (!seq.ok()) return seq.status();
  }
  return Status::OK();
}

Status AuditLog::LogSlot(const SlotRecord& record, AppendResult* result) {
  if (result != nullptr) *result = AppendResult{};
  // Refused, not queued: no retry makes it valid.
  BA_RETURN_IF_ERROR(log::ValidateRecord(record));
  Status flushed = FlushRetryQueue();
  if (!flushed.ok() && flushed.code() != StatusCode::kAlreadyExists) {
    if (impl_->retry_queue.size() >= impl_->options.retry_queue_capacity) {
      return Status::ResourceExhausted(
          fmt::format("retry queue full ({} records waiting); record dropped: {}", impl_->retry_queue.size(),
                      flushed.message()));
    }
    impl_->retry_queue.push_back(record);
    return flushed;
  }
  auto seq = impl_->Append(SlotRecord(record));
  if (seq.ok()) {
    if (result != nullptr) *result = std::move(*seq);
    return flushed;
  }
  if (seq.status().code() == StatusCode::kAlreadyExists) return seq.status();
  if (impl_->retry_queue.size() >= impl_->options.retry_queue_capacity) {
    return Status::ResourceExhausted(
        fmt::format("retry queue full; record dropped: {}", seq.status().message()));
  }
  impl_->retry_queue.push_back(record);
  return seq.status();
}

Status AuditLog::LogSlot(const ControllerTick& tick, AppendResult* result) {
  if (result != nullptr) *result = AppendResult{};
  BA_RETURN_IF_ERROR(log::ValidateTick(tick));  // named as tick attributes
  return LogSlot(SlotRecordFromTick(tick, impl_->env->NowMicros()), result);
}

Result<AppendResult> AuditLog::AppendTick(const ControllerTick& tick) {
  BA_RETURN_IF_ERROR(log::ValidateTick(tick));  // named as tick attributes
  return Append(SlotRecordFromTick(tick, impl_->env->NowMicros()));
}

size_t AuditLog::retry_queue_size() const { return impl_->retry_queue.size(); }

bool AuditLog::last_append_was_duplicate() const { return impl_->last_was_duplicate; }

Status AuditLog::last_seal_status() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return impl_->seal_status;
}

uint64_t AuditLog::last_seq() const { return impl_->last_seq; }
std::string AuditLog::head_hex() const { return ToHex(ByteSpan(impl_->head.data(), 32)); }
std::string AuditLog::log_id_hex() const {
  std::lock_guard<std::mutex> l(impl_->mu);
  return ToHex(ByteSpan(impl_->manifest->log_id.data(), impl_->manifest->log_id.size()));
}
bool AuditLog::recovered_torn_tail() const { return impl_->torn_tail_cut; }

}  // namespace budget_audit
