#pragma once

// A mergeable quantile sketch with a bounded, fixed size (DDSketch-style logarithmic buckets,
// Masson et al., VLDB 2019). Trivially copyable and allocation-free, so it lives inline in window
// slots and checkpoints as raw bytes.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

namespace cityops::engine::stream {

namespace detail {

//! A contiguous window of kBuckets logarithmic buckets [offset, offset + kBuckets). When values
//! span more buckets than it holds, the buckets at the collapsing end are summed into the last
//! retained one: CollapseHigh = false collapses the lowest indices, true the highest.
template <std::size_t kBuckets, bool CollapseHigh>
struct SketchStore {
    // The header comes first: it shares a cache line with the owner's preceding fields.
    std::uint64_t total = 0;
    std::int32_t offset = 0;
    std::int32_t minIndex = 0;  //!< lowest non-empty index (valid when total > 0)
    std::int32_t maxIndex = 0;
    std::array<std::uint32_t, kBuckets> counts{};

    void add(std::int32_t index, std::uint32_t n = 1) {
        if (total == 0) {
            offset = index - static_cast<std::int32_t>(kBuckets / 2);
            minIndex = maxIndex = index;
        } else if (index < offset || index >= offset + static_cast<std::int32_t>(kBuckets)) {
            index = extendTo(index);
        } else {
            minIndex = std::min(minIndex, index);
            maxIndex = std::max(maxIndex, index);
        }
        counts[static_cast<std::size_t>(index - offset)] += n;
        total += n;
    }

    template <std::size_t K2, bool C2>
    void merge(const SketchStore<K2, C2>& other) {
        if (other.total == 0) {
            return;
        }
        for (std::int32_t i = other.minIndex; i <= other.maxIndex; ++i) {
            const auto c = other.counts[static_cast<std::size_t>(i - other.offset)];
            if (c != 0) {
                add(i, c);
            }
        }
    }

private:
    //! Moves the bucket window so that `index` fits, collapsing if the span is too wide. Returns
    //! the index to count the value at (clamped when it falls into the collapsed end).
    std::int32_t extendTo(std::int32_t index) {
        const std::int32_t k = static_cast<std::int32_t>(kBuckets);
        const std::int32_t lo = std::min(minIndex, index);
        const std::int32_t hi = std::max(maxIndex, index);
        std::int32_t newOffset;
        if (hi - lo < k) {
            newOffset = index < offset ? lo : hi - k + 1;
        } else {
            newOffset = CollapseHigh ? lo : hi - k + 1;
        }
        std::array<std::uint32_t, kBuckets> moved{};
        for (std::int32_t i = minIndex; i <= maxIndex; ++i) {
            const auto c = counts[static_cast<std::size_t>(i - offset)];
            if (c != 0) {
                const std::int32_t j = std::clamp(i, newOffset, newOffset + k - 1);
                moved[static_cast<std::size_t>(j - newOffset)] += c;
            }
        }
        counts = moved;
        offset = newOffset;
        minIndex = std::max(lo, newOffset);
        maxIndex = std::min(hi, newOffset + k - 1);
        return std::clamp(index, newOffset, newOffset + k - 1);
    }
};

}  // namespace detail

//! Approximate quantiles, mergeable, fixed size. quantile(q) estimates the exact rank-⌊q·(n−1)⌋
//! value x with error ≤ max(α·|x|, M·γ^(2−K)), α = kRelativeAccuracy = 2 %, γ = (1+α)/(1−α) ≈ 1.0408,
//! where M is the largest magnitude seen among values of x's sign and K that sign's bucket count
//! (PosBuckets = 128: γ^126 ≈ 154, so positive values down to M/154 keep the 2 % bound; NegBuckets
//! = 64: M/12). Smaller magnitudes are collapsed into the lowest retained bucket (DDSketch
//! "collapsing lowest"), so the large values and the high quantiles keep their accuracy. |x| < 1e-9
//! counts as zero; NaN and ±Inf are ignored (counted in ignored()). Size (Pos + Neg) × 4 + 64 bytes.
template <std::size_t PosBuckets = 128, std::size_t NegBuckets = 64>
class PercentileSketch {
public:
    static constexpr double kRelativeAccuracy = 0.02;
    static constexpr double kGamma = (1.0 + kRelativeAccuracy) / (1.0 - kRelativeAccuracy);
    static constexpr double kMinIndexable = 1e-9;
    static constexpr std::size_t kPositiveBuckets = PosBuckets;
    static constexpr std::size_t kNegativeBuckets = NegBuckets;
    //! ln(kGamma) (std::log is not constexpr; a test checks the literal).
    static constexpr double kLogGamma = 0.040005334613699206;

    void add(double x) {
        if (!std::isfinite(x)) {
            ++m_ignored;
            return;
        }
        if (x > kMinIndexable) {
            m_positive.add(indexOf(x));
        } else if (x < -kMinIndexable) {
            m_negative.add(indexOf(-x));
        } else {
            ++m_zero;
        }
    }

    void merge(const PercentileSketch& other) {
        m_positive.merge(other.m_positive);
        m_negative.merge(other.m_negative);
        m_zero += other.m_zero;
        m_ignored += other.m_ignored;
    }

    std::uint64_t count() const { return m_positive.total + m_negative.total + m_zero; }
    std::uint64_t ignored() const { return m_ignored; }

    //! The q-quantile (0 ≤ q ≤ 1), NaN when empty.
    double quantile(double q) const {
        const std::uint64_t n = count();
        if (n == 0) {
            return std::numeric_limits<double>::quiet_NaN();
        }
        q = std::clamp(q, 0.0, 1.0);
        const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(n - 1));
        std::uint64_t seen = 0;
        // Negatives, most negative first: highest magnitude index first.
        if (m_negative.total > 0) {
            for (std::int32_t i = m_negative.maxIndex; i >= m_negative.minIndex; --i) {
                seen += m_negative.counts[static_cast<std::size_t>(i - m_negative.offset)];
                if (seen > rank) {
                    return -valueOf(i);
                }
            }
        }
        seen += m_zero;
        if (seen > rank) {
            return 0.0;
        }
        for (std::int32_t i = m_positive.minIndex; i <= m_positive.maxIndex; ++i) {
            seen += m_positive.counts[static_cast<std::size_t>(i - m_positive.offset)];
            if (seen > rank) {
                return valueOf(i);
            }
        }
        return valueOf(m_positive.maxIndex);
    }

private:
    //! Bucket i holds (γ^(i−1), γ^i].
    static std::int32_t indexOf(double magnitude) {
        return static_cast<std::int32_t>(std::ceil(std::log(magnitude) * (1.0 / kLogGamma)));
    }
    //! The value that is within kRelativeAccuracy of everything in bucket i.
    static double valueOf(std::int32_t i) {
        return 2.0 * std::exp(static_cast<double>(i) * kLogGamma) / (kGamma + 1.0);
    }

    // Both stores collapse their smallest magnitudes: values near zero lose relative accuracy first.
    detail::SketchStore<PosBuckets, false> m_positive;
    detail::SketchStore<NegBuckets, false> m_negative;
    std::uint64_t m_zero = 0;
    std::uint64_t m_ignored = 0;
};

}  // namespace cityops::engine::stream
