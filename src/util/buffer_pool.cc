#include "util/buffer_pool.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

#if defined(__SANITIZE_ADDRESS__)
#define BA_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BA_POOL_ASAN 1
#endif
#endif
#ifdef BA_POOL_ASAN
#include <sanitizer/asan_interface.h>
#define BA_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define BA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define BA_POISON(p, n) ((void)(p), (void)(n))
#define BA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace budget_audit::util {
namespace {

using Clock = std::chrono::steady_clock;

// The size a request of `bytes` (>= kPoolMinBytes) is given: rounded up to a
// quarter of its power of two (a multiple of 32 KiB, so of the page size).
size_t ClassSize(size_t bytes) {
  int k = 63 - __builtin_clzll(static_cast<unsigned long long>(bytes));
  size_t step = size_t{1} << (k - 2);
  return (bytes + step - 1) / step * step;
}

size_t Budget() {
#ifdef BA_POOL_ASAN
  // Sanitizer builds (tests, fuzzing under an RSS limit) check, not race.
  return size_t{64} << 20;
#else
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page = ::sysconf(_SC_PAGESIZE);
  size_t phys = pages > 0 && page > 0 ? static_cast<size_t>(pages) * static_cast<size_t>(page) : 0;
  return std::clamp<size_t>(phys / 16, size_t{64} << 20, size_t{1} << 30);
#endif
}

struct Cached {
  void* p;
  size_t size;
  Clock::time_point since;
};

class Pool {
 public:
  Pool() : budget_(Budget()) {}

  void* Allocate(size_t bytes) {
    const size_t size = ClassSize(bytes);
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = free_.find(size);
      if (it != free_.end() && !it->second.empty()) {
        void* p = it->second.back().p;  // the most recently freed: warmest
        it->second.pop_back();
        cached_ -= size;
        --cached_buffers_;
        ++reused_;
        BA_UNPOISON(p, bytes);
        return p;
      }
      ++mapped_;
    }
    void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    BA_POISON(static_cast<char*>(p) + bytes, size - bytes);
    return p;
  }

  void Free(void* p, size_t bytes) noexcept {
    const size_t size = ClassSize(bytes);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (cached_ + size <= budget_) {
        try {
          free_[size].push_back({p, size, Clock::now()});
          cached_ += size;
          ++cached_buffers_;
          BA_POISON(p, size);
          StartSweeperLocked();
          return;
        } catch (...) {
          // No room to note it: unmap it below.
        }
      }
    }
    Unmap(p, size);
  }

  void SetIdleLimit(std::chrono::milliseconds limit) {
    std::lock_guard<std::mutex> lock(mu_);
    idle_limit_ = limit;
    cv_->notify_all();
  }

  PoolStats Stats() {
    std::lock_guard<std::mutex> lock(mu_);
    return {cached_, cached_buffers_, reused_, mapped_};
  }

  void ReleaseAll() {
    std::vector<Cached> all;
    {
      std::lock_guard<std::mutex> lock(mu_);
      all = TakeOlderLocked(Clock::time_point::max());
    }
    UnmapAll(all);
  }

  // pthread_atfork: the lock is held across fork(); the child has no sweeper
  // thread and a fresh condition variable (the parent's may list waiters).
  void PrepareFork() { mu_.lock(); }
  void ParentAfterFork() { mu_.unlock(); }
  void ChildAfterFork() {
    sweeper_running_ = false;
    cv_ = new std::condition_variable();  // the old one is left as it is
    mu_.unlock();
  }

 private:
  static void Unmap(void* p, size_t size) {
    BA_UNPOISON(p, size);
    ::munmap(p, size);
  }
  static void UnmapAll(const std::vector<Cached>& list) {
    for (const Cached& c : list) Unmap(c.p, c.size);
  }

  // Takes out of the cache the buffers freed before `cutoff`.
  std::vector<Cached> TakeOlderLocked(Clock::time_point cutoff) {
    std::vector<Cached> out;
    for (auto& [size, list] : free_) {
      // Oldest first: entries are pushed in time order.
      size_t n = 0;
      while (n < list.size() && list[n].since < cutoff) ++n;
      out.insert(out.end(), list.begin(), list.begin() + static_cast<ptrdiff_t>(n));
      list.erase(list.begin(), list.begin() + static_cast<ptrdiff_t>(n));
      cached_ -= n * size;
      cached_buffers_ -= n;
    }
    return out;
  }

  // A thread that returns buffers unused for idle_limit_ to the system and
  // ends when the cache is empty: memory a reader used does not stay with
  // the process after it is done reading.
  void StartSweeperLocked() {
    if (sweeper_running_) return;
    try {
      std::thread([this] { Sweep(); }).detach();
      sweeper_running_ = true;
    } catch (...) {
      // No thread: the buffers stay cached (within the budget) until reused
      // or ReleasePoolCache().
    }
  }

  void Sweep() {
    std::unique_lock<std::mutex> lock(mu_);
    while (cached_buffers_ > 0) {
      Clock::time_point oldest = Clock::time_point::max();
      for (const auto& [size, list] : free_) {
        if (!list.empty()) oldest = std::min(oldest, list.front().since);
      }
      const auto due = oldest + idle_limit_;
      if (Clock::now() < due) {
        cv_->wait_until(lock, due);
        continue;
      }
      std::vector<Cached> old = TakeOlderLocked(Clock::now() - idle_limit_);
      lock.unlock();
      UnmapAll(old);
      lock.lock();
    }
    sweeper_running_ = false;
  }

  const size_t budget_;
  std::mutex mu_;
  std::condition_variable* cv_ = new std::condition_variable();  // never deleted: see ChildAfterFork
  std::unordered_map<size_t, std::vector<Cached>> free_;
  size_t cached_ = 0;
  size_t cached_buffers_ = 0;
  uint64_t reused_ = 0;
  uint64_t mapped_ = 0;
  bool sweeper_running_ = false;
  Clock::duration idle_limit_ = std::chrono::seconds(10);
};

Pool& ThePool() {
  // Never destroyed: buffers may be freed by other objects' destructors at
  // exit, and the detached sweeper may still be waiting on it.
  static Pool* pool = [] {
    auto* p = new Pool();
    ::pthread_atfork([] { ThePool().PrepareFork(); }, [] { ThePool().ParentAfterFork(); },
                     [] { ThePool().ChildAfterFork(); });
    return p;
  }();
  return *pool;
}

}  // namespace

void* PoolAllocate(size_t bytes) {
  if (bytes < kPoolMinBytes) return ::operator new(bytes);
  return ThePool().Allocate(bytes);
}

void PoolFree(void* p, size_t bytes) noexcept {
  if (p == nullptr) return;
  if (bytes < kPoolMinBytes) {
    ::operator delete(p);
    return;
  }
  ThePool().Free(p, bytes);
}

PoolStats GetPoolStats() { return ThePool().Stats(); }
void ReleasePoolCache() { ThePool().ReleaseAll(); }
void SetPoolIdleLimit(std::chrono::milliseconds limit) { ThePool().SetIdleLimit(limit); }

}  // namespace budget_audit::util
