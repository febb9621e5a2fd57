#include "co2_rule.h"

#include <algorithm>
#include <limits>

namespace cityops::engine::detail {

namespace {

//! Critical when the largest matched value reaches this multiple of the threshold.
constexpr double kCriticalFactor = 1.5;

}  // namespace

Co2Rule::Co2Rule(double thresholdPpm, int times, std::int64_t withinMs)
    : m_threshold(thresholdPpm),
      m_times(static_cast<std::uint32_t>(std::clamp(times, 1, 255))),
      m_withinMs(withinMs),
      m_horizonMs(std::numeric_limits<std::int64_t>::min()) {}

bool Co2Rule::later(const Pending& a, const Pending& b) {
    if (a.eventTimeMs != b.eventTimeMs) {
        return a.eventTimeMs > b.eventTimeMs;
    }
    if (a.sensorId != b.sensorId) {
        return a.sensorId > b.sensorId;
    }
    if (a.seq != b.seq) {
        return a.seq > b.seq;
    }
    return a.value > b.value;
}

void Co2Rule::add(const Reading& reading) {
    if (!(reading.value > m_threshold)) {
        return;
    }
    m_heap.push_back(Pending{reading.eventTimeMs, reading.seq, reading.value, reading.sensorId, reading.locationId});
    std::push_heap(m_heap.begin(), m_heap.end(), later);
}

void Co2Rule::advance(std::int64_t watermarkMs, std::vector<Alert>& out) {
    if (watermarkMs <= m_horizonMs) {
        return;
    }
    m_horizonMs = watermarkMs;
    while (!m_heap.empty() && m_heap.front().eventTimeMs < watermarkMs) {
        std::pop_heap(m_heap.begin(), m_heap.end(), later);
        const Pending reading = m_heap.back();
        m_heap.pop_back();
        evaluate(reading, out);
    }
}

void Co2Rule::evaluate(const Pending& reading, std::vector<Alert>& out) {
    const auto next = static_cast<std::uint32_t>(m_states.size());
    const std::uint32_t index = m_stateIndex.findOrInsert(reading.sensorId, next);
    if (index == next) {
        m_states.emplace_back();
        m_ring.resize(m_ring.size() + m_times);
    }
    MatchState& state = m_states[index];
    Matched* ring = m_ring.data() + std::size_t{index} * m_times;

    // Partial matches whose first reading is m_withinMs or more before this one have timed out.
    while (state.count > 0 && reading.eventTimeMs - ring[state.head].eventTimeMs >= m_withinMs) {
        state.head = (state.head + 1) % m_times;
        --state.count;
    }
    ring[(state.head + state.count) % m_times] = Matched{reading.eventTimeMs, reading.value};
    ++state.count;
    if (state.count < m_times) {
        return;
    }

    double maxValue = ring[state.head].value;
    for (std::uint32_t i = 1; i < m_times; ++i) {
        maxValue = std::max(maxValue, ring[(state.head + i) % m_times].value);
    }
    Alert alert;
    alert.firstEventMs = ring[state.head].eventTimeMs;
    alert.eventTimeMs = reading.eventTimeMs;
    alert.value = maxValue;
    alert.sensorId = reading.sensorId;
    alert.locationId = reading.locationId;
    alert.rule = AlertRule::Co2High;
    alert.severity = maxValue >= kCriticalFactor * m_threshold ? Severity::Critical : Severity::Warning;
    alert.matchedCount = static_cast<std::uint8_t>(m_times);
    alert.id = makeAlertId(alert.rule, reading.sensorId, alert.firstEventMs);
    out.push_back(alert);
    // AfterMatchSkipStrategy SKIP_PAST_LAST_EVENT: the next match starts after this one's last reading.
    state.head = 0;
    state.count = 0;
}

}  // namespace cityops::engine::detail
