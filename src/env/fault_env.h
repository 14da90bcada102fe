// FaultInjectionEnv: an Env over another (normally in-memory) Env that
// (1) fails the N-th mutating I/O operation, once or from then on, and
// (2) simulates a power cut: data not made durable by Sync() is dropped,
//     optionally keeping a random prefix of it (a torn write), and files
//     created since their directory was last synced disappear.
// Tests use it to prove that acknowledged records survive any crash and
// that every I/O error reaches the caller.
//
// Counted operations: Append, Sync, Truncate, Close of writable files,
// NewWritableFile, NewAppendableFile, RenameFile, DeleteFile, SyncDir,
// CreateDir. Reads are never failed.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "budget_audit/env.h"

namespace budget_audit {

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(Env* base, uint32_t seed = 1);

  // Fails the n-th counted operation from now (1 = the next one); with
  // `persistent`, every later one too. 0 turns faults off.
  void FailAt(int n, bool persistent);
  void ClearFaults() { FailAt(0, false); }
  int operations() const;
  bool fault_fired() const;

  // A power cut: unsynced bytes of every file are dropped (with `tear`,
  // a random prefix of them survives); files whose creation was not made
  // durable by SyncDir are deleted.
  Status Crash(bool tear);

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override;
  Result<bool> FileExists(const std::string& path) override { return base_->FileExists(path); }
  Result<bool> IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  Result<uint64_t> GetFileSize(const std::string& path) override { return base_->GetFileSize(path); }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    return base_->GetChildren(dir);
  }
  Status CreateDir(const std::string& dir) override;
  Status DeleteFile(const std::string& path) override;
  Status RenameFile(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> TryLockFile(const std::string& path,
                                                const std::string& holder_info) override {
    return base_->TryLockFile(path, holder_info);
  }
  int64_t NowMicros() override { return base_->NowMicros(); }

  // For the writable files it hands out.
  Status Count(const std::string& what);
  void Synced(const std::string& path, uint64_t size);

 private:
  Result<std::unique_ptr<WritableFile>> Wrap(const std::string& path, bool truncate);

  Env* base_;
  mutable std::mutex mu_;
  std::mt19937 rng_;
  int ops_ = 0;
  int fail_at_ = 0;  // absolute op number, 0 = off
  bool persistent_ = false;
  bool fired_ = false;
  std::map<std::string, uint64_t> synced_size_;  // durable length per file
  std::set<std::string> undurable_entries_;      // created, directory not synced
};

}  // namespace budget_audit
