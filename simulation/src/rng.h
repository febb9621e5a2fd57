#pragma once

#include <cstdint>

namespace cityops::simulation::detail {

//! One splitmix64 step: advances state and returns a well-mixed 64-bit value.
inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

//! Stateless 64-bit mix of a key: the same key always gives the same value on every platform.
inline std::uint64_t mix64(std::uint64_t key) {
    std::uint64_t state = key;
    return splitmix64(state);
}

//! Maps 64 random bits to a double in [0, 1) using the top 53 bits (exact, platform-independent).
inline double toUnit(std::uint64_t bits) {
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

//! xoshiro256** seeded through splitmix64. Our own generator and distributions, never std::
//! distributions, so that generated cities and streams are byte-identical on every standard library.
class Rng {
public:
    explicit Rng(std::uint64_t seed) {
        for (std::uint64_t& word : m_s) {
            word = splitmix64(seed);
        }
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    //! Uniform in [0, 1).
    double uniform() { return toUnit(next()); }
    //! Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    //! Uniform integer in [0, n) (n > 0); the modulo bias is negligible for the small n we use.
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }
    //! Approximately normal (Irwin–Hall sum of 12 uniforms): bounded to ±6σ, uses no libm.
    double normal(double mean, double sigma) {
        double sum = 0.0;
        for (int i = 0; i < 12; ++i) {
            sum += uniform();
        }
        return mean + sigma * (sum - 6.0);
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    std::uint64_t m_s[4] = {};
};

//! Cheap bounded noise from a hash: approximately normal with unit variance, always within ±3.47.
//! Four uniforms from one 64-bit value (16 bits each), so the hot path needs a single mix.
inline double hashNoise(std::uint64_t key) {
    const std::uint64_t bits = mix64(key);
    double sum = 0.0;
    for (int i = 0; i < 4; ++i) {
        sum += static_cast<double>((bits >> (16 * i)) & 0xffffU) * (1.0 / 65536.0);
    }
    constexpr double kSqrt3 = 1.7320508075688772;
    return (sum - 2.0) * kSqrt3;
}

}  // namespace cityops::simulation::detail
