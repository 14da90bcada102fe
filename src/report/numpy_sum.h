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

namespace budget_audit::report {

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

}  // namespace budget_audit::report
