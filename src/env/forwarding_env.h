// An Env that passes every call to another: a base for Envs that change a
// few calls (tests that record, gate or fail some of them, a fixed clock)
// and leave the rest to the Env they wrap, which must outlive them.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "budget_audit/env.h"

namespace budget_audit {

class ForwardingEnv : public Env {
 public:
  explicit ForwardingEnv(Env* base) : base_(base) {}

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& p) override {
    return base_->NewRandomAccessFile(p);
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return base_->NewWritableFile(p);
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return base_->NewAppendableFile(p);
  }
  Result<bool> FileExists(const std::string& p) override { return base_->FileExists(p); }
  Result<bool> IsDirectory(const std::string& p) override { return base_->IsDirectory(p); }
  Result<uint64_t> GetFileSize(const std::string& p) override { return base_->GetFileSize(p); }
  Result<std::vector<std::string>> GetChildren(const std::string& d) override {
    return base_->GetChildren(d);
  }
  Status CreateDir(const std::string& d) override { return base_->CreateDir(d); }
  Status DeleteFile(const std::string& p) override { return base_->DeleteFile(p); }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return base_->RenameFile(from, to);
  }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  Result<std::unique_ptr<FileLock>> TryLockFile(const std::string& p, const std::string& holder) override {
    return base_->TryLockFile(p, holder);
  }
  int64_t NowMicros() override { return base_->NowMicros(); }

 protected:
  Env* base() const { return base_; }

 private:
  Env* base_;
};

}  // namespace budget_audit
