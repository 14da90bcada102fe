#include "log/summary.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <sodium/utils.h>

#include "util/numpy_sum.h"

namespace budget_audit::log {
namespace {

constexpr size_t kBlock = NumpyPieceSum::kBlock;

size_t HeadLength(uint64_t first_seq, uint64_t rows) {
  const uint64_t pos = first_seq - 1;
  return static_cast<size_t>(std::min<uint64_t>(rows, (kBlock - pos % kBlock) % kBlock));
}

}  // namespace

size_t CostRun::head() const { return HeadLength(first_seq, rows); }
size_t CostRun::body() const { return static_cast<size_t>((rows - head()) / kBlock); }
size_t CostRun::expected_values() const {
  return head() + body() + static_cast<size_t>((rows - head()) % kBlock);
}

void SummaryBuilder::Add(uint64_t seq, const SlotRecord& r) {
  if (r.gate_passed) ++s_.gate_passed;
  auto d = std::lower_bound(s_.dates.begin(), s_.dates.end(), r.date);
  if (d == s_.dates.end() || *d != r.date) s_.dates.insert(d, r.date);
  if (too_many_runs_) return;
  if (s_.cost_runs.empty() || s_.cost_runs.back().first_seq + s_.cost_runs.back().rows != seq) {
    if (s_.cost_runs.size() == kMaxRuns) {
      too_many_runs_ = true;
      s_.cost_runs.clear();
      return;
    }
    s_.cost_runs.push_back(CostRun{seq, 0, {}});
  }
  CostRun& run = s_.cost_runs.back();
  const double v = NanAsZero(r.energy_cost_kwh);
  ++run.rows;
  run.values.push_back(v);
  // A block is complete when the value just added ends a 128-block of the
  // log past the run's head: its values become its pairwise sum.
  const size_t head = run.head();
  if (run.rows > head && (run.rows - head) % kBlock == 0) {
    const double sum = PairwiseSum(std::span<const double>(run.values).last(kBlock));
    run.values.resize(run.values.size() - kBlock);
    run.values.push_back(sum);
  }
}

std::optional<FileSummary> SummaryBuilder::Finish() {
  if (too_many_runs_) return std::nullopt;
  return std::move(s_);
}

std::string EncodeRunValues(const std::vector<double>& values) {
  std::string raw(values.size() * 8, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t bits;
    std::memcpy(&bits, &values[i], 8);
    for (int b = 0; b < 8; ++b) raw[8 * i + b] = static_cast<char>(bits >> (8 * b));
  }
  std::string out(sodium_base64_ENCODED_LEN(raw.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

Result<std::vector<double>> DecodeRunValues(std::string_view text) {
  // Standard base64 with padding (a table lookup: libsodium's decoder is
  // constant-time, several times slower, and this is no secret).
  static const auto kValue = [] {
    std::array<int8_t, 256> t;
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
    return t;
  }();
  auto bad = [] { return Status::Corruption("run values are not base64 of 8-byte doubles"); };
  if (text.size() % 4 != 0) return bad();
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  const size_t bytes = text.size() / 4 * 3 - pad;
  if (bytes % 8 != 0) return bad();
  std::vector<uint8_t> raw(bytes + 2);
  for (size_t i = 0, o = 0; i < text.size(); i += 4, o += 3) {
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = text[i + k];
      int8_t d = kValue[static_cast<uint8_t>(c)];
      if (c == '=' && i + 4 == text.size() && k >= 4 - pad) d = 0;
      if (d < 0) return bad();
      v = v << 6 | static_cast<uint32_t>(d);
    }
    raw[o] = static_cast<uint8_t>(v >> 16);
    raw[o + 1] = static_cast<uint8_t>(v >> 8);
    raw[o + 2] = static_cast<uint8_t>(v);
  }
  // Padding bits must be zero (one encoding per value list).
  if ((pad >= 1 && raw[bytes] != 0) || (pad == 2 && raw[bytes + 1] != 0)) return bad();
  std::vector<double> out(bytes / 8);
  for (size_t i = 0; i < out.size(); ++i) {
    uint64_t bits = 0;
    for (int b = 0; b < 8; ++b) bits |= uint64_t{raw[8 * i + b]} << (8 * b);
    std::memcpy(&out[i], &bits, 8);
  }
  return out;
}

}  // namespace budget_audit::log
