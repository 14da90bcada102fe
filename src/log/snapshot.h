// The implementation of LogSnapshot (include/budget_audit/log_reader.h):
// the manifest read once, the sealed rows it vouches for (seq <= its
// sealed_seq, merged across month files in seq order), then the journal's
// valid prefix after sealed_seq. A writer appending or sealing meanwhile
// does not disturb it: month files are replaced by rename (an open
// snapshot filters by seq) and journal files only grow or vanish once
// sealed.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "budget_audit/env.h"
#include "budget_audit/log_reader.h"
#include "log/manifest.h"
#include "log/slot_parquet.h"

namespace budget_audit::log {

// Calls `fn` for every record in seq order (a snapshot opened and scanned
// with all columns). Stops at the first error (from reading or from `fn`).
Status ForEachRecord(Env* env, const std::string& dir,
                     const std::function<Status(const SeqRecord&)>& fn);

}  // namespace budget_audit::log
