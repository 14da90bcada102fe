#include "log/journal_writer.h"

#include "log/journal.h"

namespace budget_audit::log {

void JournalWriter::Reset(const LogId& log_id, std::vector<std::pair<uint64_t, std::string>> files,
                          std::unique_ptr<WritableFile> current, uint64_t current_bytes) {
  log_id_ = log_id;
  current_ = std::move(current);
  current_bytes_ = current_bytes;
  std::lock_guard<std::mutex> l(files_mu_);
  files_ = std::move(files);
}

uint64_t JournalWriter::newest_first_seq() const {
  std::lock_guard<std::mutex> l(files_mu_);
  return files_.empty() ? 0 : files_.back().first;
}

std::string JournalWriter::newest_path() const {
  std::lock_guard<std::mutex> l(files_mu_);
  return files_.empty() ? std::string() : files_.back().second;
}

Status JournalWriter::StartFile(uint64_t seq, const ChainHash& prev, bool old_all_sealed) {
  if (current_) {
    if (!old_all_sealed) BA_RETURN_IF_ERROR(current_->Sync());  // see DropSealed
    BA_RETURN_IF_ERROR(current_->Close());
    current_.reset();
    if (old_all_sealed) {
      // Nothing in it is needed any more: it goes now, durably, before a
      // file follows it (unsynced, it could end torn, and a torn tail is
      // damage anywhere but in the last file). A bulk load's journal thus
      // never reaches the disk only to be deleted.
      std::string old;
      {
        std::lock_guard<std::mutex> l(files_mu_);
        old = files_.back().second;
        files_.pop_back();
      }
      BA_RETURN_IF_ERROR(env_->DeleteFile(old));
      BA_RETURN_IF_ERROR(env_->SyncDir(dir_));
    }
  }
  current_.reset();
  std::string path = JoinPath(dir_, JournalFileName(seq));
  BA_ASSIGN_OR_RETURN(current_, env_->NewWritableFile(path));
  ByteWriter w;
  EncodeJournalHeader(JournalFileHeader{log_id_, seq, prev}, w);
  current_bytes_ = 0;
  frame_.Clear();
  frame_.PutBytes(ByteSpan(w.bytes().data(), w.size()));
  std::lock_guard<std::mutex> l(files_mu_);
  files_.emplace_back(seq, std::move(path));
  return Status::OK();
}

Result<ChainHash> JournalWriter::Append(const SlotRecord& r, uint64_t seq, const ChainHash& prev, bool sync,
                                        bool rotate, uint64_t sealed_seq) {
  frame_.Clear();
  if (discard_) return AppendChainedTickFrame(r, seq, prev, frame_);
  bool new_file = false;
  if (!current_ || current_bytes_ >= file_bytes_ || rotate) {
    // The old file holds seqs up to seq - 1.
    Status s = StartFile(seq, prev, /*old_all_sealed=*/rotate && seq - 1 <= sealed_seq);  // header in frame_
    if (!s.ok()) {
      current_.reset();
      return s;
    }
    new_file = true;
  }
  const ChainHash next = AppendChainedTickFrame(r, seq, prev, frame_);
  Status s = current_->Append(frame_.bytes());
  // A new file is synced with its first record (one sync, not two), and
  // then its directory entry.
  if (s.ok() && (sync || new_file)) s = current_->Sync();
  if (s.ok() && new_file) s = env_->SyncDir(dir_);
  if (!s.ok()) {
    current_.reset();
    return s;
  }
  current_bytes_ += frame_.size();
  return next;
}

Status JournalWriter::Sync() {
  if (!current_) return Status::OK();
  Status s = current_->Sync();
  if (!s.ok()) current_.reset();
  return s;
}

Status JournalWriter::DropSealed(uint64_t sealed_seq, uint64_t last_seq, bool close_current) {
  std::vector<std::string> drop;
  {
    // A current file that holds sealed records is closed, so the next
    // append starts a new one and this one can go now or at the next seal.
    // A file holding only sealed records is deleted below, and until then
    // it is the last file, so it needs no sync (a bulk load that seals
    // whole months would otherwise write each month's journal to disk only
    // to delete it).
    if (close_current && current_ && newest_first_seq() <= sealed_seq) {
      if (last_seq > sealed_seq) BA_RETURN_IF_ERROR(current_->Sync());
      BA_RETURN_IF_ERROR(current_->Close());
      current_.reset();
    }
    std::lock_guard<std::mutex> l(files_mu_);
    std::vector<std::pair<uint64_t, std::string>> keep;
    for (size_t i = 0; i < files_.size(); ++i) {
      const bool newest = i + 1 == files_.size();
      // The newest file is in use unless the appending thread closed it.
      const bool in_use = newest && (!close_current || current_);
      const uint64_t last = newest ? last_seq : files_[i + 1].first - 1;
      if (!in_use && last <= sealed_seq) {
        drop.push_back(files_[i].second);
      } else {
        keep.push_back(files_[i]);
      }
    }
    files_ = std::move(keep);
  }
  if (drop.empty()) return Status::OK();
  for (const auto& path : drop) BA_RETURN_IF_ERROR(env_->DeleteFile(path));
  return env_->SyncDir(dir_);
}

}  // namespace budget_audit::log
