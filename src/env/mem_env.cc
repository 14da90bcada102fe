// An in-memory Env for tests. Files are shared byte vectors; directories are
// implied by path prefixes plus an explicit set of created directories.
#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "budget_audit/env.h"

namespace budget_audit {
namespace {

struct MemFile {
  std::mutex mu;
  std::vector<uint8_t> data;
};

class MemEnv;

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  MemRandomAccessFile(std::string path, std::shared_ptr<MemFile> f)
      : path_(std::move(path)), file_(std::move(f)) {}
  Result<size_t> Read(uint64_t offset, size_t n, uint8_t* scratch) const override {
    std::lock_guard<std::mutex> l(file_->mu);
    if (offset >= file_->data.size()) return size_t{0};
    size_t k = std::min<uint64_t>(n, file_->data.size() - offset);
    std::copy_n(file_->data.begin() + static_cast<ptrdiff_t>(offset), k, scratch);
    return k;
  }
  Result<uint64_t> Size() const override {
    std::lock_guard<std::mutex> l(file_->mu);
    return static_cast<uint64_t>(file_->data.size());
  }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::shared_ptr<MemFile> file_;
};

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::string path, std::shared_ptr<MemFile> f)
      : path_(std::move(path)), file_(std::move(f)) {}
  Status Append(std::span<const uint8_t> data) override {
    std::lock_guard<std::mutex> l(file_->mu);
    file_->data.insert(file_->data.end(), data.begin(), data.end());
    return Status::OK();
  }
  Status Sync() override { return Status::OK(); }
  Status Truncate(uint64_t size) override {
    std::lock_guard<std::mutex> l(file_->mu);
    file_->data.resize(std::min<uint64_t>(size, file_->data.size()));
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }
  const std::string& path() const override { return path_; }

 private:
  std::string path_;
  std::shared_ptr<MemFile> file_;
};

class MemLock final : public FileLock {
 public:
  MemLock(std::mutex* mu, std::set<std::string>* held, std::string path)
      : mu_(mu), held_(held), path_(std::move(path)) {}
  ~MemLock() override {
    std::lock_guard<std::mutex> l(*mu_);
    held_->erase(path_);
  }

 private:
  std::mutex* mu_;
  std::set<std::string>* held_;
  std::string path_;
};

class MemEnv final : public Env {
 public:
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound("open " + path + ": No such file");
    return std::unique_ptr<RandomAccessFile>(new MemRandomAccessFile(path, it->second));
  }
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    BA_RETURN_IF_ERROR(CheckParentLocked(path));
    auto f = std::make_shared<MemFile>();
    files_[path] = f;
    return std::unique_ptr<WritableFile>(new MemWritableFile(path, f));
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    BA_RETURN_IF_ERROR(CheckParentLocked(path));
    auto& f = files_[path];
    if (!f) f = std::make_shared<MemFile>();
    return std::unique_ptr<WritableFile>(new MemWritableFile(path, f));
  }
  Result<bool> FileExists(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    return files_.count(path) > 0 || dirs_.count(path) > 0;
  }
  Result<bool> IsDirectory(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    return dirs_.count(path) > 0 || path == "/" || path == ".";
  }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Status::NotFound("stat " + path + ": No such file");
    std::lock_guard<std::mutex> l2(it->second->mu);
    return static_cast<uint64_t>(it->second->data.size());
  }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    std::lock_guard<std::mutex> l(mu_);
    if (!dirs_.count(dir)) return Status::NotFound("opendir " + dir + ": No such directory");
    std::set<std::string> names;
    auto collect = [&](const std::string& p) {
      if (DirName(p) == dir) names.insert(BaseName(p));
    };
    for (auto& [p, f] : files_) collect(p);
    for (auto& p : dirs_) collect(p);
    return std::vector<std::string>(names.begin(), names.end());
  }
  Status CreateDir(const std::string& dir) override {
    std::lock_guard<std::mutex> l(mu_);
    dirs_.insert(dir);
    return Status::OK();
  }
  Status DeleteFile(const std::string& path) override {
    std::lock_guard<std::mutex> l(mu_);
    if (files_.erase(path) == 0) return Status::NotFound("unlink " + path + ": No such file");
    return Status::OK();
  }
  Status RenameFile(const std::string& from, const std::string& to) override {
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(from);
    if (it == files_.end()) return Status::NotFound("rename " + from + ": No such file");
    auto f = it->second;
    files_.erase(it);
    files_[to] = f;
    return Status::OK();
  }
  Status SyncDir(const std::string&) override { return Status::OK(); }
  Result<std::unique_ptr<FileLock>> TryLockFile(const std::string& path,
                                                const std::string& holder_info) override {
    std::lock_guard<std::mutex> l(mu_);
    if (locks_.count(path)) {
      return Status::Busy(fmt::format("{} is locked by another writer ({})", path, holder_of_[path]));
    }
    locks_.insert(path);
    holder_of_[path] = holder_info;
    if (!files_.count(path)) files_[path] = std::make_shared<MemFile>();
    return std::unique_ptr<FileLock>(new MemLock(&mu_, &locks_, path));
  }
  int64_t NowMicros() override { return Env::Default()->NowMicros(); }

 private:
  Status CheckParentLocked(const std::string& path) {
    std::string parent = DirName(path);
    if (parent != "." && parent != "/" && !dirs_.count(parent)) {
      return Status::NotFound("open " + path + ": No such directory " + parent);
    }
    return Status::OK();
  }

  std::mutex mu_;
  std::map<std::string, std::shared_ptr<MemFile>> files_;
  std::set<std::string> dirs_;
  std::set<std::string> locks_;
  std::map<std::string, std::string> holder_of_;
};

}  // namespace

std::unique_ptr<Env> NewMemEnv() { return std::make_unique<MemEnv>(); }

}  // namespace budget_audit
