#pragma once

// Log-bucketed latency histogram of the stream runtime: one writer (the coordinator thread records a
// sample per delivered batch, weighted by its record count), any number of concurrent readers.

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace cityops::engine::stream {

//! Percentiles of a latency distribution in milliseconds.
struct LatencySummary {
    std::uint64_t samples = 0;  //!< records counted (a batch adds its record count)
    double p50Ms = 0.0;
    double p99Ms = 0.0;
    double maxMs = 0.0;
};

//! Microsecond latencies in buckets of 1/8 of a power of two (≤ 12.5 % relative error), exact below
//! 16 µs, up to 2^42 µs (about 50 days; larger values land in the last bucket). record() is for one writer thread; summary() may run concurrently on any thread
//! (relaxed atomics: a reader sees each bucket's count of some recent moment).
class LatencyHistogram {
public:
    static constexpr int kSubBits = 3;
    static constexpr int kSub = 1 << kSubBits;
    static constexpr int kBuckets = kSub * 2 + kSub * 38;

    //! Adds `count` records that took `micros` microseconds.
    void record(std::uint64_t micros, std::uint64_t count = 1) {
        if (count == 0) {
            return;
        }
        auto& bucket = m_buckets[static_cast<std::size_t>(indexOf(micros))];
        bucket.store(bucket.load(std::memory_order_relaxed) + count, std::memory_order_relaxed);
        m_total.store(m_total.load(std::memory_order_relaxed) + count, std::memory_order_relaxed);
        if (micros > m_max.load(std::memory_order_relaxed)) {
            m_max.store(micros, std::memory_order_relaxed);
        }
    }

    //! The upper bound (µs) of the bucket holding quantile q (0..1) of the recorded records.
    std::uint64_t quantileMicros(double q) const {
        std::array<std::uint64_t, kBuckets> counts{};
        std::uint64_t total = 0;
        for (int i = 0; i < kBuckets; ++i) {
            counts[static_cast<std::size_t>(i)] = m_buckets[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
            total += counts[static_cast<std::size_t>(i)];
        }
        if (total == 0) {
            return 0;
        }
        auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total));
        rank = rank >= total ? total - 1 : rank;
        std::uint64_t seen = 0;
        for (int i = 0; i < kBuckets; ++i) {
            seen += counts[static_cast<std::size_t>(i)];
            if (seen > rank) {
                return upperBound(i);
            }
        }
        return upperBound(kBuckets - 1);
    }

    LatencySummary summary() const {
        LatencySummary s;
        s.samples = m_total.load(std::memory_order_relaxed);
        s.p50Ms = static_cast<double>(quantileMicros(0.50)) / 1000.0;
        s.p99Ms = static_cast<double>(quantileMicros(0.99)) / 1000.0;
        s.maxMs = static_cast<double>(m_max.load(std::memory_order_relaxed)) / 1000.0;
        return s;
    }

    //! Bucket of a value: exact below 2·kSub, then kSub buckets per power of two.
    static int indexOf(std::uint64_t micros) {
        if (micros < 2 * kSub) {
            return static_cast<int>(micros);
        }
        const int exponent = std::bit_width(micros) - 1;  // >= kSubBits + 1
        const int sub = static_cast<int>((micros >> (exponent - kSubBits)) & (kSub - 1));
        const int index = 2 * kSub + (exponent - kSubBits - 1) * kSub + sub;
        return index < kBuckets ? index : kBuckets - 1;
    }
    //! Largest value that falls in bucket i.
    static std::uint64_t upperBound(int i) {
        if (i < 2 * kSub) {
            return static_cast<std::uint64_t>(i);
        }
        const int exponent = (i - 2 * kSub) / kSub + kSubBits + 1;
        const auto sub = static_cast<std::uint64_t>((i - 2 * kSub) % kSub);
        const std::uint64_t base = (std::uint64_t{1} << exponent) + (sub << (exponent - kSubBits));
        return base + (std::uint64_t{1} << (exponent - kSubBits)) - 1;
    }

private:
    std::array<std::atomic<std::uint64_t>, kBuckets> m_buckets{};
    std::atomic<std::uint64_t> m_total{0};
    std::atomic<std::uint64_t> m_max{0};
};

}  // namespace cityops::engine::stream
