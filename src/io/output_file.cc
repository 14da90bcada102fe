#include "io/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

namespace budget_audit::io {

namespace {

std::string Errno(int err) { return std::strerror(err); }

// Follows symbolic links from `path` (a chain of up to 40, as the kernel
// allows) to the path they finally lead to, which may not exist yet.
Result<std::string> ResolveLinks(const std::string& path) {
  std::string p = path;
  for (int hops = 0; hops <= 40; ++hops) {
    struct stat st;
    if (::lstat(p.c_str(), &st) != 0) {
      if (errno == ENOENT) return p;
      return Status::IOError(fmt::format("writing {}: {}", path, Errno(errno)));
    }
    if (!S_ISLNK(st.st_mode)) return p;
    std::string link(4097, '\0');
    ssize_t n = ::readlink(p.c_str(), link.data(), link.size());
    if (n < 0 || static_cast<size_t>(n) == link.size()) {
      return Status::IOError(
          fmt::format("writing {}: reading the link {}: {}", path, p, Errno(n < 0 ? errno : ENAMETOOLONG)));
    }
    link.resize(static_cast<size_t>(n));
    p = (!link.empty() && link[0] == '/') ? link : JoinPath(DirName(p), link);
  }
  return Status::IOError(fmt::format("writing {}: {}", path, Errno(ELOOP)));
}

// Writes all n bytes; 0, or the errno of the failure.
int WriteAll(int fd, const char* data, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, data, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (w == 0) return EIO;
    data += w;
    n -= static_cast<size_t>(w);
  }
  return 0;
}

}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::Open(const std::string& path) {
  auto out = std::unique_ptr<OutputFile>(new OutputFile());
  if (path.empty() || path == "-") {
    // Whatever was printed before goes first.
    std::fflush(stdout);
    out->kind_ = Kind::kStdout;
    out->fd_ = STDOUT_FILENO;
    out->name_ = "standard output";
    return out;
  }
  out->name_ = path;
  BA_ASSIGN_OR_RETURN(std::string target, ResolveLinks(path));
  struct stat st;
  bool exists = ::stat(target.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) {
    return Status::IOError(fmt::format("writing {}: {}", path, Errno(errno)));
  }
  if (exists && S_ISDIR(st.st_mode)) {
    return Status::IOError(fmt::format("writing {}: {}", path, Errno(EISDIR)));
  }
  if (exists && !S_ISREG(st.st_mode)) {
    // A pipe, device or socket: in place, never created or truncated.
    out->kind_ = Kind::kInPlace;
    out->fd_ = ::open(target.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (out->fd_ < 0) return Status::IOError(fmt::format("writing {}: {}", path, Errno(errno)));
    return out;
  }
  out->kind_ = Kind::kReplace;
  out->target_ = target;
  const std::string dir = DirName(target), base = BaseName(target);
  // O_EXCL: a temporary left by another process is never written over (nor
  // removed: we did not create it); another name is tried.
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = fmt::format(".{}.partial-{}", base, ::getpid());
    if (attempt > 0) name += fmt::format("-{}", attempt);
    out->temp_ = JoinPath(dir, name);
    out->fd_ = ::open(out->temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (out->fd_ >= 0 || errno != EEXIST) break;
  }
  if (out->fd_ < 0) {
    const int err = errno;
    out->temp_.clear();
    return Status::IOError(
        fmt::format("writing {}: cannot create a temporary file in {}: {}", path, dir, Errno(err)));
  }
  // The replaced file keeps its permissions (best effort: an owner may
  // have made it unreadable to others on purpose).
  if (exists) (void)::fchmod(out->fd_, st.st_mode & 07777);
  return out;
}

OutputFile::~OutputFile() {
  if (!finished_ || !finish_status_.ok()) Abandon();
}

void OutputFile::Abandon() {
  if (kind_ != Kind::kStdout && fd_ >= 0) ::close(fd_);
  fd_ = -1;
  if (!temp_.empty()) {
    (void)::unlink(temp_.c_str());  // ours: created with O_EXCL above
    temp_.clear();
  }
}

void OutputFile::Fail(const std::string& what, int err) {
  if (!error_.ok()) return;
  error_ = Status::IOError(what.empty() ? fmt::format("writing {}: {}", name_, Errno(err))
                                        : fmt::format("writing {}: {}: {}", name_, what, Errno(err)));
}

void OutputFile::Write(std::string_view s) {
  buf_ += s;
  MaybeFlush();
}

void OutputFile::Flush() {
  if (!buf_.empty() && error_.ok() && fd_ >= 0) {
    if (int err = WriteAll(fd_, buf_.data(), buf_.size()); err != 0) Fail("", err);
  }
  buf_.clear();
}

Status OutputFile::Finish() {
  if (finished_) return finish_status_;
  finished_ = true;
  Flush();
  if (fd_ < 0 && error_.ok()) error_ = Status::Internal(fmt::format("writing {}: not open", name_));
  if (error_.ok()) {
    switch (kind_) {
      case Kind::kStdout: break;
      case Kind::kInPlace:
        if (::close(fd_) != 0) Fail("", errno);
        fd_ = -1;
        break;
      case Kind::kReplace: {
        if (::fsync(fd_) != 0) Fail("", errno);
        if (::close(fd_) != 0) Fail("", errno);
        fd_ = -1;
        if (error_.ok() && ::rename(temp_.c_str(), target_.c_str()) != 0) {
          Fail(fmt::format("renaming {} into place", temp_), errno);
        }
        if (error_.ok()) {
          temp_.clear();  // published: no longer ours to remove
          // The new name durable too (EINVAL: a file system without
          // directory sync).
          int dfd = ::open(DirName(target_).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
          if (dfd < 0 || (::fsync(dfd) != 0 && errno != EINVAL)) {
            Fail(fmt::format("syncing the directory {}", DirName(target_)), errno);
          }
          if (dfd >= 0) ::close(dfd);
        }
        break;
      }
    }
  }
  finish_status_ = error_;
  if (!finish_status_.ok()) Abandon();
  return finish_status_;
}

Status OutputFile::Append(std::span<const uint8_t> data) {
  Write(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()));
  return error_;
}

Status OutputFile::Sync() {
  Flush();
  if (error_.ok() && kind_ == Kind::kReplace && fd_ >= 0 && ::fdatasync(fd_) != 0) Fail("", errno);
  return error_;
}

Status OutputFile::Truncate(uint64_t) {
  return Status::NotSupported(fmt::format("{}: an output cannot be truncated", name_));
}

}  // namespace budget_audit::io
