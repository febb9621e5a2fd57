// Retail workflow throughput on generated data with the retail_store_sales schema and its missing-value
// pattern (item missing in ~10% of rows: half of them without price, half without quantity and total).
// Prints one JSON object: seconds per phase (the phases scripts/bench-retail-peers.sh compares), memory,
// and the results (final rows, top-5 categories, averages) so peers can be checked against it.
// Usage:
//   bench_retail [rows]                     generate in memory, time load (from memory) and workflow
//   bench_retail --generate <path> <rows>   write the generated CSV (deterministic: fixed seed) and exit
//   bench_retail --csv <path>               time load (file read included) and workflow on a file
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <random>
#include <string>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/retail_workflow.h"

using namespace cityops::engine::batch;

namespace {

//! Calls sink(chunk) with the CSV text in pieces of about 1 MB (the 10 M-row file is ~1 GB).
template <typename Sink>
void generate(std::size_t rows, Sink&& sink) {
    static const char* const kCategories[][2] = {{"Patisserie", "PAT"},
                                                 {"Milk Products", "MILK"},
                                                 {"Butchers", "BUT"},
                                                 {"Beverages", "BEV"},
                                                 {"Food", "FOOD"},
                                                 {"Furniture", "FUR"},
                                                 {"Electric household essentials", "EHE"},
                                                 {"Computers and electric accessories", "CEA"}};
    static const char* const kPayments[] = {"Cash", "Credit Card", "Digital Wallet"};
    static const char* const kLocations[] = {"Online", "In-store"};
    static const char* const kDiscounts[] = {"True", "False", ""};
    std::mt19937_64 rng(42);
    std::string text =
        "Transaction ID,Customer ID,Category,Item,Price Per Unit,Quantity,Total Spent,Payment Method,"
        "Location,Transaction Date,Discount Applied\n";
    char line[512];
    for (std::size_t i = 0; i < rows; ++i) {
        const auto& category = kCategories[rng() % 8];
        const unsigned item = 1 + static_cast<unsigned>(rng() % 25);
        const double price = 5.0 + 1.5 * (item - 1);  // as in the shared file: Item_1 5.0 ... Item_25 41.0
        const unsigned quantity = 1 + static_cast<unsigned>(rng() % 10);
        const unsigned pattern = static_cast<unsigned>(rng() % 100);
        char itemText[32];
        std::snprintf(itemText, sizeof itemText, "Item_%u_%s", item, category[1]);
        char priceText[32];
        char quantityText[32];
        char totalText[32];
        std::snprintf(priceText, sizeof priceText, "%.1f", price);
        std::snprintf(quantityText, sizeof quantityText, "%u.0", quantity);
        std::snprintf(totalText, sizeof totalText, "%.1f", price * quantity);
        const bool noPrice = pattern < 5;
        const bool noQuantity = pattern >= 5 && pattern < 10;
        std::snprintf(line, sizeof line, "TXN_%07zu,CUST_%02u,%s,%s,%s,%s,%s,%s,%s,%04u-%02u-%02u,%s\n", i,
                      1 + static_cast<unsigned>(rng() % 25), category[0], pattern < 10 ? "" : itemText,
                      noPrice ? "" : priceText, noQuantity ? "" : quantityText, noQuantity ? "" : totalText,
                      kPayments[rng() % 3], kLocations[rng() % 2], 2022 + static_cast<unsigned>(rng() % 3),
                      1 + static_cast<unsigned>(rng() % 12), 1 + static_cast<unsigned>(rng() % 28),
                      kDiscounts[rng() % 3]);
        text += line;
        if (text.size() >= (std::size_t{1} << 20)) {
            sink(text);
            text.clear();
        }
    }
    if (!text.empty()) sink(text);
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string jsonString(std::string_view s) {
    std::string out = "\"";
    for (const char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"";
}

//! {"key": value, ...} of a two-column (string, double) result table.
std::string averagesJson(const Table& table) {
    std::string out = "{";
    for (std::size_t r = 0; r < table.rowCount(); ++r) {
        char value[64];
        std::snprintf(value, sizeof value, "%.2f", table.column(1).doubleAt(r));
        out += (r == 0 ? "" : ",") + jsonString(table.column(0).stringAt(r)) + ":" + value;
    }
    return out + "}";
}

long peakRssBytes() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss * 1024L;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && std::strcmp(argv[1], "--generate") == 0) {
        std::FILE* out = std::fopen(argv[2], "wb");
        if (out == nullptr) {
            std::fprintf(stderr, "cannot write '%s'\n", argv[2]);
            return 1;
        }
        bool ok = true;
        generate(std::strtoull(argv[3], nullptr, 10),
                 [&](const std::string& chunk) { ok = ok && std::fwrite(chunk.data(), 1, chunk.size(), out) == chunk.size(); });
        ok = std::fclose(out) == 0 && ok;
        if (!ok) std::fprintf(stderr, "write to '%s' failed\n", argv[2]);
        return ok ? 0 : 1;
    }
    const bool fromFile = argc == 3 && std::strcmp(argv[1], "--csv") == 0;
    std::string csv;
    std::size_t rows = 0;
    if (!fromFile) {
        rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
        generate(rows, [&csv](const std::string& chunk) { csv += chunk; });
    }
    const long rssBeforeLoad = peakRssBytes();
    auto start = std::chrono::steady_clock::now();
    auto loaded = fromFile ? readCsvFile(argv[2]) : readCsvText(csv);
    const double loadSeconds = secondsSince(start);
    if (!loaded) {
        std::fprintf(stderr, "load failed: %s\n", loaded.error().c_str());
        return 1;
    }
    if (fromFile) rows = loaded.value().recordsRead;
    const std::size_t loadedBytes = loaded.value().table.memoryBytes();
    start = std::chrono::steady_clock::now();
    const RetailReport report = runRetailWorkflow(loaded.value().table);
    const double workflowSeconds = secondsSince(start);
    const double total = loadSeconds + workflowSeconds;

    // Phases as the peers (scripts/bench/retail_*.{py,mjs}) split them.
    std::map<std::string, double> phase{{"load", loadSeconds}};
    for (const RetailStep& s : report.steps) {
        const std::string name = s.id == "1.1"                    ? "load"
                                 : s.id == "1.2" || s.id == "1.3" ? "prepare"
                                 : s.id.rfind("2.4", 0) == 0      ? "drop"
                                 : s.id.rfind("2.", 0) == 0       ? "recover"
                                 : s.id.rfind("3.", 0) == 0       ? "aggregate"
                                                                  : "date_parts";
        phase[name] += s.seconds;
    }
    std::string top5 = "[";
    for (std::size_t r = 0; r < report.topCategories.rowCount(); ++r) {
        top5 += (r == 0 ? "[" : ",[") + jsonString(report.topCategories.column("category").stringAt(r)) + "," +
                std::to_string(report.topCategories.column("units_sold").intAt(r)) + "]";
    }
    top5 += "]";
    std::printf(
        "{\"benchmark\":\"retail_workflow\",\"tool\":\"cityops\",\"rows\":%zu,\"csv_bytes\":%zu,"
        "\"phases_s\":{\"load\":%.4f,\"prepare\":%.4f,\"recover\":%.4f,\"drop\":%.4f,\"aggregate\":%.4f,"
        "\"date_parts\":%.4f},\"total_s\":%.4f,\"load_s\":%.3f,\"workflow_s\":%.3f,"
        "\"load_rows_per_s\":%.0f,\"workflow_rows_per_s\":%.0f,\"rows_per_s\":%.0f,\"loaded_table_bytes\":%zu,"
        "\"peak_table_bytes\":%zu,\"peak_rss_bytes\":%ld,\"rss_before_load_bytes\":%ld,"
        "\"final_rows\":%zu,\"counts\":{\"items_recovered\":%zu,\"totals_recomputed\":%zu,\"quantities_filled\":%zu,"
        "\"prices_filled\":%zu,\"items_recovered_after_fill\":%zu,\"rows_dropped\":%zu},"
        "\"top5\":%s,\"avg_by_payment\":%s,\"avg_by_location\":%s}\n",
        rows, fromFile ? static_cast<std::size_t>(std::filesystem::file_size(argv[2])) : csv.size(), phase["load"], phase["prepare"], phase["recover"], phase["drop"],
        phase["aggregate"], phase["date_parts"], total, loadSeconds, workflowSeconds,
        static_cast<double>(rows) / loadSeconds, static_cast<double>(rows) / workflowSeconds,
        static_cast<double>(rows) / total, loadedBytes, report.peakTableBytes, peakRssBytes(), rssBeforeLoad,
        report.finalRows, report.itemsRecovered, report.totalsRecomputed, report.quantitiesFilled,
        report.pricesFilled, report.itemsRecoveredAfterFill, report.rowsDropped, top5.c_str(),
        averagesJson(report.avgByPayment).c_str(), averagesJson(report.avgByLocation).c_str());
    return 0;
}
