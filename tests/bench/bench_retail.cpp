// Retail workflow throughput: generates CSV text with the retail_store_sales schema and its missing-value
// pattern, then times load (CSV reader) and the workflow. Prints one JSON object. Usage: bench_retail [rows]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

#include "cityops/engine/batch/csv_reader.h"
#include "cityops/engine/batch/retail_workflow.h"

using namespace cityops::engine::batch;

namespace {

std::string generate(std::size_t rows) {
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
    text.reserve(rows * 110);
    char line[512];
    for (std::size_t i = 0; i < rows; ++i) {
        const auto& category = kCategories[rng() % 8];
        const unsigned item = 1 + static_cast<unsigned>(rng() % 25);
        const double price = 5.0 + 1.5 * item;
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
    }
    return text;
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
    const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1'000'000;
    const std::string csv = generate(rows);
    auto start = std::chrono::steady_clock::now();
    auto loaded = readCsvText(csv);
    const double loadSeconds = secondsSince(start);
    if (!loaded) {
        std::fprintf(stderr, "load failed: %s\n", loaded.error().c_str());
        return 1;
    }
    start = std::chrono::steady_clock::now();
    const RetailReport report = runRetailWorkflow(loaded.value().table);
    const double workflowSeconds = secondsSince(start);
    const double total = loadSeconds + workflowSeconds;
    std::printf(
        "{\"benchmark\":\"retail_workflow\",\"rows\":%zu,\"csv_bytes\":%zu,\"load_s\":%.3f,\"workflow_s\":%.3f,"
        "\"load_rows_per_s\":%.0f,\"workflow_rows_per_s\":%.0f,\"rows_per_s\":%.0f,\"peak_table_bytes\":%zu,"
        "\"items_recovered\":%zu,\"items_recovered_after_fill\":%zu,\"rows_dropped\":%zu,\"final_rows\":%zu}\n",
        rows, csv.size(), loadSeconds, workflowSeconds, static_cast<double>(rows) / loadSeconds,
        static_cast<double>(rows) / workflowSeconds, static_cast<double>(rows) / total, report.peakTableBytes,
        report.itemsRecovered, report.itemsRecoveredAfterFill, report.rowsDropped, report.finalRows);
    return 0;
}
