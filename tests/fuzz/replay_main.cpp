// Standalone driver for the GCC builds: runs LLVMFuzzerTestOneInput on every file of the given
// directories (or files), so CTest replays each fuzz target's seed corpus and its crash regressions
// under ASan + UBSan without libFuzzer. A missing directory is skipped, except the first (the corpus).

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool runFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "replay: cannot read %s\n", path.string().c_str());
        return false;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // A fresh heap copy of exactly the input's size, so ASan sees reads past its end.
    std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <corpus-dir> [<more dirs or files>...]\n", argv[0]);
        return 2;
    }
    std::size_t files = 0;
    for (int i = 1; i < argc; ++i) {
        const std::filesystem::path root(argv[i]);
        std::error_code ec;
        if (std::filesystem::is_regular_file(root, ec)) {
            if (!runFile(root)) return 1;
            ++files;
            continue;
        }
        if (!std::filesystem::is_directory(root, ec)) {
            if (i == 1) {
                std::fprintf(stderr, "replay: corpus %s does not exist\n", root.string().c_str());
                return 1;
            }
            continue;
        }
        std::vector<std::filesystem::path> paths;
        for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
            if (entry.is_regular_file() && entry.path().filename().string().front() != '.') {
                paths.push_back(entry.path());
            }
        }
        std::sort(paths.begin(), paths.end());
        for (const auto& p : paths) {
            if (!runFile(p)) return 1;
            ++files;
        }
    }
    if (files == 0) {
        std::fprintf(stderr, "replay: no input files\n");
        return 1;
    }
    std::printf("replay: %zu inputs ran without a sanitizer report\n", files);
    return 0;
}
