#include "env/gathering_env.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <span>
#include <vector>

namespace budget_audit {

namespace {

class GatheringEnv;

// A file of GatheringEnv opened for writing.
class GatheredFile final : public WritableFile {
 public:
  GatheredFile(GatheringEnv* env, std::unique_ptr<WritableFile> file, size_t cap);
  ~GatheredFile() override;

  Status Append(std::span<const uint8_t> data) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!error_.ok()) return error_;
    if (buf_.size() + data.size() > cap_) BA_RETURN_IF_ERROR(FlushLocked());
    if (data.size() >= cap_) return Keep(file_->Append(data));
    buf_.insert(buf_.end(), data.begin(), data.end());
    return Status::OK();
  }
  Status Sync() override {
    std::lock_guard<std::mutex> l(mu_);
    BA_RETURN_IF_ERROR(FlushLocked());
    return Keep(file_->Sync());
  }
  Status Truncate(uint64_t size) override {
    std::lock_guard<std::mutex> l(mu_);
    BA_RETURN_IF_ERROR(FlushLocked());
    return Keep(file_->Truncate(size));
  }
  Status Close() override {
    std::lock_guard<std::mutex> l(mu_);
    BA_RETURN_IF_ERROR(FlushLocked());
    return Keep(file_->Close());
  }
  const std::string& path() const override { return file_->path(); }

  // Writes out the gathered bytes.
  Status Flush() {
    std::lock_guard<std::mutex> l(mu_);
    return FlushLocked();
  }

 private:
  Status FlushLocked() {
    if (!error_.ok()) return error_;
    if (buf_.empty()) return Status::OK();
    Status s = file_->Append(buf_);
    buf_.clear();
    return Keep(std::move(s));
  }

  Status Keep(Status s) {
    if (!s.ok() && error_.ok()) error_ = s;
    return s;
  }

  GatheringEnv* env_;
  std::unique_ptr<WritableFile> file_;
  size_t cap_;
  // A file may be written by one thread while another's call on the Env
  // writes out what it gathered (an AuditLog sealing on several threads).
  std::mutex mu_;
  std::vector<uint8_t> buf_;
  Status error_;  // the first failure; every later call returns it
};

class GatheringEnv final : public Env {
 public:
  GatheringEnv(Env* base, size_t cap) : base_(base), cap_(std::max<size_t>(cap, 1)) {}

  void Register(GatheredFile* f) {
    std::lock_guard<std::mutex> l(mu_);
    live_.insert(f);
  }
  void Unregister(GatheredFile* f) {
    std::lock_guard<std::mutex> l(mu_);
    live_.erase(f);
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->NewRandomAccessFile(path);
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    BA_RETURN_IF_ERROR(FlushAll());
    BA_ASSIGN_OR_RETURN(auto f, base_->NewWritableFile(path));
    return std::unique_ptr<WritableFile>(new GatheredFile(this, std::move(f), cap_));
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    BA_RETURN_IF_ERROR(FlushAll());
    BA_ASSIGN_OR_RETURN(auto f, base_->NewAppendableFile(path));
    return std::unique_ptr<WritableFile>(new GatheredFile(this, std::move(f), cap_));
  }
  Result<bool> FileExists(const std::string& path) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->FileExists(path);
  }
  Result<bool> IsDirectory(const std::string& path) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->IsDirectory(path);
  }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->GetFileSize(path);
  }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->GetChildren(dir);
  }
  Status CreateDir(const std::string& dir) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->CreateDir(dir);
  }
  Status DeleteFile(const std::string& path) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->DeleteFile(path);
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->RenameFile(from, to);
  }
  Status SyncDir(const std::string& dir) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->SyncDir(dir);
  }
  Result<std::unique_ptr<FileLock>> TryLockFile(const std::string& path,
                                                const std::string& holder_info) override {
    BA_RETURN_IF_ERROR(FlushAll());
    return base_->TryLockFile(path, holder_info);
  }
  int64_t NowMicros() override { return base_->NowMicros(); }

 private:
  Status FlushAll() {
    std::lock_guard<std::mutex> l(mu_);
    for (GatheredFile* f : live_) BA_RETURN_IF_ERROR(f->Flush());
    return Status::OK();
  }

  Env* base_;
  size_t cap_;
  std::mutex mu_;
  std::set<GatheredFile*> live_;
};

GatheredFile::GatheredFile(GatheringEnv* env, std::unique_ptr<WritableFile> file, size_t cap)
    : env_(env), file_(std::move(file)), cap_(cap) {
  buf_.reserve(cap_);
  env_->Register(this);
}

GatheredFile::~GatheredFile() {
  env_->Unregister(this);
  // Dropped without Close(): what was appended still reaches the file, as
  // it would have unbuffered; a failure here has no caller to go to (the
  // log syncs or closes a journal file it relies on).
  Flush().IgnoreError();
}

}  // namespace

std::unique_ptr<Env> NewAppendGatheringEnv(Env* base, size_t buffer_bytes) {
  return std::make_unique<GatheringEnv>(base, buffer_bytes);
}

}  // namespace budget_audit
