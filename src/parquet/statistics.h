// Column-chunk statistics: computed by the writer exactly as Arrow writes
// them, and read back for row-group pruning.
//
// Writer rules (parquet-notes §2.4, traps 17–20): null_count always;
// min_value/max_value (PLAIN bytes, no length prefix) when any non-null,
// non-NaN value exists; the deprecated min/max too, but only for columns
// whose sort order is SIGNED; a zero float min is written as -0.0 and a zero
// max as +0.0; byte-array bounds longer than 4096 bytes are left out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "parquet/metadata.h"
#include "parquet/schema.h"
#include "parquet/types.h"

namespace budget_audit::parquet {

enum class SortOrder { kSigned, kUnsigned, kUnknown };

SortOrder ColumnSortOrder(const ColumnDescriptor& col);

constexpr size_t kMaxStatisticsSize = 4096;

// Statistics of `values` (dense non-null values plus validity) for `col`.
Statistics ComputeStatistics(const ColumnDescriptor& col, const ColumnVector& values);

// A bound for pruning, in the column's own order: signed or unsigned
// integers, floating point, or bytes (strings, binary, decimals as stored).
using StatValue = std::variant<int64_t, uint64_t, double, std::string>;

// The [min, max] a chunk's statistics promise, if they can be trusted:
// min_value/max_value when the file declares TypeDefinedOrder for the
// column; otherwise the deprecated min/max only for SIGNED numeric orders.
// NaN bounds are ignored (trap 18).
struct StatRange {
  StatValue min;
  StatValue max;
};
std::optional<StatRange> TrustedRange(const ColumnDescriptor& col, const Statistics& stats,
                                      bool type_defined_order);

// True unless the statistics prove that no value in the chunk lies in
// [lo, hi] (bounds of the same alternative as the column's StatValue).
bool MayOverlap(const ColumnDescriptor& col, const std::optional<StatRange>& range, const StatValue& lo,
                const StatValue& hi);

}  // namespace budget_audit::parquet
