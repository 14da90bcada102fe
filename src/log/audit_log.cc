// The writer side of the audit log: lock, recovery, journal appends.
//
// Recovery on open scans every journal file in seq order, checking that
// files chain onto each other (first_seq, prev_hash, log id) and that every
// record's stored chain hash is what the chain gives. A torn tail of the
// last file is cut (ftruncate + fsync) before anything is appended.
#include "budget_audit/audit_log.h"

#include <unistd.h>

#include <algorithm>
#include <random>

#include <fmt/format.h>

#include "log/journal.h"
#include "log/manifest.h"

namespace budget_audit {

using log::ChainHash;
using log::JournalFileHeader;
using log::LogId;

struct AuditLog::Impl {
  Env* env = nullptr;
  AuditLogOptions options;
  std::string dir, journal_dir;
  std::unique_ptr<FileLock> lock;
  log::Manifest manifest;
  uint64_t last_seq = 0;
  ChainHash head{};
  std::unique_ptr<WritableFile> journal;  // current file, positioned at its end
  uint64_t journal_size = 0;
  bool needs_recovery = false;
  bool torn_tail_cut = false;

  Status Init() {
    BA_RETURN_IF_ERROR(env->CreateDirs(dir));
    std::string holder = options.holder_info.empty() ? fmt::format("pid {}", ::getpid())
                                                     : options.holder_info;
    BA_ASSIGN_OR_RETURN(lock, env->TryLockFile(JoinPath(dir, log::kLockName), holder));
    BA_ASSIGN_OR_RETURN(bool has_manifest, env->FileExists(JoinPath(dir, log::kManifestName)));
    if (has_manifest) {
      BA_ASSIGN_OR_RETURN(manifest, log::ReadManifest(env, dir));
    } else {
      std::random_device rd;
      for (auto& b : manifest.log_id) b = static_cast<uint8_t>(rd());
      manifest.sealed_seq = 0;
      manifest.sealed_head = log::Genesis(manifest.log_id);
      BA_RETURN_IF_ERROR(env->CreateDirs(journal_dir));
      BA_RETURN_IF_ERROR(env->SyncDir(dir));
      BA_RETURN_IF_ERROR(log::WriteManifest(env, dir, manifest));
    }
    BA_RETURN_IF_ERROR(env->CreateDirs(journal_dir));
    return Recover();
  }

  Status Recover() {
    journal.reset();
    last_seq = manifest.sealed_seq;
    head = manifest.sealed_head;
    BA_ASSIGN_OR_RETURN(auto names, env->GetChildren(journal_dir));
    std::vector<std::pair<uint64_t, std::string>> files;
    for (const auto& n : names) {
      if (auto seq = log::ParseJournalFileName(n)) files.emplace_back(*seq, n);
    }
    std::sort(files.begin(), files.end());
    for (size_t i = 0; i < files.size(); ++i) {
      const bool is_last = i + 1 == files.size();
      const std::string path = JoinPath(journal_dir, files[i].second);
      BA_ASSIGN_OR_RETURN(auto scan, log::ScanJournalFile(env, path, is_last));
      if (!scan.header) {  // cut while being created: remove it
        BA_RETURN_IF_ERROR(env->DeleteFile(path));
        BA_RETURN_IF_ERROR(env->SyncDir(journal_dir));
        torn_tail_cut = true;
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
      for (const auto& e : scan.entries) {
        if (e.seq <= last_seq) continue;
        if (e.seq != last_seq + 1) {
          return Status::Corruption(fmt::format("{}: seq {} at offset {} where {} was expected", path,
                                                e.seq, e.offset, last_seq + 1));
        }
        ChainHash expect = log::ChainNext(head, e.record, e.seq);
        if (expect != e.hash) {
          return Status::Corruption(fmt::format(
              "{}: chain hash of seq {} at offset {} does not match its content", path, e.seq,
              e.offset));
        }
        head = expect;
        last_seq = e.seq;
      }
      if (is_last) {
        if (scan.torn_tail) {
          BA_ASSIGN_OR_RETURN(auto f, env->NewAppendableFile(path));
          BA_RETURN_IF_ERROR(f->Truncate(scan.valid_bytes));
          BA_RETURN_IF_ERROR(f->Sync());
          torn_tail_cut = true;
          journal = std::move(f);
        } else {
          BA_ASSIGN_OR_RETURN(journal, env->NewAppendableFile(path));
        }
        journal_size = scan.valid_bytes;
      }
    }
    if (last_seq < manifest.sealed_seq) {
      return Status::Corruption("journal ends before the sealed history");
    }
    needs_recovery = false;
    return Status::OK();
  }

  Status StartJournalFile() {
    if (journal) BA_RETURN_IF_ERROR(journal->Close());
    journal.reset();
    std::string path = JoinPath(journal_dir, log::JournalFileName(last_seq + 1));
    BA_ASSIGN_OR_RETURN(auto f, env->NewWritableFile(path));
    ByteWriter w;
    log::EncodeJournalHeader(JournalFileHeader{manifest.log_id, last_seq + 1, head}, w);
    BA_RETURN_IF_ERROR(f->Append(w.bytes()));
    BA_RETURN_IF_ERROR(f->Sync());
    BA_RETURN_IF_ERROR(env->SyncDir(journal_dir));
    journal = std::move(f);
    journal_size = w.size();
    return Status::OK();
  }

  Result<uint64_t> Append(const SlotRecord& r) {
    if (needs_recovery) BA_RETURN_IF_ERROR(Recover());
    Status s = AppendImpl(r);
    if (!s.ok()) {
      // Whatever reached the file is cut by the recovery before the next
      // append; nothing is acknowledged now.
      needs_recovery = true;
      journal.reset();
      return s;
    }
    return last_seq;
  }

  Status AppendImpl(const SlotRecord& r) {
    if (!journal || journal_size >= options.journal_file_bytes) BA_RETURN_IF_ERROR(StartJournalFile());
    uint64_t seq = last_seq + 1;
    ChainHash next = log::ChainNext(head, r, seq);
    ByteWriter w;
    log::EncodeTickFrame(r, seq, next, w);
    BA_RETURN_IF_ERROR(journal->Append(w.bytes()));
    if (options.sync == SyncMode::kAlways) BA_RETURN_IF_ERROR(journal->Sync());
    journal_size += w.size();
    last_seq = seq;
    head = next;
    return Status::OK();
  }
};

AuditLog::AuditLog(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AuditLog::~AuditLog() = default;

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& dir,
                                                 const AuditLogOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->env = options.env ? options.env : Env::Default();
  impl->dir = dir;
  impl->journal_dir = JoinPath(dir, log::kJournalDirName);
  BA_RETURN_IF_ERROR(impl->Init());
  return std::unique_ptr<AuditLog>(new AuditLog(std::move(impl)));
}

Result<uint64_t> AuditLog::Append(const SlotRecord& record) { return impl_->Append(record); }

Status AuditLog::Sync() {
  if (impl_->needs_recovery) return Status::FailedPrecondition("the journal needs recovery");
  if (!impl_->journal) return Status::OK();
  Status s = impl_->journal->Sync();
  if (!s.ok()) {
    impl_->needs_recovery = true;
    impl_->journal.reset();
  }
  return s;
}

uint64_t AuditLog::last_seq() const { return impl_->last_seq; }
std::string AuditLog::head_hex() const { return ToHex(ByteSpan(impl_->head.data(), 32)); }
std::string AuditLog::log_id_hex() const {
  return ToHex(ByteSpan(impl_->manifest.log_id.data(), impl_->manifest.log_id.size()));
}
bool AuditLog::recovered_torn_tail() const { return impl_->torn_tail_cut; }

}  // namespace budget_audit
