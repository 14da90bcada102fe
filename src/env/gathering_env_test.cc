// The append-gathering Env of bulk loads (env/gathering_env.h).
#include "env/gathering_env.h"

#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "env/fault_env.h"
#include "util/bytes.h"

namespace budget_audit {
namespace {

TEST(AppendGatheringEnv, GathersAppendsAndShowsThemToEveryOtherCall) {
  auto mem = NewMemEnv();
  FaultInjectionEnv faults(mem.get());
  auto env = NewAppendGatheringEnv(&faults, 4096);
  auto f = env->NewWritableFile("/j");
  ASSERT_TRUE(f.ok());
  int before = faults.operations();
  std::string all;
  for (int i = 0; i < 1000; ++i) {
    std::string rec = fmt::format("record {:04}\n", i);  // 12 bytes
    all += rec;
    ASSERT_TRUE((*f)->Append(AsSpan(rec)).ok());
  }
  EXPECT_LT(faults.operations() - before, 10);  // 12000 bytes in 4096-byte writes
  // Any other call first writes out what is gathered.
  auto size = env->GetFileSize("/j");
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, all.size());
  auto bytes = env->ReadFileToBytes("/j");
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(AsStringView(*bytes), all);
  // A large append goes straight through; Close writes out the rest.
  std::string big(10000, 'x');
  ASSERT_TRUE((*f)->Append(AsSpan("tail")).ok());
  ASSERT_TRUE((*f)->Append(AsSpan(big)).ok());
  ASSERT_TRUE((*f)->Close().ok());
  EXPECT_EQ(*mem->GetFileSize("/j"), all.size() + 4 + big.size());
  // Dropped without Close: still written.
  {
    auto g = env->NewAppendableFile("/k");
    ASSERT_TRUE(g.ok());
    ASSERT_TRUE((*g)->Append(AsSpan("abc")).ok());
  }
  EXPECT_EQ(*mem->GetFileSize("/k"), 3u);
}

TEST(AppendGatheringEnv, AFailedWriteIsReportedAndSticks) {
  auto mem = NewMemEnv();
  FaultInjectionEnv faults(mem.get());
  auto env = NewAppendGatheringEnv(&faults, 64);
  auto f = env->NewWritableFile("/j");
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE((*f)->Append(AsSpan("0123456789")).ok());  // gathered
  faults.FailAt(1, false);                               // the next write fails, once
  EXPECT_FALSE((*f)->Sync().ok());
  EXPECT_FALSE((*f)->Append(AsSpan("x")).ok());  // and every later call on the file
  EXPECT_FALSE((*f)->Close().ok());
}

}  // namespace
}  // namespace budget_audit
