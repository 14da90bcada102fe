// The C ABI's handles (opaque in include/budget_audit/c.h) and the helpers
// its entry points share (c_api.cc, arrow_stream.cc, reports.cc).
#pragma once

#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <string_view>

#include "budget_audit/audit_log.h"
#include "budget_audit/c.h"
#include "budget_audit/log_reader.h"
#include "budget_audit/status.h"

struct ba_log_options {
  budget_audit::AuditLogOptions options;
};

// The C++ classes are not safe for concurrent calls and a binding cannot be
// trusted to serialize them (Python threads, goroutines): each handle holds
// a mutex every call takes.
struct ba_log {
  std::mutex mu;
  std::unique_ptr<budget_audit::AuditLog> log;
};

namespace budget_audit::capi {

// What a snapshot handle shares with its cursors and Arrow streams, which
// keep it alive (a garbage-collected binding frees handles in any order).
struct SnapshotState {
  std::mutex mu;  // serializes every read of `snapshot`
  std::unique_ptr<LogSnapshot> snapshot;
};

// A NUL-terminated malloc'ed copy (ba_free), or nullptr.
inline char* CopyString(std::string_view s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) return nullptr;
  if (!s.empty()) std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

// Sets *errmsg (when asked for: NULL on success, the message otherwise) and
// returns the code, which is StatusCode's value.
inline int Report(const Status& s, char** errmsg) {
  if (errmsg != nullptr) *errmsg = s.ok() ? nullptr : CopyString(s.message());
  return static_cast<int>(s.code());
}

inline int Misuse(const char* what, char** errmsg) { return Report(Status::InvalidArgument(what), errmsg); }

// Runs `fn` (returning a code). The one exception the library can raise is
// std::bad_alloc; it must not cross into C.
template <typename Fn>
int Guard(char** errmsg, Fn&& fn) {
  try {
    return fn();
  } catch (const std::bad_alloc&) {
    return Report(Status::ResourceExhausted("out of memory"), errmsg);
  }
}

// ba_scan_options as ScanOptions; *columns gets the C bits (with seq).
Result<ScanOptions> ScanOptionsFromC(const ba_scan_options* options, uint32_t* columns);

}  // namespace budget_audit::capi

struct ba_snapshot {
  std::shared_ptr<budget_audit::capi::SnapshotState> state;
};

struct ba_batch {
  budget_audit::RecordBatch records;
};

struct ba_cursor {
  // Declared before `cursor`, which borrows the snapshot: destroyed after it.
  std::shared_ptr<budget_audit::capi::SnapshotState> state;
  std::unique_ptr<budget_audit::SnapshotCursor> cursor;
  ba_batch batch;
};
