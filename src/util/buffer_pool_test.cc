#include "util/buffer_pool.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <numeric>
#include <thread>
#include <vector>

namespace budget_audit::util {
namespace {

TEST(BufferPoolTest, AFreedLargeBufferIsReusedForTheSameSizeClass) {
  ReleasePoolCache();
  const PoolStats before = GetPoolStats();
  EXPECT_EQ(before.cached_bytes, 0u);
  void* a = PoolAllocate(300'000);
  std::memset(a, 0xab, 300'000);
  PoolFree(a, 300'000);
  EXPECT_GE(GetPoolStats().cached_buffers, 1u);
  // 300,000 and 310,000 bytes are in the same class (256 KiB + 3 x 64 KiB).
  void* b = PoolAllocate(310'000);
  EXPECT_EQ(b, a);
  EXPECT_EQ(GetPoolStats().reused, before.reused + 1);
  std::memset(b, 0, 310'000);  // the whole request is usable
  PoolFree(b, 310'000);
  // A different class maps new memory.
  void* c = PoolAllocate(600'000);
  EXPECT_NE(c, a);
  EXPECT_EQ(GetPoolStats().mapped, before.mapped + 2);
  PoolFree(c, 600'000);
  ReleasePoolCache();
  EXPECT_EQ(GetPoolStats().cached_bytes, 0u);
  EXPECT_EQ(GetPoolStats().cached_buffers, 0u);
}

TEST(BufferPoolTest, SmallBuffersAreOrdinaryAllocations) {
  ReleasePoolCache();
  const PoolStats before = GetPoolStats();
  void* p = PoolAllocate(kPoolMinBytes - 1);
  PoolFree(p, kPoolMinBytes - 1);
  EXPECT_EQ(GetPoolStats().mapped, before.mapped);
  EXPECT_EQ(GetPoolStats().cached_buffers, 0u);
}

TEST(BufferPoolTest, PoolVectorsBehaveAsVectors) {
  ReleasePoolCache();
  for (int round = 0; round < 3; ++round) {
    PoolVector<int64_t> v;
    v.resize(100'000);  // 800 kB: pooled; value-initialised even when reused
    EXPECT_EQ(std::accumulate(v.begin(), v.end(), int64_t{0}), 0);
    std::iota(v.begin(), v.end(), int64_t{1});
    PoolVector<int64_t> copy = v;
    EXPECT_EQ(copy.back(), 100'000);
    v.push_back(7);  // grows into another class, frees the old buffer
    EXPECT_EQ(v[99'999], 100'000);
    EXPECT_EQ(v.back(), 7);
  }
  EXPECT_GT(GetPoolStats().reused, 0u);
}

TEST(BufferPoolTest, ThreadsShareThePool) {
  ReleasePoolCache();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < 200; ++i) {
        const size_t n = 200'000 + static_cast<size_t>((t * 200 + i) % 7) * 50'000;
        auto* p = static_cast<uint8_t*>(PoolAllocate(n));
        p[0] = static_cast<uint8_t>(i);
        p[n - 1] = static_cast<uint8_t>(t);
        PoolFree(p, n);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_GT(GetPoolStats().reused, 0u);
  ReleasePoolCache();
}

TEST(BufferPoolTest, AForkedChildAllocatesWhileAnotherThreadUsesThePool) {
  ReleasePoolCache();
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    while (!stop.load()) PoolFree(PoolAllocate(400'000), 400'000);
  });
  for (int i = 0; i < 20; ++i) {
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // The pool's lock was not left held by the other thread (pthread_atfork).
      void* p = PoolAllocate(400'000);
      PoolFree(p, 400'000);
      ::_exit(0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  stop = true;
  busy.join();
}

TEST(BufferPoolTest, BuffersUnusedForTheIdleLimitGoBackToTheSystem) {
  ReleasePoolCache();
  SetPoolIdleLimit(std::chrono::milliseconds(100));
  PoolFree(PoolAllocate(500'000), 500'000);
  PoolFree(PoolAllocate(900'000), 900'000);
  EXPECT_EQ(GetPoolStats().cached_buffers, 2u);
  for (int i = 0; i < 100 && GetPoolStats().cached_buffers > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(GetPoolStats().cached_buffers, 0u);
  EXPECT_EQ(GetPoolStats().cached_bytes, 0u);
  // The sweeper ended with the cache empty; the next free starts it again.
  PoolFree(PoolAllocate(500'000), 500'000);
  for (int i = 0; i < 100 && GetPoolStats().cached_buffers > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(GetPoolStats().cached_buffers, 0u);
  SetPoolIdleLimit(std::chrono::seconds(10));
}

#if defined(__SANITIZE_ADDRESS__)
TEST(BufferPoolDeathTest, AddressSanitizerSeesACachedBufferUsedAfterItsFree) {
  ReleasePoolCache();
  EXPECT_DEATH(
      {
        auto* p = static_cast<uint8_t*>(PoolAllocate(300'000));
        PoolFree(p, 300'000);
        p[1000] = 1;  // the buffer sits in the cache: poisoned
      },
      "use-after-poison");
}
#endif

}  // namespace
}  // namespace budget_audit::util
