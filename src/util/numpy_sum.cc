#include "util/numpy_sum.h"

#include <algorithm>

namespace budget_audit {
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

double PairwiseSum(std::span<const double> chunk) { return Pairwise(chunk.data(), chunk.size()); }

NumpyPieceSum::NumpyPieceSum(uint64_t count) : final_start_(count - count % NumpyStreamSum::kChunk) {
  block_.reserve(kBlock);
  leaves_.reserve(NumpyStreamSum::kChunk / kBlock);
}

void NumpyPieceSum::AddValue(double v) {
  if (position_++ >= final_start_) {
    final_.push_back(v);
    return;
  }
  block_.push_back(v);
  if (block_.size() == kBlock) {
    AddLeaf(Pairwise(block_.data(), kBlock));
    block_.clear();
  }
}

void NumpyPieceSum::AddBlock(double block_sum) {
  position_ += kBlock;
  AddLeaf(block_sum);
}

void NumpyPieceSum::AddLeaf(double leaf) {
  leaves_.push_back(leaf);
  if (leaves_.size() < NumpyStreamSum::kChunk / kBlock) return;
  // A full chunk: pw halves it down to its 64 leaves, so it is the
  // balanced pairwise combination of them.
  for (size_t n = leaves_.size(); n > 1; n /= 2) {
    for (size_t i = 0; i < n / 2; ++i) leaves_[i] = leaves_[2 * i] + leaves_[2 * i + 1];
  }
  total_ += leaves_[0];
  leaves_.clear();
}

double NumpyPieceSum::Result() const {
  return final_.empty() ? total_ : total_ + Pairwise(final_.data(), final_.size());
}

}  // namespace budget_audit
