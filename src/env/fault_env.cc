#include "env/fault_env.h"

#include <fmt/format.h>

namespace budget_audit {
namespace {

class FaultFile final : public WritableFile {
 public:
  FaultFile(FaultInjectionEnv* env, std::unique_ptr<WritableFile> base, uint64_t size)
      : env_(env), base_(std::move(base)), size_(size) {}
  Status Append(std::span<const uint8_t> data) override {
    BA_RETURN_IF_ERROR(env_->Count("write " + path()));
    BA_RETURN_IF_ERROR(base_->Append(data));
    size_ += data.size();
    return Status::OK();
  }
  Status Sync() override {
    BA_RETURN_IF_ERROR(env_->Count("fdatasync " + path()));
    BA_RETURN_IF_ERROR(base_->Sync());
    env_->Synced(path(), size_);
    return Status::OK();
  }
  Status Truncate(uint64_t size) override {
    BA_RETURN_IF_ERROR(env_->Count("truncate " + path()));
    BA_RETURN_IF_ERROR(base_->Truncate(size));
    size_ = std::min(size_, size);
    return Status::OK();
  }
  Status Close() override {
    if (closed_) return Status::OK();
    closed_ = true;
    BA_RETURN_IF_ERROR(env_->Count("close " + path()));
    return base_->Close();
  }
  const std::string& path() const override { return base_->path(); }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<WritableFile> base_;
  uint64_t size_;
  bool closed_ = false;
};

}  // namespace

FaultInjectionEnv::FaultInjectionEnv(Env* base, uint32_t seed) : base_(base), rng_(seed) {}

void FaultInjectionEnv::FailAt(int n, bool persistent) {
  std::lock_guard<std::mutex> l(mu_);
  fail_at_ = n == 0 ? 0 : ops_ + n;
  persistent_ = persistent;
  fired_ = false;
}

int FaultInjectionEnv::operations() const {
  std::lock_guard<std::mutex> l(mu_);
  return ops_;
}

bool FaultInjectionEnv::fault_fired() const {
  std::lock_guard<std::mutex> l(mu_);
  return fired_;
}

Status FaultInjectionEnv::Count(const std::string& what) {
  std::lock_guard<std::mutex> l(mu_);
  ++ops_;
  if (fail_at_ != 0 && (ops_ == fail_at_ || (persistent_ && ops_ > fail_at_))) {
    fired_ = true;
    return Status::IOError(fmt::format("{}: injected I/O error (operation {})", what, ops_));
  }
  return Status::OK();
}

void FaultInjectionEnv::Synced(const std::string& path, uint64_t size) {
  std::lock_guard<std::mutex> l(mu_);
  synced_size_[path] = size;
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::Wrap(const std::string& path, bool truncate) {
  BA_RETURN_IF_ERROR(Count("open " + path));
  BA_ASSIGN_OR_RETURN(bool existed, base_->FileExists(path));
  Result<std::unique_ptr<WritableFile>> f =
      truncate ? base_->NewWritableFile(path) : base_->NewAppendableFile(path);
  if (!f.ok()) return f.status();
  BA_ASSIGN_OR_RETURN(uint64_t size, base_->GetFileSize(path));
  {
    std::lock_guard<std::mutex> l(mu_);
    if (!existed) {
      undurable_entries_.insert(path);
      synced_size_[path] = 0;
    } else if (truncate) {
      synced_size_[path] = 0;  // pessimistic: the truncation may be what survives
    } else if (!synced_size_.count(path)) {
      synced_size_[path] = size;
    }
  }
  return std::unique_ptr<WritableFile>(new FaultFile(this, std::move(*f), size));
}

Result<std::unique_ptr<RandomAccessFile>> FaultInjectionEnv::NewRandomAccessFile(const std::string& path) {
  return base_->NewRandomAccessFile(path);
}
Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewWritableFile(const std::string& path) {
  return Wrap(path, true);
}
Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::NewAppendableFile(const std::string& path) {
  return Wrap(path, false);
}

Status FaultInjectionEnv::CreateDir(const std::string& dir) {
  BA_RETURN_IF_ERROR(Count("mkdir " + dir));
  return base_->CreateDir(dir);
}

Status FaultInjectionEnv::DeleteFile(const std::string& path) {
  BA_RETURN_IF_ERROR(Count("unlink " + path));
  BA_RETURN_IF_ERROR(base_->DeleteFile(path));
  std::lock_guard<std::mutex> l(mu_);
  synced_size_.erase(path);
  undurable_entries_.erase(path);
  return Status::OK();
}

Status FaultInjectionEnv::RenameFile(const std::string& from, const std::string& to) {
  BA_RETURN_IF_ERROR(Count("rename " + from));
  BA_ASSIGN_OR_RETURN(bool target_existed, base_->FileExists(to));
  BA_RETURN_IF_ERROR(base_->RenameFile(from, to));
  std::lock_guard<std::mutex> l(mu_);
  // Replacing an existing name leaves, after a crash, the old or the new
  // file under it, never neither: keep the new one. A name that did not
  // exist is durable only once its directory is synced.
  const bool target_durable = target_existed && !undurable_entries_.count(to);
  // The renamed file keeps its durability; the new name is durable only
  // after the directory is synced (until then the old target may come back,
  // which we model by keeping the rename: both are valid outcomes and the
  // callers sync the data before renaming).
  auto it = synced_size_.find(from);
  if (it != synced_size_.end()) {
    synced_size_[to] = it->second;
    synced_size_.erase(it);
  }
  if (undurable_entries_.erase(from) && !target_durable) undurable_entries_.insert(to);
  return Status::OK();
}

Status FaultInjectionEnv::SyncDir(const std::string& dir) {
  BA_RETURN_IF_ERROR(Count("fsync directory " + dir));
  BA_RETURN_IF_ERROR(base_->SyncDir(dir));
  std::lock_guard<std::mutex> l(mu_);
  for (auto it = undurable_entries_.begin(); it != undurable_entries_.end();) {
    if (DirName(*it) == dir) {
      it = undurable_entries_.erase(it);
    } else {
      ++it;
    }
  }
  return Status::OK();
}

Status FaultInjectionEnv::Crash(bool tear) {
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& path : undurable_entries_) {
    Status s = base_->DeleteFile(path);
    if (!s.ok() && !s.IsNotFound()) return s;
    synced_size_.erase(path);
  }
  undurable_entries_.clear();
  for (auto& [path, synced] : synced_size_) {
    auto size = base_->GetFileSize(path);
    if (!size.ok()) continue;
    if (*size <= synced) continue;
    uint64_t keep = synced;
    if (tear) keep += std::uniform_int_distribution<uint64_t>(0, *size - synced)(rng_);
    BA_ASSIGN_OR_RETURN(auto f, base_->NewAppendableFile(path));
    BA_RETURN_IF_ERROR(f->Truncate(keep));
    synced = keep;
  }
  fail_at_ = 0;
  return Status::OK();
}

}  // namespace budget_audit
