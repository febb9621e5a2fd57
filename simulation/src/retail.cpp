#include "cityops/simulation/retail.h"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "rng.h"
#include "sim_time.h"

namespace cityops::simulation {
namespace {

using detail::kMsPerDay;
using detail::kMsPerHour;
using detail::kMsPerMinute;
using detail::kMsPerSecond;
using detail::Rng;

using C = RetailCategory;
constexpr RetailItem kCatalogue[] = {
    {"Mineral water 1.5 l", C::Beverages, 28.0},
    {"Orange juice 1 l", C::Beverages, 62.0},
    {"Cola 0.5 l", C::Beverages, 31.5},
    {"Green tea 100 g", C::Beverages, 74.0},
    {"Ground coffee 250 g", C::Beverages, 189.0},
    {"Rye bread", C::Food, 34.0},
    {"Buckwheat 1 kg", C::Food, 58.0},
    {"Potatoes 2 kg", C::Food, 45.0},
    {"Sunflower oil 1 l", C::Food, 72.0},
    {"Apples 1 kg", C::Food, 39.0},
    {"Pasta 500 g", C::Food, 41.5},
    {"Eggs, 10", C::Food, 63.0},
    {"Folding chair", C::Furniture, 1'150.0},
    {"Bookshelf", C::Furniture, 2'890.0},
    {"Bedside table", C::Furniture, 1'720.0},
    {"LED bulb 10 W", C::ElectricHouseholdEssentials, 69.0},
    {"Extension cord 3 m", C::ElectricHouseholdEssentials, 245.0},
    {"AA batteries, 4", C::ElectricHouseholdEssentials, 119.0},
    {"Electric kettle", C::ElectricHouseholdEssentials, 899.0},
    {"Chicken fillet 1 kg", C::Butchers, 189.0},
    {"Pork neck 1 kg", C::Butchers, 265.0},
    {"Beef mince 500 g", C::Butchers, 159.0},
    {"Smoked sausage", C::Butchers, 134.0},
    {"USB-C cable", C::ComputersAndElectricAccessories, 199.0},
    {"Wireless mouse", C::ComputersAndElectricAccessories, 459.0},
    {"Power bank 10000 mAh", C::ComputersAndElectricAccessories, 899.0},
    {"Headphones", C::ComputersAndElectricAccessories, 1'299.0},
    {"Milk 2.5 % 900 g", C::MilkProducts, 42.0},
    {"Kefir 1 l", C::MilkProducts, 47.5},
    {"Sour cream 20 %", C::MilkProducts, 38.0},
    {"Cottage cheese 350 g", C::MilkProducts, 79.0},
    {"Hard cheese 200 g", C::MilkProducts, 112.0},
    {"Croissant", C::Patisserie, 29.0},
    {"Kyiv cake", C::Patisserie, 389.0},
    {"Eclair", C::Patisserie, 36.0},
    {"Honey cake slice", C::Patisserie, 54.0},
};

//! Chance, in per mille, that a basket line comes from each category (enum order).
constexpr std::array<std::uint32_t, kRetailCategoryCount> kCategoryPerMille{200, 280, 20, 70, 110, 30, 170, 120};

//! Customers as a fraction of the store's peak, at hh:00 local time (closed 22:00–08:00).
using HourProfile = std::array<double, 24>;
constexpr HourProfile kWeekday{0,    0,    0,    0,    0,    0,    0,    0,    0.35, 0.45, 0.50, 0.60,
                               0.85, 0.80, 0.55, 0.55, 0.65, 0.90, 1.00, 0.85, 0.60, 0.35, 0,    0};
constexpr HourProfile kWeekend{0,    0,    0,    0,    0,    0,    0,    0,    0.30, 0.55, 0.80, 0.95,
                               1.00, 1.00, 0.95, 0.90, 0.85, 0.85, 0.80, 0.70, 0.50, 0.30, 0,    0};
constexpr std::int64_t kLocalOffsetMs = 2 * kMsPerHour;
//! Customers arrive at most once per second per store; counts come from 60 Bernoulli draws per minute.
constexpr double kMaxArrivalChance = 0.9;

double openProfile(std::int64_t timeMs) {
    const std::int64_t local = timeMs + kLocalOffsetMs;
    const std::int64_t day = detail::floorDiv(local, kMsPerDay);
    const std::int64_t msOfDay = local - day * kMsPerDay;
    const int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7);
    const HourProfile& profile = weekday >= 5 ? kWeekend : kWeekday;
    const auto hour = static_cast<std::size_t>(msOfDay / kMsPerHour);
    if (profile[hour] == 0.0) {
        return 0.0;
    }
    const double next = profile[(hour + 1) % 24] == 0.0 ? profile[hour] : profile[(hour + 1) % 24];
    const double fraction = static_cast<double>(msOfDay % kMsPerHour) / static_cast<double>(kMsPerHour);
    return profile[hour] + (next - profile[hour]) * fraction;
}

struct Rush {
    int district = -1;  //!< -1 = every store
    std::int64_t startMs = 0;
    std::int64_t endMs = 0;
    double rateMultiplier = 1.0;
    double basketFactor = 1.0;
};

RetailCategory pickCategory(Rng& rng) {
    std::uint32_t roll = rng.below(1000);
    for (std::size_t c = 0; c < kCategoryPerMille.size(); ++c) {
        if (roll < kCategoryPerMille[c]) {
            return static_cast<RetailCategory>(c);
        }
        roll -= kCategoryPerMille[c];
    }
    return RetailCategory::Food;
}

const RetailItem& pickItem(Rng& rng, RetailCategory category) {
    std::uint32_t count = 0;
    for (const RetailItem& item : kCatalogue) {
        count += item.category == category ? 1 : 0;
    }
    std::uint32_t pick = rng.below(count);
    for (const RetailItem& item : kCatalogue) {
        if (item.category == category && pick-- == 0) {
            return item;
        }
    }
    return kCatalogue[0];
}

}  // namespace

std::string_view toString(RetailCategory category) {
    switch (category) {
        case C::Beverages:
            return "Beverages";
        case C::Food:
            return "Food";
        case C::Furniture:
            return "Furniture";
        case C::ElectricHouseholdEssentials:
            return "Electric household essentials";
        case C::Butchers:
            return "Butchers";
        case C::ComputersAndElectricAccessories:
            return "Computers and electric accessories";
        case C::MilkProducts:
            return "Milk Products";
        case C::Patisserie:
            return "Patisserie";
    }
    return "Food";
}

std::span<const RetailItem> retailCatalogue() {
    return kCatalogue;
}

double Receipt::totalUah() const {
    double total = 0.0;
    for (const ReceiptLine& line : items()) {
        total += line.priceUah * line.quantity;
    }
    return total;
}

std::vector<Store> generateStores(const City& city, std::uint64_t seed, std::uint32_t storesPerDistrict) {
    std::vector<Store> stores;
    Rng rng(seed ^ 0x53544f5245530000ULL);
    for (std::size_t d = 0; d < city.districts.size(); ++d) {
        for (std::uint32_t i = 0; i < storesPerDistrict; ++i) {
            Store store;
            store.id = static_cast<std::uint32_t>(stores.size());
            char name[96];
            std::snprintf(name, sizeof name, "Store-%s-%02u", city.districts[d].name.c_str(), i + 1);
            store.name = name;
            store.districtId = static_cast<std::uint16_t>(d);
            store.position = city.districts[d].centre;
            const bool large = rng.uniform() < 0.3;
            store.cashiers = static_cast<std::uint16_t>(large ? 6 + rng.below(5) : 1 + rng.below(3));
            store.peakCustomersPerHour = large ? rng.uniform(150.0, 240.0) : rng.uniform(30.0, 80.0);
            stores.push_back(std::move(store));
        }
    }
    return stores;
}

struct ReceiptGenerator::Impl {
    std::vector<Store> stores;
    std::vector<std::uint64_t> numbers;  //!< last receipt number per store
    std::vector<Rush> rushes;
    std::int64_t now = 0;
    std::uint64_t seedKey = 0;
    std::vector<Receipt> staged;  //!< every receipt of stagedMinute, sorted by (time, store)
    std::int64_t stagedMinute = std::numeric_limits<std::int64_t>::min();

    void rushAt(const Store& store, std::int64_t timeMs, double& rate, double& basket) const {
        for (const Rush& rush : rushes) {
            if ((rush.district < 0 || rush.district == store.districtId) && timeMs >= rush.startMs &&
                timeMs < rush.endMs) {
                rate = std::max(rate, rush.rateMultiplier);
                basket = std::max(basket, rush.basketFactor);
            }
        }
    }

    //! Every receipt of one store in the minute starting at minuteMs: a pure function of its inputs.
    void generateMinute(const Store& store, std::int64_t minuteMs) {
        double rate = 1.0;
        double basket = 1.0;
        rushAt(store, minuteMs, rate, basket);
        const double perSecond =
            std::min(kMaxArrivalChance, store.peakCustomersPerHour / 3'600.0 * openProfile(minuteMs) * rate);
        if (perSecond <= 0.0) {
            return;
        }
        Rng rng(seedKey ^ detail::mix64((std::uint64_t{store.id} << 40) ^ static_cast<std::uint64_t>(minuteMs)));
        for (int second = 0; second < 60; ++second) {
            if (rng.uniform() >= perSecond) {
                continue;
            }
            Receipt& receipt = staged.emplace_back();
            receipt.eventTimeMs = minuteMs + second * kMsPerSecond + rng.below(1'000);
            receipt.storeId = store.id;
            receipt.districtId = store.districtId;
            receipt.cashierId = static_cast<std::uint16_t>(1 + rng.below(store.cashiers));
            const double lines = static_cast<double>(1 + rng.below(3) + rng.below(4)) * basket;
            receipt.lineCount = static_cast<std::uint8_t>(
                std::min<double>(kMaxReceiptLines, std::max(1.0, static_cast<double>(static_cast<int>(lines + 0.5)))));
            for (std::size_t i = 0; i < receipt.lineCount; ++i) {
                const RetailItem& item = pickItem(rng, pickCategory(rng));
                const std::uint32_t q = rng.below(10);
                receipt.lines[i] = {item.name, item.category, item.priceUah,
                                    static_cast<std::uint16_t>(q < 7 ? 1 : (q < 9 ? 2 : 3))};
            }
        }
    }
};

ReceiptGenerator::ReceiptGenerator(std::vector<Store> stores, const City& city, const Scenario& scenario)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->stores = std::move(stores);
    m_impl->numbers.assign(m_impl->stores.size(), 0);
    m_impl->now = scenario.startTimeMs;
    m_impl->seedKey = detail::mix64(scenario.seed ^ 0x5245434549505453ULL);
    for (const Incident& incident : scenario.incidents) {
        if (incident.kind != IncidentKind::RetailRush) {
            continue;
        }
        Rush rush;
        if (!incident.district.empty()) {
            const auto found = std::find_if(city.districts.begin(), city.districts.end(),
                                            [&incident](const District& d) { return d.name == incident.district; });
            if (found == city.districts.end()) {
                continue;
            }
            rush.district = static_cast<int>(found - city.districts.begin());
        }
        rush.startMs = scenario.startTimeMs + incident.startOffsetMs;
        rush.endMs = rush.startMs + incident.durationMs;
        rush.rateMultiplier = incident.rateMultiplier;
        rush.basketFactor = incident.basketFactor;
        m_impl->rushes.push_back(rush);
    }
}

ReceiptGenerator::~ReceiptGenerator() = default;

std::int64_t ReceiptGenerator::now() const {
    return m_impl->now;
}

void ReceiptGenerator::advanceTo(std::int64_t untilMs, std::vector<Receipt>& out) {
    Impl& d = *m_impl;
    if (untilMs <= d.now) {
        return;
    }
    for (std::int64_t minute = detail::floorDiv(d.now, kMsPerMinute) * kMsPerMinute; minute < untilMs;
         minute += kMsPerMinute) {
        if (minute != d.stagedMinute) {
            d.staged.clear();
            for (const Store& store : d.stores) {
                d.generateMinute(store, minute);
            }
            std::sort(d.staged.begin(), d.staged.end(), [](const Receipt& a, const Receipt& b) {
                return a.eventTimeMs != b.eventTimeMs ? a.eventTimeMs < b.eventTimeMs : a.storeId < b.storeId;
            });
            d.stagedMinute = minute;
        }
        for (const Receipt& receipt : d.staged) {
            if (receipt.eventTimeMs >= d.now && receipt.eventTimeMs < untilMs) {
                Receipt& emitted = out.emplace_back(receipt);
                emitted.number = ++d.numbers[receipt.storeId];
            }
        }
    }
    d.now = untilMs;
}

const std::vector<Store>& ReceiptGenerator::stores() const {
    return m_impl->stores;
}

}  // namespace cityops::simulation
