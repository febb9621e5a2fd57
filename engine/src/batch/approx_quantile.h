#pragma once

#include <cstddef>
#include <vector>

namespace cityops::engine::batch::detail {

//! Merging t-digest (Dunning): a few hundred centroids summarise any number of values; quantile error is
//! smallest near the tails. Values are buffered and merged in batches.
class TDigest {
public:
    explicit TDigest(double compression = 200.0) : m_compression(compression) {}

    void add(double value);
    //! Estimated value at fraction q in [0, 1]; NaN when empty.
    double quantile(double q);
    std::size_t centroidCount() {
        compress();
        return m_centroids.size();
    }

private:
    struct Centroid {
        double mean;
        double weight;
    };
    void compress();

    double m_compression;
    std::vector<Centroid> m_centroids;
    std::vector<double> m_buffer;
    double m_total = 0.0;
    double m_min = 0.0;
    double m_max = 0.0;
};

}  // namespace cityops::engine::batch::detail
