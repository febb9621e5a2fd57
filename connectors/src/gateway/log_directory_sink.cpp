#include "cityops/connectors/gateway/log_directory_sink.h"

namespace cityops::connectors::gateway {

using engine::log::LogErrc;
using engine::log::Result;

LogDirectorySink::LogDirectorySink(engine::log::LogConfig config) : m_config(std::move(config)) {}

LogDirectorySink::~LogDirectorySink() {
    m_sink.reset();
    m_log.reset();  // syncs every partition
}

Result<void> LogDirectorySink::ensureOpen() {
    if (m_log != nullptr) {
        return {};
    }
    auto log = engine::log::EventLog::open(m_config);
    if (!log) {
        return log.error();
    }
    m_log = std::move(*log);
    m_sink = std::make_unique<engine::log::LogEventSink>(*m_log);
    return {};
}

Result<void> LogDirectorySink::send(std::string_view topic, std::span<const engine::log::RecordInput> records) {
    if (auto r = ensureOpen(); !r) {
        return r;
    }
    auto r = m_sink->send(topic, records);
    if (!r && r.error().code == LogErrc::Io) {
        m_sink.reset();  // reopen (and recover) on the next send
        m_log.reset();
    }
    return r;
}

Result<void> LogDirectorySink::flush() {
    if (m_log == nullptr) {
        return {};
    }
    return m_sink->flush();
}

}  // namespace cityops::connectors::gateway
