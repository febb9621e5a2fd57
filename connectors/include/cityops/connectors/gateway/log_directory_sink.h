#pragma once

#include <memory>

#include "cityops/engine/log/event_log.h"
#include "cityops/engine/log/event_source.h"

namespace cityops::connectors::gateway {

//! An EventSink into an embedded log in a directory, opened on first use and reopened after an I/O
//! error: a gateway started while its log cannot be opened (missing mount, wrong path, full disk)
//! buffers on disk and drains once the log opens. The owner of the log is this sink. One thread.
class LogDirectorySink final : public engine::log::EventSink {
public:
    explicit LogDirectorySink(engine::log::LogConfig config);
    ~LogDirectorySink() override;

    engine::log::Result<void> send(std::string_view topic, std::span<const engine::log::RecordInput> records) override;
    engine::log::Result<void> flush() override;
    //! True once the log is open.
    bool isOpen() const { return m_log != nullptr; }

private:
    engine::log::Result<void> ensureOpen();

    engine::log::LogConfig m_config;
    std::unique_ptr<engine::log::EventLog> m_log;
    std::unique_ptr<engine::log::LogEventSink> m_sink;
};

}  // namespace cityops::connectors::gateway
