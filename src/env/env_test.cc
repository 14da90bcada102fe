#include "budget_audit/env.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

namespace budget_audit {
namespace {

class EnvTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      mem_ = NewMemEnv();
      env_ = mem_.get();
      root_ = "/root";
    } else {
      env_ = Env::Default();
      root_ = ::testing::TempDir() + "env_test_" + std::to_string(::getpid());
      std::filesystem::remove_all(root_);
    }
    ASSERT_TRUE(env_->CreateDirs(root_).ok());
  }
  void TearDown() override {
    if (!GetParam()) std::filesystem::remove_all(root_);
  }
  std::unique_ptr<Env> mem_;
  Env* env_ = nullptr;
  std::string root_;
};

TEST_P(EnvTest, WriteReadRenameDelete) {
  std::string a = JoinPath(root_, "a"), b = JoinPath(root_, "b");
  auto w = env_->NewWritableFile(a);
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  const uint8_t data[] = {1, 2, 3, 4, 5};
  ASSERT_TRUE((*w)->Append(data).ok());
  ASSERT_TRUE((*w)->Sync().ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*env_->GetFileSize(a), 5u);
  ASSERT_TRUE(env_->RenameFile(a, b).ok());
  EXPECT_FALSE(*env_->FileExists(a));
  auto bytes = env_->ReadFileToBytes(b);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, std::vector<uint8_t>(data, data + 5));
  auto r = env_->NewRandomAccessFile(b);
  ASSERT_TRUE(r.ok());
  uint8_t buf[8];
  EXPECT_EQ(*(*r)->Read(3, 8, buf), 2u);
  auto children = env_->GetChildren(root_);
  ASSERT_TRUE(children.ok());
  EXPECT_EQ(*children, std::vector<std::string>{"b"});
  ASSERT_TRUE(env_->DeleteFile(b).ok());
  EXPECT_TRUE(env_->DeleteFile(b).IsNotFound());
  EXPECT_TRUE(env_->NewRandomAccessFile(b).status().IsNotFound());
}

TEST_P(EnvTest, AtomicWriteReplaces) {
  std::string p = JoinPath(root_, "m");
  const uint8_t one[] = {1}, two[] = {2, 2};
  ASSERT_TRUE(env_->WriteFileAtomic(p, one).ok());
  ASSERT_TRUE(env_->WriteFileAtomic(p, two).ok());
  EXPECT_EQ(*env_->ReadFileToBytes(p), std::vector<uint8_t>({2, 2}));
  auto children = env_->GetChildren(root_);
  EXPECT_EQ(children->size(), 1u);
}

TEST_P(EnvTest, LockIsExclusive) {
  std::string p = JoinPath(root_, "_lock");
  auto l1 = env_->TryLockFile(p, "pid 1");
  ASSERT_TRUE(l1.ok()) << l1.status().ToString();
  auto l2 = env_->TryLockFile(p, "pid 2");
  ASSERT_FALSE(l2.ok());
  EXPECT_EQ(l2.status().code(), StatusCode::kBusy);
  EXPECT_NE(l2.status().message().find("pid 1"), std::string::npos);
  l1->reset();
  EXPECT_TRUE(env_->TryLockFile(p, "pid 3").ok());
}

INSTANTIATE_TEST_SUITE_P(PosixAndMem, EnvTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Mem" : "Posix"; });

TEST(PathTest, Components) {
  EXPECT_EQ(JoinPath("a", "b"), "a/b");
  EXPECT_EQ(JoinPath("a/", "b"), "a/b");
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
  EXPECT_EQ(BaseName("a/b/c"), "c");
}

}  // namespace
}  // namespace budget_audit
