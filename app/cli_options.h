#pragma once

#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace cityops::app {

//! What the command line asked for. Parsed before any QApplication exists, so `--help`, `--version`
//! and the no-display check work on machines without a display.
struct CliOptions {
    bool headless = false;
    bool showHelp = false;
    bool showVersion = false;
    bool listScenarios = false;
    QString scenario = QStringLiteral("co2-episode");
    std::int64_t durationMs = 600'000;
    bool durationGiven = false;
    double speed = 60.0;  //!< simulated seconds per real second; 0 = as fast as possible
    std::optional<std::uint64_t> seed;
    std::optional<std::uint32_t> sensors;
    int workers = 0;
    QString dataDir;  //!< run the design's jobs durably in this directory (headless: log + store; console: store)
    std::int64_t checkpointIntervalMs = 30'000;
    QString screenshotPath;
    double screenshotAfterSeconds = 8.0;
    QString language;  //!< "en", "uk", "ru"; empty = saved setting or system locale
    bool serve = false;  //!< --serve: the REST/WebSocket API and /metrics (docs/SERVING.md)
    int servePort = 8787;
    QString serveBind = QStringLiteral("127.0.0.1");
    QString serveTokenFile;  //!< --serve-token FILE; empty = <data-dir>/serve-token (created 0600)
    bool demo = false;         //!< --demo: the self-running offline demo in wall mode
    double demoSpeed = 0.0;    //!< --demo-speed; 0 = per scenario (about two minutes each)
    int demoExitAfter = 0;     //!< --demo-exit-after N: stop after N scenarios (tests, screenshots)
    QString crashTest;         //!< test-only --crash-test segv|abort|throw: crash on purpose
};

//! Either options or a message saying which argument is wrong and why.
struct CliParseResult {
    std::optional<CliOptions> options;
    QString error;
};

CliParseResult parseCommandLine(const QStringList& arguments);
QString helpText();
//! "10m", "90s", "1h30m", "2d" → milliseconds; nullopt when malformed.
std::optional<std::int64_t> parseDuration(const QString& text);

}  // namespace cityops::app
