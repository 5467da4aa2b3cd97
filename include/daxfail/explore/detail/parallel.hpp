// The explorer's work items on several threads. Items are independent (each
// has its own visited-state table and its own world), so any thread may take
// any item; callers put the results back in item order, which is what keeps a
// run with -j N byte-identical to -j 1.
#ifndef DAXFAIL_EXPLORE_DETAIL_PARALLEL_HPP
#define DAXFAIL_EXPLORE_DETAIL_PARALLEL_HPP

#include <daxfail/explore/detail/engine.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace daxfail::explore::detail {

/// How many threads `--jobs` means by default: the machine's cores (1 when it cannot tell).
inline unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

/// Calls `work(k, fibers)` for every k in [0, n) on up to `jobs` threads, the calling one included; each thread
/// has fibers of its own. No new item starts once `stop()` is true. The first exception any item throws is
/// rethrown once every thread has finished.
template <class Stop, class Work>
void for_each_item(std::size_t n, unsigned jobs, Stop&& stop, Work&& work) {
    std::atomic<std::size_t> next{0};
    std::atomic<bool> failed{false};
    std::exception_ptr error;
    std::mutex error_lock;
    auto loop = [&] {
        fiber_pool fibers;
        for (;;) {
            if (failed || stop()) return;
            const std::size_t k = next.fetch_add(1);
            if (k >= n) return;
            try {
                work(k, fibers);
            } catch (...) {
                const std::lock_guard<std::mutex> hold(error_lock);
                if (!error) error = std::current_exception();
                failed = true;
            }
        }
    };
    const std::size_t threads = std::min<std::size_t>(std::max(1u, jobs), n);
    std::vector<std::thread> helpers;
    for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(loop);
    loop();
    for (auto& h : helpers) h.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace daxfail::explore::detail

#endif
