// Fuzz target: the batch CSV reader (engine::batch::readCsvText). The first byte picks the mode and
// whether the parallel path (two threads, tiny chunks) runs; the rest is the CSV text. Every input
// loads or fails with a message; the counts stay consistent.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cityops/engine/batch/csv_reader.h"
#include "fuzz_check.h"

using namespace cityops::engine::batch;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t control = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    CsvOptions options;
    options.mode = static_cast<CsvMode>(control % 3);
    options.maxFieldBytes = 256;
    if ((control & 0x4) != 0) {
        options.threads = 2;
        options.parallelThresholdBytes = 16;
    } else {
        options.threads = 1;
    }
    if ((control & 0x8) != 0) options.hasHeader = (control & 0x10) != 0;
    if ((control & 0x20) != 0) options.delimiter = ';';
    const Result<CsvLoad> load = readCsvText(text, options);
    if (!load) {
        FUZZ_CHECK(!load.error().empty());
        return 0;
    }
    const CsvLoad& csv = load.value();
    FUZZ_CHECK(csv.rowsLoaded == csv.table.rowCount());
    FUZZ_CHECK(csv.rowsLoaded + csv.rowsDropped == csv.recordsRead);
    FUZZ_CHECK(csv.rowsWithErrors <= csv.recordsRead);
    for (std::size_t c = 0; c < csv.table.columnCount(); ++c) {
        FUZZ_CHECK(csv.table.column(c).size() == csv.rowsLoaded);
    }
    return 0;
}
