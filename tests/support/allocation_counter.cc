#include "allocation_counter.h"

#include <doctest/doctest.h>
#include <execinfo.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HNN_ASAN_BUILD 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(HNN_ASAN_BUILD)
#include <sanitizer/allocator_interface.h>
#endif

#include <cstddef>
#include <cstdlib>

extern "C" {
void* __libc_malloc(std::size_t size);
void* __libc_calloc(std::size_t count, std::size_t size);
void* __libc_realloc(void* pointer, std::size_t size);
void* __libc_memalign(std::size_t alignment, std::size_t size);
void __libc_free(void* pointer);
}

namespace hnn::testing {
std::atomic<bool> counting{true};
std::atomic<long> allocations{0};
}  // namespace hnn::testing

namespace {

const bool trace = std::getenv("HNN_ALLOCATION_TRACE") != nullptr;

void count() {
  using hnn::testing::counting;
  if (!counting.load(std::memory_order_relaxed)) return;
  hnn::testing::allocations.fetch_add(1, std::memory_order_relaxed);
  if (trace) {
    counting = false;  // backtrace() may allocate on its first call
    void* frames[16];
    const int depth = backtrace(frames, 16);
    backtrace_symbols_fd(frames, depth, STDERR_FILENO);
    if (write(STDERR_FILENO, "--\n", 3) < 0) return;
    counting = true;
  }
}

}  // namespace

#if defined(__SANITIZE_ADDRESS__) || defined(HNN_ASAN_BUILD)
// AddressSanitizer replaces the allocator itself (scripts/sanitize): count through its
// hook, which sees every malloc, calloc, realloc, aligned allocation and operator new.
namespace {
[[maybe_unused]] const int hook_installed = __sanitizer_install_malloc_and_free_hooks(
    [](const volatile void*, std::size_t) { count(); }, [](const volatile void*) {});
}  // namespace
#else
extern "C" {
void* malloc(std::size_t size) {
  count();
  return __libc_malloc(size);
}
void* calloc(std::size_t count_, std::size_t size) {
  count();
  return __libc_calloc(count_, size);
}
void* realloc(void* pointer, std::size_t size) {
  count();
  return __libc_realloc(pointer, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  count();
  return __libc_memalign(alignment, size);
}
int posix_memalign(void** result, std::size_t alignment, std::size_t size) {
  count();
  void* pointer = __libc_memalign(alignment, size);
  if (pointer == nullptr) return 12;  // ENOMEM
  *result = pointer;
  return 0;
}
void free(void* pointer) { __libc_free(pointer); }
}
#endif

// Every test binary that links the counter checks that it is the allocator in use.
TEST_CASE("the allocation counter sees Eigen's allocations") {
  using hnn::testing::allocations;
  using hnn::testing::counting;
  counting = true;
  allocations = 0;
  Eigen::MatrixXd m = Eigen::MatrixXd::Random(40, 40);
  counting = false;
  CHECK(allocations.load() >= 1);
  CHECK(m.size() == 1600);
}
