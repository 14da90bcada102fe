#include "log/recovery.h"

#include <fmt/format.h>

#include "log/journal.h"
#include "log/names.h"

namespace budget_audit::log {

Result<RecoveredJournal> RecoverJournal(Env* env, const std::string& dir, const Manifest& manifest,
                                        const std::optional<CleanClose>& clean_close) {
  const std::string journal_dir = JoinPath(dir, kJournalDirName);
  RecoveredJournal out;
  out.last_seq = manifest.sealed_seq;
  out.head = manifest.sealed_head;
  BA_ASSIGN_OR_RETURN(auto files, ListJournalFiles(env, journal_dir));
  JournalEnd end;  // how the last file ends
  bool last_headerless = false;
  for (size_t i = 0; i < files.size(); ++i) {
    const bool is_last = i + 1 == files.size();
    const std::string path = JoinPath(journal_dir, files[i].second);
    BA_ASSIGN_OR_RETURN(auto scan, ScanJournalFile(env, path, is_last));
    if (is_last) end.SetLastFile(files[i].second, scan);
    if (!scan.header) {  // cut while being created (only the last file can be)
      last_headerless = true;
      continue;
    }
    const JournalFileHeader& h = *scan.header;
    if (h.log_id != manifest.log_id) {
      return Status::Corruption(fmt::format("{}: belongs to another log (log id differs)", path));
    }
    if (h.first_seq != files[i].first) {
      return Status::Corruption(fmt::format("{}: header says first seq {}", path, h.first_seq));
    }
    // Files wholly covered by sealed history may remain until deleted.
    for (auto& e : scan.entries) {
      if (e.seq <= out.last_seq) continue;
      if (e.seq != out.last_seq + 1) {
        return Status::Corruption(fmt::format("{}: seq {} at offset {} where {} was expected", path, e.seq,
                                              e.offset, out.last_seq + 1));
      }
      const ChainHash expect = ChainNext(out.head, e.record, e.seq);
      if (expect != e.hash) {
        return Status::Corruption(fmt::format(
            "{}: chain hash of seq {} at offset {} does not match its content", path, e.seq, e.offset));
      }
      out.head = expect;
      out.last_seq = e.seq;
      out.unsealed.push_back({e.seq, std::move(e.record)});
      out.unsealed_hashes.push_back(e.hash);
    }
    out.files.emplace_back(files[i].first, path);
  }
  end.last_seq = out.last_seq;
  end.head = out.head;
  if (clean_close) {
    // The last writer closed cleanly: the journal must end exactly where
    // it said. Then the marker goes (durably) before anything is appended.
    BA_RETURN_IF_ERROR(CheckCleanClose(dir, *clean_close, end));
    BA_RETURN_IF_ERROR(RemoveCleanClose(env, dir));
  }
  if (!files.empty()) {
    // A crash's torn tail is moved aside (kept in _cut/, reported by
    // verify), then cut.
    const std::string path = JoinPath(journal_dir, end.journal);
    if (end.torn_tail) {
      BA_ASSIGN_OR_RETURN(auto bytes, env->ReadFileToBytes(path, uint64_t{1} << 34));
      BA_RETURN_IF_ERROR(
          KeepCutTail(env, dir, end.journal, end.valid_bytes, out.last_seq + 1,
                      ByteSpan(bytes.data() + end.valid_bytes, bytes.size() - end.valid_bytes)));
      out.cut_torn_tail = true;
    }
    if (last_headerless) {
      BA_RETURN_IF_ERROR(env->DeleteFile(path));
      BA_RETURN_IF_ERROR(env->SyncDir(journal_dir));
    } else if (end.torn_tail) {
      BA_ASSIGN_OR_RETURN(auto f, env->NewAppendableFile(path));
      BA_RETURN_IF_ERROR(f->Truncate(end.valid_bytes));
      BA_RETURN_IF_ERROR(f->Sync());
      out.current = std::move(f);
    } else {
      BA_ASSIGN_OR_RETURN(out.current, env->NewAppendableFile(path));
    }
    out.current_bytes = end.valid_bytes;
  }
  if (out.last_seq < manifest.sealed_seq) {
    return Status::Corruption("journal ends before the sealed history");
  }
  return out;
}

}  // namespace budget_audit::log
