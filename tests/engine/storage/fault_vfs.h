#pragma once

// A fault-injecting SQLite VFS for the storage tests: a pass-through over the platform's "unix" VFS
// that counts every xSync of the files under one watched directory and can
//   - fail the N-th sync with SQLITE_IOERR_FSYNC (the disk reported a write error), and
//   - capture, just before each sync, the two states a crash at that point can leave on disk:
//     the process-crash image (every byte written so far; the kernel still has it) and the
//     power-loss image (each file as it was at its last successful sync; later writes are lost).
// Registered as the default VFS, so the product code under test opens through it unchanged.

#include <sqlite3.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace fault_vfs {

//! The files of one database directory at one instant: file name → bytes (absent = no file).
using DiskImage = std::map<std::string, std::string>;

struct SyncPoint {
    int syncNumber = 0;
    std::string file;             //!< the file about to be synced
    std::uint64_t acknowledged = 0;  //!< the highest checkpoint the caller had been told was committed
    DiskImage processCrash;
    DiskImage powerLoss;
};

class FaultVfs {
public:
    static FaultVfs& instance() {
        static FaultVfs vfs;
        return vfs;
    }

    //! Makes this VFS the default and watches the files directly inside `dir`.
    void install(const std::filesystem::path& dir) {
        std::lock_guard lock(m_mutex);
        m_dir = dir.string();
        m_durable.clear();
        m_points.clear();
        m_syncs = 0;
        m_failAt = -1;
        m_capture = false;
        sqlite3_vfs_register(&m_vfs, 1);
    }
    //! Restores the platform VFS as the default.
    void uninstall() {
        sqlite3_vfs_unregister(&m_vfs);
        if (sqlite3_vfs* unix = sqlite3_vfs_find("unix")) {
            sqlite3_vfs_register(unix, 1);
        }
    }
    void failSync(int syncNumber) { m_failAt = syncNumber; }
    void capture(bool on) { m_capture = on; }
    void setAcknowledged(std::uint64_t checkpointId) { m_acknowledged = checkpointId; }
    int syncs() const { return m_syncs; }
    std::vector<SyncPoint> points() {
        std::lock_guard lock(m_mutex);
        return m_points;
    }

    static std::string readFile(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        return in ? std::string(std::istreambuf_iterator<char>(in), {}) : std::string();
    }

private:
    struct File {
        sqlite3_file base;
        sqlite3_file* real;
        std::string* path;  //!< empty for files outside the watched directory
    };

    FaultVfs() {
        m_root = sqlite3_vfs_find("unix");
        m_vfs = *m_root;
        m_vfs.szOsFile = static_cast<int>(sizeof(File)) + m_root->szOsFile;
        m_vfs.zName = "cityops-fault";
        m_vfs.pNext = nullptr;
        m_vfs.pAppData = this;
        m_vfs.xOpen = &FaultVfs::xOpen;
        m_vfs.xDelete = &FaultVfs::xDelete;
        m_vfs.xAccess = [](sqlite3_vfs*, const char* n, int f, int* out) { return root()->xAccess(root(), n, f, out); };
        m_vfs.xFullPathname = [](sqlite3_vfs*, const char* n, int len, char* out) {
            return root()->xFullPathname(root(), n, len, out);
        };
        m_vfs.xDlOpen = [](sqlite3_vfs*, const char* n) { return root()->xDlOpen(root(), n); };
        m_vfs.xDlError = [](sqlite3_vfs*, int n, char* out) { root()->xDlError(root(), n, out); };
        m_vfs.xDlSym = [](sqlite3_vfs*, void* h, const char* s) { return root()->xDlSym(root(), h, s); };
        m_vfs.xDlClose = [](sqlite3_vfs*, void* h) { root()->xDlClose(root(), h); };
        m_vfs.xRandomness = [](sqlite3_vfs*, int n, char* out) { return root()->xRandomness(root(), n, out); };
        m_vfs.xSleep = [](sqlite3_vfs*, int us) { return root()->xSleep(root(), us); };
        m_vfs.xCurrentTime = [](sqlite3_vfs*, double* out) { return root()->xCurrentTime(root(), out); };
        m_vfs.xGetLastError = [](sqlite3_vfs*, int n, char* out) { return root()->xGetLastError(root(), n, out); };
        m_vfs.xCurrentTimeInt64 = [](sqlite3_vfs*, sqlite3_int64* out) {
            return root()->xCurrentTimeInt64(root(), out);
        };
        m_vfs.xSetSystemCall = [](sqlite3_vfs*, const char* n, sqlite3_syscall_ptr p) {
            return root()->xSetSystemCall(root(), n, p);
        };
        m_vfs.xGetSystemCall = [](sqlite3_vfs*, const char* n) { return root()->xGetSystemCall(root(), n); };
        m_vfs.xNextSystemCall = [](sqlite3_vfs*, const char* n) { return root()->xNextSystemCall(root(), n); };

        m_io.iVersion = 3;
        m_io.xClose = &FaultVfs::xClose;
        m_io.xRead = [](sqlite3_file* f, void* b, int n, sqlite3_int64 o) { return real(f)->pMethods->xRead(real(f), b, n, o); };
        m_io.xWrite = [](sqlite3_file* f, const void* b, int n, sqlite3_int64 o) {
            return real(f)->pMethods->xWrite(real(f), b, n, o);
        };
        m_io.xTruncate = [](sqlite3_file* f, sqlite3_int64 n) { return real(f)->pMethods->xTruncate(real(f), n); };
        m_io.xSync = &FaultVfs::xSync;
        m_io.xFileSize = [](sqlite3_file* f, sqlite3_int64* n) { return real(f)->pMethods->xFileSize(real(f), n); };
        m_io.xLock = [](sqlite3_file* f, int l) { return real(f)->pMethods->xLock(real(f), l); };
        m_io.xUnlock = [](sqlite3_file* f, int l) { return real(f)->pMethods->xUnlock(real(f), l); };
        m_io.xCheckReservedLock = [](sqlite3_file* f, int* out) {
            return real(f)->pMethods->xCheckReservedLock(real(f), out);
        };
        m_io.xFileControl = [](sqlite3_file* f, int op, void* arg) {
            return real(f)->pMethods->xFileControl(real(f), op, arg);
        };
        m_io.xSectorSize = [](sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); };
        m_io.xDeviceCharacteristics = [](sqlite3_file* f) {
            return real(f)->pMethods->xDeviceCharacteristics(real(f));
        };
        m_io.xShmMap = [](sqlite3_file* f, int pg, int sz, int extend, void volatile** out) {
            return real(f)->pMethods->xShmMap(real(f), pg, sz, extend, out);
        };
        m_io.xShmLock = [](sqlite3_file* f, int off, int n, int flags) {
            return real(f)->pMethods->xShmLock(real(f), off, n, flags);
        };
        m_io.xShmBarrier = [](sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); };
        m_io.xShmUnmap = [](sqlite3_file* f, int del) { return real(f)->pMethods->xShmUnmap(real(f), del); };
        m_io.xFetch = [](sqlite3_file* f, sqlite3_int64 o, int n, void** out) {
            return real(f)->pMethods->xFetch(real(f), o, n, out);
        };
        m_io.xUnfetch = [](sqlite3_file* f, sqlite3_int64 o, void* p) {
            return real(f)->pMethods->xUnfetch(real(f), o, p);
        };
    }

    static sqlite3_vfs* root() { return instance().m_root; }
    static sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<File*>(f)->real; }

    bool watched(const char* name) const {
        if (name == nullptr || m_dir.empty()) {
            return false;
        }
        const std::filesystem::path p(name);
        return p.parent_path() == std::filesystem::path(m_dir) &&
               p.filename().string().find("-shm") == std::string::npos;
    }

    static int xOpen(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* out, int flags, int* outFlags) {
        FaultVfs& self = instance();
        auto* file = reinterpret_cast<File*>(out);
        file->base.pMethods = nullptr;
        file->real = reinterpret_cast<sqlite3_file*>(file + 1);
        file->path = nullptr;
        const int rc = self.m_root->xOpen(self.m_root, name, file->real, flags, outFlags);
        if (rc != SQLITE_OK) {
            return rc;
        }
        {
            std::lock_guard lock(self.m_mutex);
            if (self.watched(name)) {
                file->path = new std::string(name);
            }
        }
        file->base.pMethods = &self.m_io;
        return SQLITE_OK;
    }

    static int xClose(sqlite3_file* f) {
        auto* file = reinterpret_cast<File*>(f);
        const int rc = file->real->pMethods ? file->real->pMethods->xClose(file->real) : SQLITE_OK;
        delete file->path;
        file->path = nullptr;
        return rc;
    }

    static int xDelete(sqlite3_vfs*, const char* name, int syncDir) {
        FaultVfs& self = instance();
        {
            std::lock_guard lock(self.m_mutex);
            if (self.watched(name)) {
                self.m_durable.erase(std::filesystem::path(name).filename().string());
            }
        }
        return self.m_root->xDelete(self.m_root, name, syncDir);
    }

    DiskImage currentImage() const {
        DiskImage image;
        for (const auto& entry : std::filesystem::directory_iterator(m_dir)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_regular_file() && name.find("-shm") == std::string::npos) {
                image[name] = readFile(entry.path().string());
            }
        }
        return image;
    }

    static int xSync(sqlite3_file* f, int flags) {
        FaultVfs& self = instance();
        auto* file = reinterpret_cast<File*>(f);
        if (file->path == nullptr) {
            return file->real->pMethods->xSync(file->real, flags);
        }
        const std::string name = std::filesystem::path(*file->path).filename().string();
        {
            std::lock_guard lock(self.m_mutex);
            const int n = ++self.m_syncs;
            if (n == self.m_failAt) {
                return SQLITE_IOERR_FSYNC;
            }
            if (self.m_capture) {
                SyncPoint point;
                point.syncNumber = n;
                point.file = name;
                point.acknowledged = self.m_acknowledged;
                point.processCrash = self.currentImage();
                point.powerLoss = self.m_durable;
                self.m_points.push_back(std::move(point));
            }
        }
        const int rc = file->real->pMethods->xSync(file->real, flags);
        if (rc == SQLITE_OK) {
            std::lock_guard lock(self.m_mutex);
            self.m_durable[name] = readFile(*file->path);
        }
        return rc;
    }

    sqlite3_vfs* m_root = nullptr;
    sqlite3_vfs m_vfs{};
    sqlite3_io_methods m_io{};
    std::mutex m_mutex;
    std::string m_dir;
    DiskImage m_durable;  //!< each watched file as of its last successful sync
    std::vector<SyncPoint> m_points;
    std::atomic<int> m_syncs{0};
    std::atomic<int> m_failAt{-1};
    std::atomic<bool> m_capture{false};
    std::atomic<std::uint64_t> m_acknowledged{0};
};

//! Writes an image into `dir` (which must be empty) as the files a restarted process would find.
inline void writeImage(const DiskImage& image, const std::filesystem::path& dir) {
    for (const auto& [name, bytes] : image) {
        std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
}

}  // namespace fault_vfs
