#include "approx_quantile.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace cityops::engine::batch::detail {

void TDigest::add(double value) {
    if (m_total == 0.0 && m_buffer.empty()) m_min = m_max = value;
    m_min = std::min(m_min, value);
    m_max = std::max(m_max, value);
    m_buffer.push_back(value);
    if (m_buffer.size() >= static_cast<std::size_t>(m_compression) * 20) compress();
}

void TDigest::compress() {
    if (m_buffer.empty()) return;
    std::vector<Centroid> all = std::move(m_centroids);
    for (const double v : m_buffer) all.push_back(Centroid{v, 1.0});
    m_total += static_cast<double>(m_buffer.size());
    m_buffer.clear();
    std::sort(all.begin(), all.end(), [](const Centroid& a, const Centroid& b) { return a.mean < b.mean; });
    const double scale = m_compression / (2.0 * std::numbers::pi);
    auto k = [scale](double q) { return scale * std::asin(2.0 * std::clamp(q, 0.0, 1.0) - 1.0); };
    auto kInverse = [scale](double value) {
        return (std::sin(std::clamp(value / scale, -std::numbers::pi / 2, std::numbers::pi / 2)) + 1.0) / 2.0;
    };
    m_centroids.clear();
    Centroid current = all.front();
    double q0 = 0.0;
    double qLimit = kInverse(k(q0) + 1.0);
    for (std::size_t i = 1; i < all.size(); ++i) {
        const Centroid& next = all[i];
        if (q0 + (current.weight + next.weight) / m_total <= qLimit) {
            current.mean += (next.mean - current.mean) * next.weight / (current.weight + next.weight);
            current.weight += next.weight;
        } else {
            q0 += current.weight / m_total;
            qLimit = kInverse(k(q0) + 1.0);
            m_centroids.push_back(current);
            current = next;
        }
    }
    m_centroids.push_back(current);
}

double TDigest::quantile(double q) {
    compress();
    if (m_centroids.empty()) return std::numeric_limits<double>::quiet_NaN();
    if (m_centroids.size() == 1) return m_centroids.front().mean;
    const double target = std::clamp(q, 0.0, 1.0) * m_total;
    double cumulative = 0.0;
    double previousCentre = 0.0;
    double previousMean = m_min;
    for (const Centroid& c : m_centroids) {
        const double centre = cumulative + c.weight / 2.0;
        if (target < centre) {
            const double span = centre - previousCentre;
            const double t = span > 0.0 ? (target - previousCentre) / span : 0.0;
            return previousMean + (c.mean - previousMean) * t;
        }
        cumulative += c.weight;
        previousCentre = centre;
        previousMean = c.mean;
    }
    const double span = m_total - previousCentre;
    const double t = span > 0.0 ? (target - previousCentre) / span : 1.0;
    return previousMean + (m_max - previousMean) * std::clamp(t, 0.0, 1.0);
}

}  // namespace cityops::engine::batch::detail
