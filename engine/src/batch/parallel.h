#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace cityops::engine::batch::detail {

//! Runs fn(i) for i in [0, count) on up to `threads` threads (the caller's included); tasks are taken
//! in order from a shared counter. The first exception thrown by any task is rethrown after all join.
template <typename Fn>
void parallelFor(std::size_t count, unsigned threads, Fn&& fn) {
    const std::size_t workers = std::max<std::size_t>(1, std::min<std::size_t>(threads, count));
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto run = [&] {
        for (std::size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) {
            try {
                fn(i);
            } catch (...) {
                const std::lock_guard lock(failureMutex);
                if (!failure) failure = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(run);
    run();
    for (std::thread& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
}

//! Threads used by default: both cores of the target machine, fewer if the hardware has fewer.
inline unsigned defaultThreads() {
    return std::clamp(std::thread::hardware_concurrency(), 1U, 2U);
}

}  // namespace cityops::engine::batch::detail
