// Emergency kinds: an emergency sensor's report of a fire, gas leak, accident or flooding raises
// that type's alert (the type is the first decimal of the severity value, emergency_code.h).
#include <memory>
#include <unordered_map>

#include "cityops/engine/emergency_code.h"
#include "cityops/engine/stream/city_jobs.h"
#include "jobs_support.h"

namespace cityops::engine::stream {

namespace {

struct EmergencyState {
    TimeMs since = 0;         //!< event time of the first report of the current event
    std::uint8_t code = 0;    //!< EmergencyCode of the current event, 0 = quiet
    std::uint8_t alerted = 0;
    std::uint8_t unused[6] = {};  //!< explicit padding: snapshots hold no indeterminate bytes
};
static_assert(sizeof(EmergencyState) == 16, "EmergencyState must have no padding");

bool ruleOf(EmergencyCode code, AlertRule& rule) {
    switch (code) {
        case EmergencyCode::Fire: rule = AlertRule::EmergencyFire; return true;
        case EmergencyCode::GasLeak: rule = AlertRule::EmergencyGasLeak; return true;
        case EmergencyCode::Accident: rule = AlertRule::EmergencyAccident; return true;
        case EmergencyCode::Flooding: rule = AlertRule::EmergencyFlooding; return true;
        case EmergencyCode::None:
        case EmergencyCode::AirQuality: return false;
    }
    return false;
}

class EmergencyKindOperator final : public KeyedOperator<Reading, Alert> {
public:
    explicit EmergencyKindOperator(EmergencyKindConfig config) : m_config(config) {}

    void processElement(Key key, const Reading& r, TimeMs eventTime, Collector<Alert>& out) override {
        if (r.metric != Metric::EmergencySeverity) {
            return;
        }
        ++m_counters.recordsIn;
        EmergencyState& s = m_state[key];
        const int severity = emergencySeverity(r.value);
        const EmergencyCode code = emergencyCodeOf(r.value);
        AlertRule rule = AlertRule::EmergencyFire;
        if (severity < m_config.minSeverity || !ruleOf(code, rule)) {
            if (severity == 0) {
                s = EmergencyState{};  // quiet again: the next report is a new event
            }
            return;
        }
        if (s.code != static_cast<std::uint8_t>(code)) {
            s = EmergencyState{};
            s.code = static_cast<std::uint8_t>(code);
            s.since = eventTime;
        }
        if (s.alerted != 0) {
            return;
        }
        s.alerted = 1;
        ++m_counters.recordsOut;
        const Severity level = severity >= 4 ? Severity::Critical : Severity::Warning;
        out.collect(key,
                    jobs_detail::makeAlert(rule, r.sensorId, s.since, eventTime, severity, r.sensorId, r.locationId,
                                           level, 1),
                    eventTime);
    }

    void onWatermark(TimeMs, Collector<Alert>&) override {}

    void snapshot(StateWriter& writer) const override {
        writer.put<std::uint32_t>(0x454d4b31);  // "EMK1"
        writer.put<std::uint64_t>(m_state.size());
        for (const Key key : jobs_detail::sortedKeys(m_state)) {
            writer.put<Key>(key);
            writer.put<EmergencyState>(m_state.at(key));
        }
    }

    bool restore(StateReader& reader, const KeyFilter& filter) override {
        if (reader.get<std::uint32_t>() != 0x454d4b31) {
            return false;
        }
        const auto n = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < n && !reader.failed(); ++i) {
            const Key key = reader.get<Key>();
            const EmergencyState state = reader.get<EmergencyState>();
            if (filter.owns(key)) {
                m_state[key] = state;
            }
        }
        return !reader.failed();
    }

    std::size_t stateBytes() const override { return m_state.size() * (sizeof(EmergencyState) + 32); }
    OperatorCounters counters() const override { return m_counters; }
    std::string name() const override { return "rule(emergency kinds)"; }

private:
    EmergencyKindConfig m_config;
    std::unordered_map<Key, EmergencyState> m_state;
    OperatorCounters m_counters;
};

}  // namespace

std::unique_ptr<KeyedOperator<Reading, Alert>> makeEmergencyKindOperator(const EmergencyKindConfig& config) {
    return std::make_unique<EmergencyKindOperator>(config);
}

}  // namespace cityops::engine::stream
