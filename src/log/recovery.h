// Recovery of the journal when a writer opens a log, or after a failed
// write: every journal file is scanned in seq order, checking that files
// chain onto each other (first_seq, log id) and that every record's stored
// chain hash is what the chain gives from the manifest's sealed head. A
// crash's torn tail of the last file is moved aside into _cut/ and cut
// (ftruncate + fsync) before anything is appended; after a clean close
// (log/layout.h) the journal must end exactly where the close said, and
// anything else is damage (Corruption), never cut.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "budget_audit/env.h"
#include "log/layout.h"
#include "log/manifest.h"
#include "log/record.h"
#include "log/slot_parquet.h"

namespace budget_audit::log {

struct RecoveredJournal {
  uint64_t last_seq = 0;
  ChainHash head{};                // after last_seq
  std::deque<SeqRecord> unsealed;  // records after the manifest's sealed_seq, in seq order
  std::deque<ChainHash> unsealed_hashes;
  // Journal files in seq order (first seq, path); the last one is open in
  // `current` (positioned at its valid end) unless there is none.
  std::vector<std::pair<uint64_t, std::string>> files;
  std::unique_ptr<WritableFile> current;
  uint64_t current_bytes = 0;
  bool cut_torn_tail = false;  // a torn tail was moved to _cut/ and cut
};

// Recovers the journal of the log in `dir` after `manifest`. `clean_close`:
// the last writer's clean-close record, if it left one: checked against the
// journal's end, then removed (durably) before anything is appended.
Result<RecoveredJournal> RecoverJournal(Env* env, const std::string& dir, const Manifest& manifest,
                                        const std::optional<CleanClose>& clean_close);

}  // namespace budget_audit::log
