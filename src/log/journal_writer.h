// The writer's journal: the framed, chained records of docs/format.md §2.2
// appended to the current file of _journal/, a new file started when the
// current one is full or holds sealed records (so the journal stays about a
// day long and readers and recovery scan little), and files whose records
// are all sealed deleted.
//
// Threads: Append, Sync, Close and DropSealed(close_current = true) are the
// appending thread's; DropSealed(close_current = false) may run on the seal
// thread at the same time (it never touches the current file).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "budget_audit/env.h"
#include "log/record.h"
#include "util/bytes.h"

namespace budget_audit::log {

class JournalWriter {
 public:
  // `discard`: records are encoded (for their chain hash) but written
  // nowhere (AuditLogOptions::journal = false).
  JournalWriter(Env* env, std::string journal_dir, uint64_t file_bytes, bool discard = false)
      : env_(env), dir_(std::move(journal_dir)), file_bytes_(file_bytes), discard_(discard) {}

  // The journal as recovery left it: its files in seq order (first seq,
  // path) and the last one open at its end (`current`, null when there is
  // none or it must not be appended to).
  void Reset(const LogId& log_id, std::vector<std::pair<uint64_t, std::string>> files,
             std::unique_ptr<WritableFile> current, uint64_t current_bytes);

  // Appends `r` as `seq` after chain hash `prev`; returns its chain hash.
  // `sync`: fdatasync before returning. `rotate`: start a new file first
  // (the current one holds sealed records; `sealed_seq` says which: the old
  // file is synced before another follows it if it still holds unsealed
  // ones, as DropSealed explains, and deleted if it holds none). A new file's header and first
  // record are written and synced together, then the directory. On failure
  // the current file is dropped (the caller recovers before the next append).
  Result<ChainHash> Append(const SlotRecord& r, uint64_t seq, const ChainHash& prev, bool sync, bool rotate,
                           uint64_t sealed_seq = 0);
  Status Sync();
  // Forgets the current file without closing it cleanly (after a failure).
  void Abandon() { current_.reset(); }
  bool has_current() const { return current_ != nullptr; }
  // The first seq of the newest file (0 if none).
  uint64_t newest_first_seq() const;
  // The newest file's path (empty if none).
  std::string newest_path() const;

  // Deletes the files whose records are all sealed (seq <= sealed_seq).
  // With close_current, the current file too when it holds sealed records
  // (it is synced first if it also holds unsealed ones, i.e. last_seq >
  // sealed_seq: once another file follows it, a torn tail there would be
  // damage, not the end of the log); without, the newest file is kept.
  Status DropSealed(uint64_t sealed_seq, uint64_t last_seq, bool close_current);

 private:
  Status StartFile(uint64_t seq, const ChainHash& prev, bool old_all_sealed);

  Env* env_;
  std::string dir_;
  uint64_t file_bytes_;
  bool discard_;
  LogId log_id_{};
  std::unique_ptr<WritableFile> current_;  // the newest file, positioned at its end
  uint64_t current_bytes_ = 0;
  ByteWriter frame_;             // the frame being appended (reused: no allocation per record)
  mutable std::mutex files_mu_;  // guards files_
  std::vector<std::pair<uint64_t, std::string>> files_;
};

}  // namespace budget_audit::log
