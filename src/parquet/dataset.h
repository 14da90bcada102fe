// A directory of Parquet files read as one dataset (import and export of a
// directory): the files it holds, found as pandas, pyarrow, Spark and DuckDB
// find them.
#pragma once

#include <string>
#include <vector>

#include "budget_audit/env.h"

namespace budget_audit::parquet {

// Appends every *.parquet below `dir` (recursively) to `out`, each
// directory's entries in name order, skipping names that start with '_' or
// '.' (_SUCCESS, _metadata, .crc files, temporaries, a log's own _tmp.*).
Status ListParquetFiles(Env* env, const std::string& dir, std::vector<std::string>& out);

}  // namespace budget_audit::parquet
