#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/simulation/city.h"
#include "cityops/simulation/scenario.h"

namespace cityops::simulation {

//! Product categories, modelled on a supermarket receipts data set.
enum class RetailCategory : std::uint8_t {
    Beverages,
    Food,
    Furniture,
    ElectricHouseholdEssentials,
    Butchers,
    ComputersAndElectricAccessories,
    MilkProducts,
    Patisserie,
};
inline constexpr int kRetailCategoryCount = 8;

//! Display name as in the data set ("Beverages", "Electric household essentials", ...).
std::string_view toString(RetailCategory category);

//! One product of the catalogue; names live in static storage, so receipts can point at them.
struct RetailItem {
    std::string_view name;
    RetailCategory category = RetailCategory::Food;
    double priceUah = 0.0;
};

//! The fixed product catalogue, grouped by category.
std::span<const RetailItem> retailCatalogue();

//! A store of the city that emits receipts.
struct Store {
    std::uint32_t id = 0;  //!< dense: stores[i].id == i
    std::string name;      //!< e.g. "Store-Podilskyi-02"
    std::uint16_t districtId = 0;
    GeoPoint position;
    std::uint16_t cashiers = 1;  //!< cashier ids are 1..cashiers
    double peakCustomersPerHour = 60.0;
};

//! One receipt line: a catalogue item bought quantity times.
struct ReceiptLine {
    std::string_view name;  //!< points into retailCatalogue()
    RetailCategory category = RetailCategory::Food;
    double priceUah = 0.0;  //!< unit price
    std::uint16_t quantity = 1;
};

inline constexpr std::size_t kMaxReceiptLines = 16;

//! A receipt for the receipts stream: a fixed-size value type (no heap), like engine::Reading.
struct Receipt {
    std::int64_t eventTimeMs = 0;
    std::uint64_t number = 0;  //!< per-store receipt number, 1, 2, ... in event-time order
    std::uint32_t storeId = 0;
    std::uint16_t cashierId = 0;
    std::uint16_t districtId = 0;
    std::uint8_t lineCount = 0;
    std::array<ReceiptLine, kMaxReceiptLines> lines{};

    std::span<const ReceiptLine> items() const { return {lines.data(), lineCount}; }
    double totalUah() const;
};

//! storesPerDistrict stores in each district of city (cashiers and size vary), deterministic from seed.
std::vector<Store> generateStores(const City& city, std::uint64_t seed, std::uint32_t storesPerDistrict = 3);

//! Generates receipts for stores in simulated time: opening hours 08–22 local (UTC+2) with lunch and
//! evening peaks, busier weekends, and retail_rush incidents (more customers, bigger baskets).
//! Deterministic: the same stores, scenario and seed give the same receipts whatever the step sizes.
//! Not thread-safe; one thread drives it.
class ReceiptGenerator {
public:
    ReceiptGenerator(std::vector<Store> stores, const City& city, const Scenario& scenario);
    ~ReceiptGenerator();
    ReceiptGenerator(const ReceiptGenerator&) = delete;
    ReceiptGenerator& operator=(const ReceiptGenerator&) = delete;

    std::int64_t now() const;
    //! Appends receipts with event time in [now(), untilMs) ordered by (time, store id) and moves now().
    void advanceTo(std::int64_t untilMs, std::vector<Receipt>& out);
    const std::vector<Store>& stores() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace cityops::simulation
