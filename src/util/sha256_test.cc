#include "util/sha256.h"

#include <gtest/gtest.h>

#include <sodium/crypto_hash_sha256.h>

#include <random>
#include <string>
#include <vector>

namespace budget_audit {
namespace {

TEST(Sha256Test, FipsVectors) {
  EXPECT_EQ(ToHex(Sha256(AsSpan("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256(AsSpan(""))), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(ToHex(Sha256(AsSpan("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, MillionAs) {
  Sha256Hasher h;
  std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.Update(chunk);
  EXPECT_EQ(ToHex(h.Finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256Test, IncrementalMatchesOneShot) {
  std::string msg = "agrivoltaic slot 2024-06-01T12:00Z panel-row 7 irrigation 3.2 mm";
  for (size_t cut = 0; cut <= msg.size(); ++cut) {
    Sha256Hasher h;
    h.Update(std::string_view(msg).substr(0, cut));
    h.Update(ByteSpan{});
    h.Update(std::string_view(msg).substr(cut));
    EXPECT_EQ(h.Finish(), Sha256(AsSpan(msg)));
  }
}

TEST(Sha256Test, FinishResetsAndCopiesFork) {
  Sha256Hasher h;
  h.Update("ab");
  Sha256Hasher fork = h;
  h.Update("c");
  EXPECT_EQ(h.Finish(), Sha256(AsSpan("abc")));
  EXPECT_EQ(h.Finish(), Sha256(AsSpan("")));  // empty after Finish
  fork.Update("d");
  EXPECT_EQ(fork.Finish(), Sha256(AsSpan("abd")));
  h.Update("x");
  h.Reset();
  h.Update("abc");
  EXPECT_EQ(h.Finish(), Sha256(AsSpan("abc")));
}

// Both compression functions (SHA-NI where the CPU has it, and portable)
// against libsodium's SHA-256, on every length around the block and padding
// boundaries and on random splits of random messages.
class Sha256ImplTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (!GetParam() && sha256_internal::BlocksShaNi() == nullptr) {
      GTEST_SKIP() << "this CPU has no SHA extensions";
    }
    sha256_internal::ForcePortable(GetParam());
  }
  void TearDown() override { sha256_internal::ForcePortable(false); }
};

Sha256Digest Sodium(const std::vector<uint8_t>& m) {
  Sha256Digest d;
  crypto_hash_sha256(d.data(), m.data(), m.size());
  return d;
}

TEST_P(Sha256ImplTest, MatchesLibsodium) {
  std::mt19937_64 rng(42);
  for (size_t len = 0; len <= 300; ++len) {
    std::vector<uint8_t> m(len);
    for (auto& b : m) b = static_cast<uint8_t>(rng());
    ASSERT_EQ(Sha256(m), Sodium(m)) << "length " << len;
  }
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<uint8_t> m(rng() % 5000);
    for (auto& b : m) b = static_cast<uint8_t>(rng());
    Sha256Hasher h;
    size_t at = 0;
    while (at < m.size()) {
      size_t n = std::min<size_t>(m.size() - at, rng() % 200);
      h.Update(ByteSpan(m.data() + at, n));
      at += n;
    }
    ASSERT_EQ(h.Finish(), Sodium(m)) << "trial " << trial;
  }
}

TEST_P(Sha256ImplTest, FipsVectorsAndMillionAs) {
  EXPECT_EQ(ToHex(Sha256(AsSpan("abc"))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256Hasher h;
  std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) h.Update(chunk);
  EXPECT_EQ(ToHex(h.Finish()), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

INSTANTIATE_TEST_SUITE_P(Impl, Sha256ImplTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Portable" : "ShaNi"; });

TEST(Sha256Test, Hex) {
  EXPECT_EQ(ToHex(ByteSpan{}), "");
  Bytes b = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(ToHex(b), "000fa0ff");
  Sha256Digest d = Sha256(AsSpan("abc"));
  auto back = FromHex(ToHex(d));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, d);
  auto upper = FromHex("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD");
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, d);
}

TEST(Sha256Test, FromHexRejects) {
  std::string good = ToHex(Sha256(AsSpan("abc")));
  EXPECT_EQ(FromHex("").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FromHex(good.substr(1)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FromHex(good + "0").status().code(), StatusCode::kInvalidArgument);
  std::string bad = good;
  bad[10] = 'g';
  auto r = FromHex(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("position 10"), std::string::npos);
  bad = good;
  bad[63] = ' ';
  EXPECT_FALSE(FromHex(bad).ok());
  bad = good;
  bad[0] = '\0';
  EXPECT_FALSE(FromHex(bad).ok());
}

}  // namespace
}  // namespace budget_audit
