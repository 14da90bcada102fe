// A process-wide cache of large buffers for decoded columns.
//
// Why: a reader decodes every month file into new column buffers (a few
// hundred KiB each) that live until the caller drops them (an Arrow table,
// a DataFrame), often on another thread than the one that decoded them.
// With glibc's malloc such buffers are fresh mappings or trimmed arena tops:
// each read touched its memory for the first time, 4 KiB page fault by page
// fault, and returned it to the kernel when freed (measured on a 1M-record
// load(): ~40 % of the decode's time in the kernel). Reusing the pages
// removes that cost, as jemalloc does for pyarrow.
//
// What: buffers of at least kPoolMinBytes are mappings in size classes a
// quarter of a power of two apart (at most 25 % unused). A freed buffer is
// kept in its class for the next request while the cache holds less than
// its budget (1/16 of physical memory, at least 64 MiB, at most 1 GiB); a
// thread of the pool, running only while the cache is not empty, unmaps the
// buffers left unused for 10 s. Smaller buffers are ordinary operator new.
// Thread-safe (one mutex, a few operations per decoded column), fork-safe
// (pthread_atfork), and under AddressSanitizer a cached buffer is poisoned
// until it is handed out again.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

namespace budget_audit::util {

inline constexpr size_t kPoolMinBytes = 128 * 1024;

// Throws std::bad_alloc when no memory can be had.
void* PoolAllocate(size_t bytes);
// `bytes` as given to PoolAllocate for `p`.
void PoolFree(void* p, size_t bytes) noexcept;

struct PoolStats {
  size_t cached_bytes = 0;  // kept for reuse now
  size_t cached_buffers = 0;
  uint64_t reused = 0;  // requests served from the cache
  uint64_t mapped = 0;  // requests that mapped new memory
};
PoolStats GetPoolStats();
// Unmaps every cached buffer now (tests; a caller about to idle for long).
void ReleasePoolCache();
// How long a cached buffer may stay unused (10 s; tests shorten it).
void SetPoolIdleLimit(std::chrono::milliseconds limit);

template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() noexcept = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}
  T* allocate(size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(PoolAllocate(n * sizeof(T)));
  }
  void deallocate(T* p, size_t n) noexcept { PoolFree(p, n * sizeof(T)); }
  friend bool operator==(const PoolAllocator&, const PoolAllocator&) noexcept { return true; }
};

// A std::vector whose large buffers come from the pool.
template <class T>
using PoolVector = std::vector<T, PoolAllocator<T>>;

// Equal elements, whichever allocator (found by argument-dependent lookup).
template <class T>
bool operator==(const PoolVector<T>& a, const std::vector<T>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

}  // namespace budget_audit::util
