#include "cityops/crash/crash_reporter.h"

#include <cxxabi.h>
#include <execinfo.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <system_error>
#include <typeinfo>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__) || defined(CITYOPS_CRASH_SANITIZED)
#define CITYOPS_CRASH_SKIP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define CITYOPS_CRASH_SKIP 1
#endif
#endif

namespace cityops::crash {

namespace {

constexpr std::size_t kLogSlots = 64;
constexpr std::size_t kLineBytes = 240;
constexpr std::size_t kPathBytes = 4096;
constexpr int kMaxFrames = 64;
constexpr std::size_t kAltStackBytes = 64 * 1024;
constexpr const char* kOfferedSuffix = ".offered";

//! One line of the log ring. seq is the line's number + 1 once written, 0 while a writer fills it.
struct LogSlot {
    std::atomic<std::uint64_t> seq{0};
    std::uint32_t length = 0;
    std::array<char, kLineBytes> text{};
};

std::array<LogSlot, kLogSlots> g_ring;
std::atomic<std::uint64_t> g_nextLine{0};

// Prepared by install(), read by the handler.
std::array<char, kPathBytes> g_directory{};
std::array<char, 1024> g_header{};
std::array<char, 512> g_exception{};  //!< filled by the terminate handler before it aborts
std::array<void*, kMaxFrames> g_frames{};
std::array<char, kAltStackBytes> g_altStack{};
std::atomic<bool> g_installed{false};
std::atomic<int> g_handling{0};

constexpr std::array<int, 5> kSignals = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};

const char* signalName(int sig) {
    switch (sig) {
        case SIGSEGV: return "SIGSEGV";
        case SIGABRT: return "SIGABRT";
        case SIGBUS: return "SIGBUS";
        case SIGFPE: return "SIGFPE";
        case SIGILL: return "SIGILL";
        default: return "signal";
    }
}

// ── Async-signal-safe formatting: fixed buffers, write(2) only ─────────────────────────────────

void writeAll(int fd, const char* data, std::size_t size) {
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
}

void writeText(int fd, const char* text) { writeAll(fd, text, std::strlen(text)); }

//! Appends text to buf at pos (bounded), returns the new position.
std::size_t append(char* buf, std::size_t cap, std::size_t pos, const char* text) {
    while (*text != '\0' && pos + 1 < cap) buf[pos++] = *text++;
    buf[pos] = '\0';
    return pos;
}

std::size_t appendNumber(char* buf, std::size_t cap, std::size_t pos, std::uint64_t value, int width = 0) {
    char digits[24];
    int n = 0;
    do {
        digits[n++] = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value > 0 && n < 20);
    while (n < width && n < 20) digits[n++] = '0';
    while (n > 0 && pos + 1 < cap) buf[pos++] = digits[--n];
    buf[pos] = '\0';
    return pos;
}

//! Civil date from days since 1970-01-01 (H. Hinnant's algorithm): no gmtime, no locale, no locks.
void civilFromDays(std::int64_t days, std::int64_t& y, unsigned& m, unsigned& d) {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto doe = static_cast<unsigned>(days - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

//! "20261123T063000Z" (compact, for the file name) or "2026-11-23T06:30:00Z".
std::size_t appendUtc(char* buf, std::size_t cap, std::size_t pos, std::int64_t seconds, bool compact) {
    std::int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civilFromDays(seconds / 86400, y, m, d);
    const std::int64_t secOfDay = seconds % 86400;
    pos = appendNumber(buf, cap, pos, static_cast<std::uint64_t>(y), 4);
    if (!compact) pos = append(buf, cap, pos, "-");
    pos = appendNumber(buf, cap, pos, m, 2);
    if (!compact) pos = append(buf, cap, pos, "-");
    pos = appendNumber(buf, cap, pos, d, 2);
    pos = append(buf, cap, pos, "T");
    pos = appendNumber(buf, cap, pos, static_cast<std::uint64_t>(secOfDay / 3600), 2);
    if (!compact) pos = append(buf, cap, pos, ":");
    pos = appendNumber(buf, cap, pos, static_cast<std::uint64_t>(secOfDay / 60 % 60), 2);
    if (!compact) pos = append(buf, cap, pos, ":");
    pos = appendNumber(buf, cap, pos, static_cast<std::uint64_t>(secOfDay % 60), 2);
    return append(buf, cap, pos, "Z");
}

void writeLogRing(int fd) {
    const std::uint64_t end = g_nextLine.load(std::memory_order_acquire);
    const std::uint64_t begin = end > kLogSlots ? end - kLogSlots : 0;
    for (std::uint64_t line = begin; line < end; ++line) {
        const LogSlot& slot = g_ring[line % kLogSlots];
        if (slot.seq.load(std::memory_order_acquire) != line + 1) continue;  // being rewritten
        writeAll(fd, slot.text.data(), std::min<std::size_t>(slot.length, kLineBytes));
        writeText(fd, "\n");
    }
}

void writeReport(int sig) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    std::array<char, kPathBytes + 64> path{};
    std::size_t pos = append(path.data(), path.size(), 0, g_directory.data());
    pos = append(path.data(), path.size(), pos, "/crash-");
    pos = appendUtc(path.data(), path.size(), pos, now.tv_sec, true);
    pos = append(path.data(), path.size(), pos, "-");
    pos = appendNumber(path.data(), path.size(), pos, static_cast<std::uint64_t>(::getpid()));
    append(path.data(), path.size(), pos, ".txt");

    const int fd = ::open(path.data(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    std::array<char, 128> line{};
    writeText(fd, "CityOps crash report\n");
    writeText(fd, g_header.data());
    std::size_t n = append(line.data(), line.size(), 0, "signal: ");
    n = append(line.data(), line.size(), n, signalName(sig));
    n = append(line.data(), line.size(), n, " (");
    n = appendNumber(line.data(), line.size(), n, static_cast<std::uint64_t>(sig));
    append(line.data(), line.size(), n, ")\n");
    writeText(fd, line.data());
    if (g_exception[0] != '\0') {
        writeText(fd, "exception: ");
        writeText(fd, g_exception.data());
        writeText(fd, "\n");
    }
    n = append(line.data(), line.size(), 0, "time: ");
    n = appendUtc(line.data(), line.size(), n, now.tv_sec, false);
    n = append(line.data(), line.size(), n, "\npid: ");
    n = appendNumber(line.data(), line.size(), n, static_cast<std::uint64_t>(::getpid()));
    append(line.data(), line.size(), n, "\n\nbacktrace:\n");
    writeText(fd, line.data());
    const int frames = ::backtrace(g_frames.data(), kMaxFrames);
    ::backtrace_symbols_fd(g_frames.data(), frames, fd);
    writeText(fd, "\nlast log lines:\n");
    writeLogRing(fd);
    ::close(fd);
    writeText(STDERR_FILENO, "cityops: crashed; report written to ");
    writeText(STDERR_FILENO, path.data());
    writeText(STDERR_FILENO, "\n");
}

void onCrashSignal(int sig) {
    // A second crash while writing (or in another thread) goes straight to the default action.
    if (g_handling.fetch_add(1) == 0) writeReport(sig);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    ::sigemptyset(&dfl.sa_mask);
    ::sigaction(sig, &dfl, nullptr);
    // Raised signals (abort, kill) are delivered again once this handler returns; a faulting
    // instruction simply faults again under the default action.
    ::raise(sig);
}

void onTerminate() {
    std::size_t pos = 0;
    if (std::type_info* type = abi::__cxa_current_exception_type()) {
        int status = 0;
        char* demangled = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
        pos = append(g_exception.data(), g_exception.size(), 0, "uncaught ");
        pos = append(g_exception.data(), g_exception.size(), pos, status == 0 && demangled ? demangled : type->name());
        std::free(demangled);
        try {
            throw;
        } catch (const std::exception& e) {
            pos = append(g_exception.data(), g_exception.size(), pos, ": ");
            append(g_exception.data(), g_exception.size(), pos, e.what());
        } catch (...) {
        }
    } else {
        append(g_exception.data(), g_exception.size(), 0, "std::terminate called without an active exception");
    }
    std::abort();
}

}  // namespace

bool sanitizerBuild() {
#ifdef CITYOPS_CRASH_SKIP
    return true;
#else
    return false;
#endif
}

InstallResult install(const CrashConfig& config, std::string* error) {
    if (sanitizerBuild()) return InstallResult::SkippedSanitizer;
    std::error_code ec;
    std::filesystem::create_directories(config.directory, ec);
    const std::string dir = std::filesystem::absolute(config.directory, ec).string();
    if (ec || dir.size() + 64 >= kPathBytes) {
        if (error) *error = "cannot use crash directory " + config.directory.string() + ": " + ec.message();
        return InstallResult::Failed;
    }
    std::copy(dir.begin(), dir.end(), g_directory.begin());
    g_directory[dir.size()] = '\0';
    const std::string header = "program: " + config.program + "\nversion: " + config.version +
                               "\ncommit: " + config.commit + "\n";
    const std::size_t headerSize = std::min(header.size(), g_header.size() - 1);
    std::copy_n(header.begin(), headerSize, g_header.begin());
    g_header[headerSize] = '\0';

    // The first backtrace() loads libgcc's unwinder (dlopen, malloc): do it now, not in the handler.
    void* warmUp[2];
    ::backtrace(warmUp, 2);

    stack_t alt{};
    alt.ss_sp = g_altStack.data();
    alt.ss_size = g_altStack.size();
    ::sigaltstack(&alt, nullptr);
    struct sigaction action {};
    action.sa_handler = onCrashSignal;
    ::sigemptyset(&action.sa_mask);
    action.sa_flags = SA_ONSTACK;
    for (const int sig : kSignals) ::sigaction(sig, &action, nullptr);
    std::set_terminate(onTerminate);
    g_installed.store(true);
    return InstallResult::Installed;
}

bool installed() { return g_installed.load(); }

void recordLogLine(std::string_view text) {
    const std::uint64_t line = g_nextLine.fetch_add(1, std::memory_order_relaxed);
    LogSlot& slot = g_ring[line % kLogSlots];
    slot.seq.store(0, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_release);
    const std::size_t n = std::min(text.size(), kLineBytes);
    std::memcpy(slot.text.data(), text.data(), n);
    slot.length = static_cast<std::uint32_t>(n);
    slot.seq.store(line + 1, std::memory_order_release);
}

std::vector<std::string> recentLogLines() {
    std::vector<std::string> lines;
    const std::uint64_t end = g_nextLine.load(std::memory_order_acquire);
    for (std::uint64_t line = end > kLogSlots ? end - kLogSlots : 0; line < end; ++line) {
        const LogSlot& slot = g_ring[line % kLogSlots];
        if (slot.seq.load(std::memory_order_acquire) == line + 1) lines.emplace_back(slot.text.data(), slot.length);
    }
    return lines;
}

std::vector<std::filesystem::path> pendingReports(const std::filesystem::path& directory) {
    std::vector<std::filesystem::path> reports;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
        const std::string name = entry.path().filename().string();
        if (!entry.is_regular_file(ec) || !name.starts_with("crash-") || !name.ends_with(".txt")) continue;
        if (std::filesystem::exists(entry.path().string() + kOfferedSuffix, ec)) continue;
        reports.push_back(entry.path());
    }
    // Names start with the UTC time, so the newest sorts last.
    std::sort(reports.begin(), reports.end(), [](const auto& a, const auto& b) { return a > b; });
    return reports;
}

std::optional<std::filesystem::path> takePendingReport(const std::filesystem::path& directory) {
    const std::vector<std::filesystem::path> reports = pendingReports(directory);
    if (reports.empty()) return std::nullopt;
    for (const auto& report : reports) {
        std::FILE* marker = std::fopen((report.string() + kOfferedSuffix).c_str(), "w");
        if (marker) std::fclose(marker);
    }
    return reports.front();
}

bool removeReport(const std::filesystem::path& report) {
    std::error_code ec;
    std::filesystem::remove(report.string() + kOfferedSuffix, ec);
    return std::filesystem::remove(report, ec);
}

void crashForTest(std::string_view kind) {
    if (kind == "segv") {
        // A volatile access through a pointer the optimiser cannot see is null: a real fault, kept
        // at -O3; raise() only if the platform maps page zero.
        volatile int* volatile nowhere = nullptr;
        *nowhere = 42;
        std::raise(SIGSEGV);
    } else if (kind == "abort") {
        std::abort();
    } else if (kind == "throw") {
        throw std::runtime_error("crash test: an exception nobody catches");
    }
}

}  // namespace cityops::crash
