// Floating-point sums in exactly the order numpy adds them, so that report
// figures match the Python version's (pandas' Series.sum() is numpy's
// add.reduce over a contiguous float64 array) to the last bit before
// rounding. The order matters where a total lies on a rounding boundary.
//
// numpy (1.24, default buffer size) reduces in chunks of 8192 values,
// left to right from 0.0: total = ((0.0 + pw(chunk 0)) + pw(chunk 1)) + …
// where pw is its pairwise summation of one chunk of n values:
//   n < 8:        a left-to-right sum from 0.0
//   n <= 128:     eight running sums r[j] over values i ≡ j (mod 8) of the
//                 first n - n % 8, combined ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)),
//                 then the remaining n % 8 added left to right
//   otherwise:    m = n / 2 rounded down to a multiple of 8;
//                 pw(first m) + pw(the other n - m)
// (checked bit for bit against numpy in numpy_sum_test.cc).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace budget_audit {

// numpy.add.reduce over `values`.
double NumpySum(std::span<const double> values);

// The same sum over a stream of values, keeping one chunk.
class NumpyStreamSum {
 public:
  NumpyStreamSum();
  void Add(double v) {
    chunk_.push_back(v);
    if (chunk_.size() == kChunk) Flush();
  }
  uint64_t count() const { return count_ + chunk_.size(); }
  // The sum of the values added so far.
  double Result() const;

  static constexpr size_t kChunk = 8192;  // numpy's default buffer size

 private:
  void Flush();

  double total_ = 0.0;
  uint64_t count_ = 0;
  std::vector<double> chunk_;
};

// pandas' Series.sum() skips NaN (nansum fills them with 0 before adding).
inline double NanAsZero(double v) { return v != v ? 0.0 : v; }

// numpy's pairwise sum of one chunk (pw above). Over any number of values:
// numpy 2's sum of a whole contiguous array, which no longer goes by chunks.
double PairwiseSum(std::span<const double> chunk);

// The sum of a sequence given partly as values and partly as the pw sums of
// whole 128-value blocks (blocks that start at a multiple of 128 from the
// start of the sequence: within a full chunk they are exactly pw's leaves).
// Gives NumpySum of the whole sequence, so sums kept for sealed history
// need not be recomputed from every value (log/summary.h). The values of
// the last, partial chunk (from final_chunk_start(), where pw's leaves are
// not aligned) must come as values.
class NumpyPieceSum {
 public:
  explicit NumpyPieceSum(uint64_t count);
  static constexpr size_t kBlock = 128;  // numpy's PW_BLOCKSIZE
  uint64_t position() const { return position_; }
  uint64_t final_chunk_start() const { return final_start_; }
  // May AddBlock be called now: at a block boundary, before the final chunk.
  bool BlockAllowed() const { return position_ % kBlock == 0 && position_ + kBlock <= final_start_; }
  void AddValue(double v);
  // The pw sum of the next 128 values. Requires BlockAllowed().
  void AddBlock(double block_sum);
  // Requires position() == count.
  double Result() const;

 private:
  void AddLeaf(double leaf);
  uint64_t final_start_, position_ = 0;
  double total_ = 0.0;
  std::vector<double> block_;   // values of the current block (before the final chunk)
  std::vector<double> leaves_;  // leaf sums of the current chunk
  std::vector<double> final_;   // values of the final chunk
};

}  // namespace budget_audit
