// Sealing: the journal's records published into the month files of the
// sealed history, then the manifest that vouches for them (docs/format.md
// §2.3, §2.5). The writer (audit_log.cc) runs it on its background thread,
// and in its own thread when it opens (a repair) and closes.
//
// A seal, in order: the intent file (_seal_intent) is written; each month
// file with new rows is rewritten whole under a temporary name (its full
// row groups copied verbatim, the rest re-encoded with the new rows),
// synced and renamed into place; the directory is synced; the new manifest
// replaces the old one atomically; the intent file goes. A crash anywhere
// leaves every record in the journal or in a published file (usually
// both), and the next open repairs from the intent file.
#pragma once

#include <atomic>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "log/manifest.h"
#include "log/record.h"
#include "log/slot_parquet.h"
#include "parquet/file_reader.h"
#include "util/time_zone.h"

namespace budget_audit::log {

// Rows per row group of a month file: every group but the last holds
// exactly this many (docs/format.md §2.5).
constexpr uint64_t kGroupRows = uint64_t{1} << 17;

class Sealer {
 public:
  // `threads`: month files a seal writes at once (a bulk load seals several
  // months per seal); more than 1 needs an Env whose files may be written
  // from several threads at once.
  // `zone`: the site's, for the files' site summaries (log/site_summary.h).
  Sealer(Env* env, std::string dir, size_t threads, TimeZone zone = TimeZone::Utc());

  // Seals records[0, take) (the unsealed records in seq order, the first
  // one manifest.sealed_seq + 1, with their chain hashes) into their month
  // files and returns the manifest now published. With `repair` (an
  // interrupted seal found when opening), every month of `records` is
  // rewritten, its rows past the manifest dropped, even when take is 0.
  // Returns `manifest` unchanged when there is nothing to write. On failure
  // the published manifest is still `manifest`; files may be ahead of it
  // (files_ahead()) until a later seal or open repairs them.
  Result<Manifest> Seal(const Manifest& manifest, std::span<const SeqRecord> records,
                        std::span<const ChainHash> hashes, size_t take, bool repair);

  // A seal started and did not finish: month files may hold rows past the
  // manifest's sealed_seq (readers then filter by seq). Readable from any
  // thread.
  bool files_ahead() const { return files_ahead_; }

 private:
  // One month file of a seal: its new rows, the manifest entry it had (null
  // for a new month) and, once written, the entry it gets.
  struct MonthJob {
    std::string name;
    std::span<const SeqRecord> rows;
    const SealedFile* old_entry = nullptr;
    std::optional<SealedFile> result;  // none: nothing to write
    Status status;
  };
  Status SealMonth(const Manifest& manifest, MonthJob& job, bool files_match_manifest, uint64_t upto);
  Result<std::string> PublishMonth(const Manifest& manifest, const std::string& name,
                                   const parquet::FileReader* old, int copy_groups,
                                   std::span<const SeqRecord> rows, uint64_t sealed_seq);

  Env* env_;
  std::string dir_;
  size_t threads_;
  TimeZone zone_;
  std::atomic<bool> files_ahead_{false};
};

}  // namespace budget_audit::log
