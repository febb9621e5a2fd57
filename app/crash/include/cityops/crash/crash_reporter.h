#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cityops::crash {

//! What a crash report names besides the stack: where reports go and which build crashed.
struct CrashConfig {
    std::filesystem::path directory;  //!< created by install(); reports are crash-<UTC time>-<pid>.txt
    std::string program;              //!< "cityops", "cityops-engine", ...
    std::string version;
    std::string commit;
};

enum class InstallResult {
    Installed,
    SkippedSanitizer,  //!< built with ASan/UBSan: their own handlers report crashes, ours stay out of the way
    Failed,            //!< the directory could not be created (error says why); nothing installed
};

//! Installs the crash handlers of the process: SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL (on an
//! alternate stack) and std::set_terminate. Everything the handler needs (path prefix, header, log
//! ring, the unwinder) is prepared here, so the handler itself only calls async-signal-safe
//! functions and never allocates; it writes the report, restores the default action and re-raises.
//! Call once, early in main(), from the main thread.
InstallResult install(const CrashConfig& config, std::string* error = nullptr);
//! True once install() returned Installed.
bool installed();
//! True when this build runs under AddressSanitizer/UBSan (install() then skips the handlers).
bool sanitizerBuild();

//! Appends one line to the in-memory ring of recent log lines that a report ends with. Any thread,
//! lock-free, no allocation; lines longer than the slot are cut. Works without install().
void recordLogLine(std::string_view line);
//! The ring's lines, oldest first (tests; not for the signal handler).
std::vector<std::string> recentLogLines();

//! Reports in directory not offered yet, newest first.
std::vector<std::filesystem::path> pendingReports(const std::filesystem::path& directory);
//! The newest pending report, marking every pending one as offered (a marker file beside each), so
//! the next start does not offer them again. nullopt when there is none.
std::optional<std::filesystem::path> takePendingReport(const std::filesystem::path& directory);
//! Removes a report and its offered marker.
bool removeReport(const std::filesystem::path& report);

//! Test-only (`--crash-test`): crashes the process on purpose. kind is "segv" (a real invalid
//! write), "abort" (std::abort) or "throw" (an uncaught std::runtime_error). Returns only for an
//! unknown kind.
void crashForTest(std::string_view kind);

}  // namespace cityops::crash
