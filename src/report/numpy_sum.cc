#include "report/numpy_sum.h"

#include <algorithm>

namespace budget_audit::report {
namespace {

constexpr size_t kBlock = 128;  // numpy's PW_BLOCKSIZE

// numpy's pairwise_sum over one chunk.
double Pairwise(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= kBlock) {
    double r[8];
    for (size_t j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - n % 8; i += 8) {
      for (size_t j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t m = n / 2;
  m -= m % 8;
  return Pairwise(a, m) + Pairwise(a + m, n - m);
}

}  // namespace

double NumpySum(std::span<const double> values) {
  double total = 0.0;
  for (size_t i = 0; i < values.size(); i += NumpyStreamSum::kChunk) {
    total += Pairwise(values.data() + i, std::min(NumpyStreamSum::kChunk, values.size() - i));
  }
  return total;
}

NumpyStreamSum::NumpyStreamSum() { chunk_.reserve(kChunk); }

void NumpyStreamSum::Flush() {
  total_ += Pairwise(chunk_.data(), chunk_.size());
  count_ += chunk_.size();
  chunk_.clear();
}

double NumpyStreamSum::Result() const {
  return chunk_.empty() ? total_ : total_ + Pairwise(chunk_.data(), chunk_.size());
}

}  // namespace budget_audit::report
