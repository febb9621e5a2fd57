// The series operators of Real-time Aggregation: sequence-window dedup and the 48-byte summary.
#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

#include "cityops/engine/stream/city_jobs.h"
#include "cityops/engine/stream/window_flat_map.h"

namespace cityops::engine::stream {

// ── Sequence dedup ───────────────────────────────────────────────────────────────────────────────

struct SequenceDedupState::Impl {
    detail::FlatMap<Key, Series> series;  //!< (key << 4 | stream) → window
};

bool SequenceDedupState::admit(Key key, std::uint8_t stream, std::uint64_t seq, TimeMs eventTime) {
    if (!m_impl) {
        m_impl = std::make_shared<Impl>();
    }
    bool inserted = false;
    const std::uint32_t idx = m_impl->series.findOrInsert((key << 4) | (stream & 0x0fu), inserted);
    Series& s = m_impl->series.valueAt(idx);
    if (inserted) {
        s = Series{seq, 1, eventTime, key};
        return true;
    }
    s.lastTime = std::max(s.lastTime, eventTime);
    if (seq > s.maxSeq) {
        const std::uint64_t shift = seq - s.maxSeq;
        s.bitmap = shift >= 64 ? 1 : (s.bitmap << shift) | 1;
        s.maxSeq = seq;
        return true;
    }
    const std::uint64_t back = s.maxSeq - seq;
    if (back >= 64) {
        ++m_tooOld;
        return true;
    }
    const std::uint64_t bit = std::uint64_t{1} << back;
    if ((s.bitmap & bit) != 0) {
        ++m_duplicates;
        return false;
    }
    s.bitmap |= bit;
    return true;
}

void SequenceDedupState::prefetch(Key key, std::uint8_t stream) const {
    if (m_impl && m_impl->series.size() >= detail::kPrefetchAboveEntries) {
        m_impl->series.prefetch((key << 4) | (stream & 0x0fu));
    }
}

void SequenceDedupState::advanceWatermark(TimeMs watermark) {
    if (!m_impl || watermark == kEndOfTime || m_ttlMs <= 0) {
        return;
    }
    if (m_lastSweep != kNoWatermark && watermark - m_lastSweep < m_ttlMs / 4) {
        return;
    }
    m_lastSweep = watermark;
    auto& map = m_impl->series;
    for (std::uint32_t i = 0; i < map.entryLimit(); ++i) {
        if (map.liveAt(i) && map.valueAt(i).lastTime < watermark - m_ttlMs) {
            map.eraseAt(i);
        }
    }
}

void SequenceDedupState::snapshot(StateWriter& writer) const {
    writer.put<std::uint32_t>(0x53514431);  // "SQD1"
    writer.put<TimeMs>(m_lastSweep);
    writer.put<std::uint64_t>(m_impl ? m_impl->series.size() : 0);
    if (m_impl) {
        m_impl->series.forEach([&](Key k, const Series& s) {
            writer.put<Key>(k);
            writer.put<Series>(s);
        });
    }
}

bool SequenceDedupState::restore(StateReader& reader, const KeyFilter& filter) {
    if (reader.get<std::uint32_t>() != 0x53514431) {
        return false;
    }
    m_lastSweep = std::max(m_lastSweep, reader.get<TimeMs>());
    const auto n = reader.get<std::uint64_t>();
    if (!m_impl) {
        m_impl = std::make_shared<Impl>();
    }
    for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
        const Key k = reader.get<Key>();
        const Series s = reader.get<Series>();
        if (!reader.failed() && filter.owns(s.key)) {
            bool inserted = false;
            m_impl->series.valueAt(m_impl->series.findOrInsert(k, inserted)) = s;
        }
    }
    return !reader.failed();
}

std::size_t SequenceDedupState::stateBytes() const { return m_impl ? m_impl->series.memoryBytes() : 0; }

void SeriesStatsAggregate::add(Accumulator& acc, double v) const {
    if (!std::isfinite(v)) {
        return;
    }
    if (acc.welford.count == 0) {
        acc.min = v;
        acc.max = v;
    } else {
        acc.min = std::min(acc.min, v);
        acc.max = std::max(acc.max, v);
    }
    acc.sum += v;
    acc.welford.add(v);
}

void SeriesStatsAggregate::merge(Accumulator& acc, const Accumulator& other) const {
    if (other.welford.count == 0) {
        return;
    }
    if (acc.welford.count == 0) {
        acc = other;
        return;
    }
    acc.sum += other.sum;
    acc.min = std::min(acc.min, other.min);
    acc.max = std::max(acc.max, other.max);
    acc.welford.merge(other.welford);
}

Stats SeriesStatsAggregate::getResult(const Accumulator& acc) const {
    Stats s;
    s.count = acc.welford.count;
    s.sum = acc.sum;
    s.min = acc.min;
    s.max = acc.max;
    s.avg = acc.welford.count == 0 ? 0.0 : acc.welford.mean;
    s.stddev = std::sqrt(acc.welford.sampleVariance());
    s.stddevPopulation = std::sqrt(acc.welford.populationVariance());
    s.p50 = s.p95 = s.p99 = std::numeric_limits<double>::quiet_NaN();
    return s;
}

}  // namespace cityops::engine::stream
