#include "util/sha256.h"

#include <gtest/gtest.h>

#include <string>

namespace budget_audit {
namespace {

TEST(Sha256Test, FipsVectors) {
  EXPECT_EQ(ToHex(Sha256(AsSpan("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(ToHex(Sha256(AsSpan(""))),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
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
