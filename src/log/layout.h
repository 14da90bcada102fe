// What a log directory must hold, and the two records that tell a crash
// from damage (docs/format.md §2.1, §2.2):
//
//   _closed      written by a writer that closed cleanly (after its last
//                sync): the last seq, the chain head, and the last journal
//                file with its exact size. The next writer removes it before
//                appending. While it exists, the journal must end exactly
//                there: any torn tail, missing or extra byte is damage after
//                a clean close (Corruption), never a crash's leftovers.
//   _cut/*.tail  the bytes a writer cut from the end of the journal after a
//                crash, kept (never deleted) so `verify` can report every cut
//                ever made with its seq and size.
//
// Layout checks shared by the writer, the snapshot readers and `verify`: a
// directory without a manifest is a new log only if it holds no part of
// one; a missing `_journal/`, or one that is not a directory, is damage.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "log/journal.h"
#include "log/names.h"
#include "log/record.h"

namespace budget_audit::log {

struct CleanClose {
  uint64_t last_seq = 0;
  ChainHash head{};
  std::string journal;         // name of the last journal file ("" when none is left)
  uint64_t journal_bytes = 0;  // its exact size
};

// nullopt when the last writer did not close cleanly (or one is open).
Result<std::optional<CleanClose>> ReadCleanClose(Env* env, const std::string& dir);
// The record in `bytes` (read from `path`, named in errors).
Result<CleanClose> ParseCleanClose(ByteSpan bytes, const std::string& path);
Status WriteCleanClose(Env* env, const std::string& dir, const CleanClose& c);
// Removes _closed and syncs the directory (a writer, before its first append).
Status RemoveCleanClose(Env* env, const std::string& dir);

// What the journal was found to end with, for CheckCleanClose.
struct JournalEnd {
  uint64_t last_seq = 0;
  ChainHash head{};
  std::string journal;         // last journal file's name, "" when none
  uint64_t journal_bytes = 0;  // its size on disk
  uint64_t valid_bytes = 0;    // its valid prefix
  bool torn_tail = false;

  // Takes the file's part from the scan of the last journal file `name`.
  void SetLastFile(const std::string& name, const JournalScan& scan) {
    journal = name;
    journal_bytes = scan.file_size;
    valid_bytes = scan.valid_bytes;
    torn_tail = scan.torn_tail;
  }
};

// Corruption, naming the difference, unless the journal ends exactly where
// the clean close left it.
Status CheckCleanClose(const std::string& dir, const CleanClose& c, const JournalEnd& end);

// The state of a directory that may hold a log.
enum class LayoutState {
  kNone,      // no log here (nothing of one): a writer may create one
  kComplete,  // manifest and _journal/ present
};
// kNone or kComplete; Corruption naming what is missing or of the wrong
// kind when the directory holds part of a log (journal files, sealed
// history, markers) without its manifest, or a manifest without a
// `_journal/` directory.
Result<LayoutState> CheckLayout(Env* env, const std::string& dir);

// A tail cut after a crash and kept in _cut/.
struct CutTail {
  std::string name;        // file name in _cut/
  std::string journal;     // the journal file it was cut from
  uint64_t offset = 0;     // where in that file
  uint64_t first_seq = 0;  // the seq the first cut frame would have had
  uint64_t bytes = 0;      // size of the cut
  uint64_t complete_frames =
      0;                  // whole frames with a good checksum in it (records never acknowledged as durable)
  int64_t cut_at_us = 0;  // when the writer cut it
};

// The name a cut gets in _cut/, and back (nullopt for other names).
std::string CutTailName(const std::string& journal, uint64_t offset, uint64_t first_seq, int64_t now_us);
std::optional<CutTail> ParseCutTailName(const std::string& name);
// Every cut kept in _cut/ (empty when there is none), oldest first.
Result<std::vector<CutTail>> ListCutTails(Env* env, const std::string& dir);
// Keeps `bytes` (cut from `journal` at `offset`) in _cut/, durably.
Status KeepCutTail(Env* env, const std::string& dir, const std::string& journal, uint64_t offset,
                   uint64_t first_seq, ByteSpan bytes);

}  // namespace budget_audit::log
