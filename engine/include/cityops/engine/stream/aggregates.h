#pragma once

// Incremental, mergeable aggregate functions for WindowOperator. Each has
//   using Accumulator, Result;  createAccumulator(); add(acc, double); merge(acc, other); getResult(acc);
//   name()
// Accumulators are trivially copyable and fixed-size (they live inline in window slots, are
// reused without allocation and checkpoint as raw bytes). Inputs are expected to be finite (the
// engine rejects NaN/±Inf at ingestion); Stats and the percentile sketch skip non-finite values and
// count them. aggregateOf(agg, extract) adapts an aggregate over double to any record type.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "cityops/engine/stream/window_sketch.h"

namespace cityops::engine::stream {

//! Number of values.
struct CountAggregate {
    using Accumulator = std::uint64_t;
    using Result = std::uint64_t;
    Accumulator createAccumulator() const { return 0; }
    template <class T>
    void add(Accumulator& acc, const T&) const {
        ++acc;
    }
    void merge(Accumulator& acc, const Accumulator& other) const { acc += other; }
    Result getResult(const Accumulator& acc) const { return acc; }
    std::string name() const { return "count"; }
};

//! Sum of values.
struct SumAggregate {
    using Accumulator = double;
    using Result = double;
    Accumulator createAccumulator() const { return 0.0; }
    void add(Accumulator& acc, double v) const { acc += v; }
    void merge(Accumulator& acc, const Accumulator& other) const { acc += other; }
    Result getResult(const Accumulator& acc) const { return acc; }
    std::string name() const { return "sum"; }
};

//! Arithmetic mean (NaN for an empty window, which never fires).
struct AvgAggregate {
    struct Accumulator {
        double sum = 0.0;
        std::uint64_t count = 0;
    };
    using Result = double;
    Accumulator createAccumulator() const { return {}; }
    void add(Accumulator& acc, double v) const {
        acc.sum += v;
        ++acc.count;
    }
    void merge(Accumulator& acc, const Accumulator& other) const {
        acc.sum += other.sum;
        acc.count += other.count;
    }
    Result getResult(const Accumulator& acc) const {
        return acc.count == 0 ? std::numeric_limits<double>::quiet_NaN() : acc.sum / static_cast<double>(acc.count);
    }
    std::string name() const { return "avg"; }
};

//! Minimum.
struct MinAggregate {
    using Accumulator = double;
    using Result = double;
    Accumulator createAccumulator() const { return std::numeric_limits<double>::infinity(); }
    void add(Accumulator& acc, double v) const { acc = std::min(acc, v); }
    void merge(Accumulator& acc, const Accumulator& other) const { acc = std::min(acc, other); }
    Result getResult(const Accumulator& acc) const { return acc; }
    std::string name() const { return "min"; }
};

//! Maximum.
struct MaxAggregate {
    using Accumulator = double;
    using Result = double;
    Accumulator createAccumulator() const { return -std::numeric_limits<double>::infinity(); }
    void add(Accumulator& acc, double v) const { acc = std::max(acc, v); }
    void merge(Accumulator& acc, const Accumulator& other) const { acc = std::max(acc, other); }
    Result getResult(const Accumulator& acc) const { return acc; }
    std::string name() const { return "max"; }
};

//! Welford's running mean and M2, merged with Chan et al.'s parallel formula.
struct Welford {
    std::uint64_t count = 0;
    double mean = 0.0;
    double m2 = 0.0;

    void add(double v) {
        ++count;
        const double delta = v - mean;
        mean += delta / static_cast<double>(count);
        m2 += delta * (v - mean);
    }
    void merge(const Welford& o) {
        if (o.count == 0) {
            return;
        }
        if (count == 0) {
            *this = o;
            return;
        }
        const double n = static_cast<double>(count + o.count);
        const double delta = o.mean - mean;
        mean += delta * static_cast<double>(o.count) / n;
        m2 += o.m2 + delta * delta * static_cast<double>(count) * static_cast<double>(o.count) / n;
        count += o.count;
    }
    //! Population variance (÷n); 0 for fewer than 1 value.
    double populationVariance() const { return count < 1 ? 0.0 : m2 / static_cast<double>(count); }
    //! Sample variance (÷(n−1)); 0 for fewer than 2 values.
    double sampleVariance() const { return count < 2 ? 0.0 : m2 / static_cast<double>(count - 1); }
};

//! Which standard deviation.
enum class StdDevKind { Sample, Population };

//! Standard deviation (Welford, numerically stable, mergeable).
struct StdDevAggregate {
    using Accumulator = Welford;
    using Result = double;
    StdDevKind kind = StdDevKind::Sample;
    Accumulator createAccumulator() const { return {}; }
    void add(Accumulator& acc, double v) const { acc.add(v); }
    void merge(Accumulator& acc, const Accumulator& other) const { acc.merge(other); }
    Result getResult(const Accumulator& acc) const {
        return std::sqrt(kind == StdDevKind::Sample ? acc.sampleVariance() : acc.populationVariance());
    }
    std::string name() const { return kind == StdDevKind::Sample ? "stddev" : "stddev_pop"; }
};

//! One approximate quantile (relative error PercentileSketch<>::kRelativeAccuracy).
struct PercentileAggregate {
    using Accumulator = PercentileSketch<>;
    using Result = double;
    double q = 0.5;
    Accumulator createAccumulator() const { return {}; }
    void add(Accumulator& acc, double v) const { acc.add(v); }
    void merge(Accumulator& acc, const Accumulator& other) const { acc.merge(other); }
    Result getResult(const Accumulator& acc) const { return acc.quantile(q); }
    std::string name() const { return "p" + std::to_string(static_cast<int>(std::lround(q * 100.0))); }
};

//! The Real-time Aggregation job's per-window summary.
struct Stats {
    std::uint64_t count = 0;  //!< finite values aggregated
    double sum = 0.0;
    double min = 0.0;
    double max = 0.0;
    double avg = 0.0;
    double stddev = 0.0;            //!< sample standard deviation
    double stddevPopulation = 0.0;  //!< population standard deviation
    double p50 = 0.0;               //!< approximate, ±2 % relative
    double p95 = 0.0;
    double p99 = 0.0;
    std::uint64_t ignored = 0;  //!< NaN / ±Inf inputs skipped
};

//! count, sum, min, max, avg, stddev and p50/p95/p99 in one accumulator (~900 bytes).
struct StatsAggregate {
    struct Accumulator {
        double sum = 0.0;
        double min = std::numeric_limits<double>::infinity();
        double max = -std::numeric_limits<double>::infinity();
        Welford welford;
        PercentileSketch<> sketch;
    };
    using Result = Stats;

    Accumulator createAccumulator() const { return {}; }
    void add(Accumulator& acc, double v) const {
        if (!std::isfinite(v)) {
            acc.sketch.add(v);  // counted as ignored
            return;
        }
        acc.sum += v;
        acc.min = std::min(acc.min, v);
        acc.max = std::max(acc.max, v);
        acc.welford.add(v);
        acc.sketch.add(v);
    }
    void merge(Accumulator& acc, const Accumulator& other) const {
        acc.sum += other.sum;
        acc.min = std::min(acc.min, other.min);
        acc.max = std::max(acc.max, other.max);
        acc.welford.merge(other.welford);
        acc.sketch.merge(other.sketch);
    }
    Result getResult(const Accumulator& acc) const {
        Stats s;
        s.count = acc.welford.count;
        s.ignored = acc.sketch.ignored();
        if (s.count == 0) {
            return s;
        }
        s.sum = acc.sum;
        s.min = acc.min;
        s.max = acc.max;
        s.avg = acc.welford.mean;
        s.stddev = std::sqrt(acc.welford.sampleVariance());
        s.stddevPopulation = std::sqrt(acc.welford.populationVariance());
        // Clamp the sketch's bucket values into the exact range.
        s.p50 = std::clamp(acc.sketch.quantile(0.50), s.min, s.max);
        s.p95 = std::clamp(acc.sketch.quantile(0.95), s.min, s.max);
        s.p99 = std::clamp(acc.sketch.quantile(0.99), s.min, s.max);
        return s;
    }
    std::string name() const { return "stats"; }
};

//! An aggregate over double applied to records: extract(record) gives the value.
template <class Agg, class Extract>
struct MappedAggregate {
    using Accumulator = typename Agg::Accumulator;
    using Result = typename Agg::Result;
    Agg agg;
    Extract extract;
    Accumulator createAccumulator() const { return agg.createAccumulator(); }
    template <class T>
    void add(Accumulator& acc, const T& record) const {
        agg.add(acc, extract(record));
    }
    void merge(Accumulator& acc, const Accumulator& other) const { agg.merge(acc, other); }
    Result getResult(const Accumulator& acc) const { return agg.getResult(acc); }
    std::string name() const { return agg.name(); }
};

//! aggregateOf(StatsAggregate{}, [](const Reading& r) { return r.value; })
template <class Agg, class Extract>
MappedAggregate<Agg, Extract> aggregateOf(Agg agg, Extract extract) {
    return MappedAggregate<Agg, Extract>{std::move(agg), std::move(extract)};
}

}  // namespace cityops::engine::stream
