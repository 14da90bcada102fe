// Env helpers shared by every implementation.
#include "budget_audit/env.h"

#include <fmt/format.h>

namespace budget_audit {

std::string JoinPath(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  if (a.back() == '/') return a + b;
  return a + "/" + b;
}

std::string DirName(const std::string& path) {
  auto pos = path.find_last_of('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return path.substr(0, pos);
}

std::string BaseName(const std::string& path) {
  auto pos = path.find_last_of('/');
  return pos == std::string::npos ? path : path.substr(pos + 1);
}

Status Env::CreateDirs(const std::string& dir) {
  if (dir.empty() || dir == "." || dir == "/") return Status::OK();
  BA_ASSIGN_OR_RETURN(bool is_dir, IsDirectory(dir));
  if (is_dir) return Status::OK();
  std::string parent = DirName(dir);
  if (parent != dir) BA_RETURN_IF_ERROR(CreateDirs(parent));
  return CreateDir(dir);
}

Result<std::vector<uint8_t>> Env::ReadFileToBytes(const std::string& path, uint64_t max_bytes) {
  BA_ASSIGN_OR_RETURN(auto file, NewRandomAccessFile(path));
  BA_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  if (size > max_bytes) {
    return Status::ResourceExhausted(
        fmt::format("{}: file of {} bytes exceeds the {}-byte limit", path, size, max_bytes));
  }
  std::vector<uint8_t> buf(size);
  BA_ASSIGN_OR_RETURN(size_t n, file->Read(0, size, buf.data()));
  if (n != size) {
    return Status::IOError(fmt::format("{}: short read ({} of {} bytes)", path, n, size));
  }
  return buf;
}

Status Env::WriteFileAtomic(const std::string& path, std::span<const uint8_t> data) {
  const std::string tmp = JoinPath(DirName(path), "_tmp." + BaseName(path));
  BA_ASSIGN_OR_RETURN(auto file, NewWritableFile(tmp));
  Status s = file->Append(data);
  if (s.ok()) s = file->Sync();
  Status closed = file->Close();
  if (s.ok()) s = closed;
  if (s.ok()) s = RenameFile(tmp, path);
  if (!s.ok()) {
    // Created above, so ours to remove: a partial copy must not keep the
    // space that is left.
    (void)DeleteFile(tmp);
    return s;
  }
  return SyncDir(DirName(path));
}

}  // namespace budget_audit
