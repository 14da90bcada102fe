// An Env decorator for bulk loads (the importer's): small appends gathered
// into large writes.
#pragma once

#include <cstddef>
#include <memory>

#include "budget_audit/env.h"

namespace budget_audit {

// An Env over `base` for bulk loads into an AuditLog opened with
// SyncMode::kNone: the small appends to files it opens for writing (the
// journal gets one per record) are gathered in memory and written in blocks
// of about `buffer_bytes`, instead of one write(2) per record. Every other
// call on the Env, and Sync(), Truncate() and
// Close() of such a file, first writes out everything gathered, so the
// process always sees its own writes and operations reach the file system
// in the order they were made. A write that fails is reported by that call
// and by every later call on the file. A process killed meanwhile loses at
// most the gathered bytes (the journal's torn-tail recovery cuts a partial
// record); with SyncMode::kNone a power cut may lose more anyway, and an
// import is simply run again. Files may be written from different threads
// (each by one at a time), as an AuditLog sealing with seal_threads > 1 does.
// `base` must outlive the returned Env.
std::unique_ptr<Env> NewAppendGatheringEnv(Env* base, size_t buffer_bytes = size_t{1} << 20);

}  // namespace budget_audit
