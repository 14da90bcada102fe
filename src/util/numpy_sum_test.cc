#include "util/numpy_sum.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <vector>

namespace budget_audit {
namespace {

// The same values numpy summed: a 64-bit LCG, (x >> 11) * 2^-53 - 0.5,
// times a scale. Expected sums from numpy 1.24 / pandas 1.5
// (pd.Series(values, dtype="float64").sum()), as float.hex().
std::vector<double> Gen(uint64_t n, uint64_t seed, double scale) {
  std::vector<double> out;
  uint64_t x = seed;
  for (uint64_t i = 0; i < n; ++i) {
    x = 6364136223846793005ull * x + 1442695040888963407ull;
    out.push_back((static_cast<double>(x >> 11) * 0x1p-53 - 0.5) * scale);
  }
  return out;
}

struct Case {
  uint64_t n, seed;
  double scale;
  const char* hex;
};
const Case kCases[] = {
    {0, 1, 1000.0, "0x0.0p+0"},
    {0, 42, 0.001, "0x0.0p+0"},
    {1, 1, 1000.0, "-0x1.3329cf1c59aeep+6"},
    {1, 42, 0.001, "0x1.1e2dc160c37a6p-14"},
    {2, 1, 1000.0, "-0x1.0d88966747692p+6"},
    {2, 42, 0.001, "-0x1.b0a7d25383391p-13"},
    {7, 1, 1000.0, "0x1.39bbd9c3fe82ep+8"},
    {7, 42, 0.001, "-0x1.ea2c7f1788133p-11"},
    {8, 1, 1000.0, "-0x1.e36338d1c5454p+6"},
    {8, 42, 0.001, "-0x1.50319873bca2dp-10"},
    {9, 1, 1000.0, "0x1.b5c2283be9a1ep+7"},
    {9, 42, 0.001, "-0x1.57050db6fe6bcp-10"},
    {15, 1, 1000.0, "0x1.5941b8f0d7698p+5"},
    {15, 42, 0.001, "-0x1.6341a06c71cfdp-10"},
    {16, 1, 1000.0, "0x1.25143281623f1p+8"},
    {16, 42, 0.001, "-0x1.7fdd0c89b797ap-10"},
    {17, 1, 1000.0, "0x1.b33b02bc805d0p+7"},
    {17, 42, 0.001, "-0x1.34476fd83cb75p-10"},
    {127, 1, 1000.0, "-0x1.4fd35ce6c7492p+9"},
    {127, 42, 0.001, "-0x1.4bd048f970128p-11"},
    {128, 1, 1000.0, "-0x1.03b1424b212fcp+8"},
    {128, 42, 0.001, "-0x1.a1311f7fb23c0p-13"},
    {129, 1, 1000.0, "-0x1.2c8c8bc40558cp+9"},
    {129, 42, 0.001, "-0x1.7711bea01e098p-12"},
    {130, 1, 1000.0, "-0x1.74c352327fe22p+9"},
    {130, 42, 0.001, "-0x1.738c2d2043618p-12"},
    {136, 1, 1000.0, "0x1.b91aec36ea102p+8"},
    {136, 42, 0.001, "0x1.f024af6e68030p-13"},
    {255, 1, 1000.0, "-0x1.0ef5b58941478p+10"},
    {255, 42, 0.001, "0x1.25b050b9e2297p-8"},
    {256, 1, 1000.0, "-0x1.4a6d7ffcbc833p+10"},
    {256, 42, 0.001, "0x1.2b66bcf625306p-8"},
    {257, 1, 1000.0, "-0x1.a48483edc64d5p+10"},
    {257, 42, 0.001, "0x1.0c328d3f0b1eep-8"},
    {1000, 1, 1000.0, "0x1.f09ec5a5d5e36p+12"},
    {1000, 42, 0.001, "0x1.96f4a6c9750bap-8"},
    {1023, 1, 1000.0, "0x1.a654e53ef532dp+12"},
    {1023, 42, 0.001, "0x1.28db2cff49812p-8"},
    {1024, 1, 1000.0, "0x1.8c3a7e0708010p+12"},
    {1024, 42, 0.001, "0x1.1d288f15438eep-8"},
    {8191, 1, 1000.0, "0x1.833776e57cf48p+14"},
    {8191, 42, 0.001, "-0x1.2b884f6aea498p-6"},
    {8192, 1, 1000.0, "0x1.8862d797701e4p+14"},
    {8192, 42, 0.001, "-0x1.29b8b870834cap-6"},
    {8193, 1, 1000.0, "0x1.8877ed74bf9f8p+14"},
    {8193, 42, 0.001, "-0x1.2e874242dae50p-6"},
    {65537, 1, 1000.0, "0x1.8a7a1477c480bp+15"},
    {65537, 42, 0.001, "-0x1.6e62bdcd9bcc1p-4"},
    {100000, 1, 1000.0, "0x1.83aba26e9478ep+12"},
    {100000, 42, 0.001, "-0x1.f06617674fce7p-5"},
    {1000003, 1, 1000.0, "-0x1.b7c4cba24f127p+17"},
    {1000003, 42, 0.001, "0x1.2b5027bf39ec8p-4"},
};

TEST(NumpySum, MatchesNumpyBitForBit) {
  for (const Case& c : kCases) {
    auto v = Gen(c.n, c.seed, c.scale);
    const double expect = std::strtod(c.hex, nullptr);
    EXPECT_EQ(NumpySum(v), expect) << "n=" << c.n << " seed=" << c.seed;
    NumpyStreamSum s;
    for (double x : v) s.Add(x);
    EXPECT_EQ(s.Result(), expect) << "stream n=" << c.n << " seed=" << c.seed;
  }
}

// Summing from block sums wherever allowed gives numpy's result too: on
// the numpy-checked cases (every block as a block sum) and on random cut
// points (blocks taken as values or as sums at random).
TEST(NumpySum, PieceSumMatches) {
  uint64_t seed = 7;
  auto rnd = [&] { return seed = seed * 6364136223846793005ull + 1442695040888963407ull; };
  for (const Case& c : kCases) {
    auto v = Gen(c.n, c.seed, c.scale);
    for (int mode = 0; mode < 3; ++mode) {
      NumpyPieceSum s(v.size());
      size_t blocks = 0;
      while (s.position() < v.size()) {
        const size_t at = s.position();
        const bool take = mode == 0 ? true : mode == 1 ? false : (rnd() >> 33) % 2 == 0;
        if (take && s.BlockAllowed()) {
          s.AddBlock(PairwiseSum(std::span<const double>(v).subspan(at, NumpyPieceSum::kBlock)));
          ++blocks;
        } else {
          s.AddValue(v[at]);
        }
      }
      EXPECT_EQ(s.Result(), std::strtod(c.hex, nullptr)) << "n=" << c.n << " mode=" << mode;
      if (mode == 0 && c.n >= 8192) {
        EXPECT_GT(blocks, 0u);
      }
    }
  }
}

TEST(NumpySum, DiffersFromALeftToRightSum) {
  // Guards the test above: for long inputs the order is visible.
  auto v = Gen(1000003, 1, 1000.0);
  double naive = 0;
  for (double x : v) naive += x;
  EXPECT_NE(naive, NumpySum(v));
}

TEST(NumpySum, NegativeZeroSumsToPositiveZero) {
  const double v[] = {-0.0};
  EXPECT_FALSE(std::signbit(NumpySum(v)));
}

}  // namespace
}  // namespace budget_audit
