// Env: every file-system and clock access of the library goes through here,
// so tests can substitute an in-memory file system, inject I/O faults, drop
// unsynced data to simulate a power cut, and fix the clock.
//
// Thread safety: Env implementations are safe for concurrent use. File
// objects are not; use one per thread.
//
// Error messages from the POSIX Env always name the path and the errno text.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "budget_audit/status.h"

namespace budget_audit {

// A file opened for positional reads.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads up to n bytes at offset into scratch; returns how many were read
  // (fewer only at end of file).
  virtual Result<size_t> Read(uint64_t offset, size_t n, uint8_t* scratch) const = 0;
  virtual Result<uint64_t> Size() const = 0;
  virtual const std::string& path() const = 0;
};

// A file opened for appending. Data is durable only after Sync() returns OK.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::span<const uint8_t> data) = 0;
  // fdatasync: file data (and size) durable.
  virtual Status Sync() = 0;
  // Shrinks the file to `size` bytes (not durable until Sync()).
  virtual Status Truncate(uint64_t size) = 0;
  virtual Status Close() = 0;
  virtual const std::string& path() const = 0;
};

// An advisory, process-exclusive lock on a file (flock or OFD lock).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env (never deleted).
  static Env* Default();

  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) = 0;
  // Creates or truncates.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens for appending, creating if missing; writes go to the end.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;

  virtual Result<bool> FileExists(const std::string& path) = 0;
  virtual Result<bool> IsDirectory(const std::string& path) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, unsorted, without . and ..
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  virtual Status CreateDir(const std::string& dir) = 0;  // OK if it exists
  virtual Status CreateDirs(const std::string& dir);     // mkdir -p
  virtual Status DeleteFile(const std::string& path) = 0;
  // Atomic replace of `to` (POSIX rename).
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // fsync of a directory, making entries created/renamed in it durable.
  virtual Status SyncDir(const std::string& dir) = 0;

  // Takes an exclusive lock on `path` (created if missing) without blocking.
  // Busy if another holder has it; the message includes what the holder wrote
  // into the lock file (e.g. its pid) when known.
  virtual Result<std::unique_ptr<FileLock>> TryLockFile(const std::string& path,
                                                        const std::string& holder_info) = 0;

  // Microseconds since the Unix epoch (wall clock).
  virtual int64_t NowMicros() = 0;

  // Reads a whole file (capped at max_bytes; ResourceExhausted beyond).
  Result<std::vector<uint8_t>> ReadFileToBytes(const std::string& path,
                                               uint64_t max_bytes = uint64_t{1} << 32);
  // Writes a whole file atomically: temp name, sync, rename, sync directory.
  Status WriteFileAtomic(const std::string& path, std::span<const uint8_t> data);
};

// A fresh in-memory Env (for tests). Lock files behave as in POSIX within it.
std::unique_ptr<Env> NewMemEnv();

// Joins two path components with a single '/'.
std::string JoinPath(const std::string& a, const std::string& b);
// The directory part of a path ("." when none).
std::string DirName(const std::string& path);
// The last component of a path.
std::string BaseName(const std::string& path);

}  // namespace budget_audit
