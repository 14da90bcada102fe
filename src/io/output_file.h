// Where an export or a command's output goes (cat -o, export -o,
// checkpoint -o, the library's Export*ToPath, or standard output),
// buffered in large blocks. What the target is decides how it is written
// (DESIGN.md: we never delete or truncate a path we did not create):
//
//   - "" or "-": standard output, written in place.
//   - a regular file, or a path that does not exist: written to a temporary
//     beside it, ".<name>.partial-<pid>" (a name no *.parquet, *.csv or
//     *.jsonl glob matches), which Finish() syncs and renames over the
//     target (then syncs the directory). Until then the target is untouched;
//     a replaced file's permission bits are kept. An OutputFile destroyed
//     without a successful Finish() removes its temporary (which it created)
//     and leaves the target as it was.
//   - a symbolic link: followed (through any chain, also to a path that does
//     not exist yet); the file it leads to is treated as above, the link
//     itself is never replaced or removed.
//   - a pipe, character or block device or socket: opened for writing in
//     place (no O_CREAT, no O_TRUNC), never removed.
//   - a directory: refused.
//
// A write error (disk full, closed pipe, /dev/full) is remembered; later
// writes are dropped and Finish() returns it. Every error is an IOError
// "writing PATH: <reason>" naming the path as given.
//
// The file system is used directly, not through Env: targets are device
// nodes, fifos and links, which Env does not model; the CLI tests exercise
// every kind on the real file system.
//
// It is a WritableFile too: Append() is Write(), Close() is Finish(),
// Sync() writes the buffer out (and fdatasyncs a temporary); the target
// holds the data once Close() returned OK.
//
// Thread safety: one thread at a time.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "budget_audit/env.h"
#include "budget_audit/status.h"

namespace budget_audit::io {

class OutputFile : public WritableFile {
 public:
  static Result<std::unique_ptr<OutputFile>> Open(const std::string& path);
  // Abandons the output unless Finish() succeeded: closes it and removes
  // the temporary, if any.
  ~OutputFile() override;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void Write(std::string_view s);
  std::string& buffer() { return buf_; }  // append directly, then MaybeFlush()
  void MaybeFlush() {
    if (buf_.size() >= (1u << 16)) Flush();
  }
  void Flush();
  // The first error so far (OK if none).
  Status status() const { return error_; }
  // Flushes, syncs and publishes (renames a temporary into place) or
  // closes. Idempotent: a second call returns the first call's result.
  Status Finish();

  // True for standard output.
  bool is_stdout() const { return kind_ == Kind::kStdout; }
  // The path as given, or "standard output".
  const std::string& name() const { return name_; }

  // WritableFile.
  Status Append(std::span<const uint8_t> data) override;
  Status Sync() override;
  Status Truncate(uint64_t size) override;  // NotSupported
  Status Close() override { return Finish(); }
  const std::string& path() const override { return name_; }

 private:
  enum class Kind { kStdout, kReplace, kInPlace };
  OutputFile() = default;
  void Fail(const std::string& what, int err);
  void Abandon();

  Kind kind_ = Kind::kStdout;
  int fd_ = -1;
  std::string name_;    // for messages
  std::string target_;  // kReplace: the file to replace (links resolved)
  std::string temp_;    // kReplace: the temporary beside it
  std::string buf_;
  Status error_;
  bool finished_ = false;
  Status finish_status_;
};

}  // namespace budget_audit::io
