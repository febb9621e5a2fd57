#pragma once

// The JSON wire format of retail receipts (docs/EVENT_FORMAT.md), the retail stream of the Spark
// seed. One JSON object per receipt:
//
//   {"store_id":3,"cashier_id":2,"receipt_number":1042,"timestamp":"2026-11-23T10:00:00.123Z",
//    "district_id":4,"items":[{"name":"Cola 0.5 l","category":"Beverages","price":31.5,"quantity":2}]}
//
// "district_id" is optional (default 0). Unknown members are ignored. The decoder turns a receipt
// into fixed-size engine values: one ReceiptEvent and one ReceiptItemEvent per line, with item and
// category names mapped to small integer ids by a dictionary the decoder owns.

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! A receipt as the receipts jobs see it (top stores by revenue, receipts over 500).
struct ReceiptEvent {
    std::int64_t eventTimeMs = 0;
    std::uint64_t receiptId = 0;  //!< receiptIdOf(storeId, number): unique per store and number
    std::uint32_t storeId = 0;
    std::uint16_t cashierId = 0;
    std::uint16_t districtId = 0;
    double total = 0.0;           //!< Σ price × quantity, UAH
    std::uint32_t itemCount = 0;  //!< lines on the receipt (one ReceiptItemEvent each)
    std::uint32_t units = 0;      //!< Σ quantity
};

//! One receipt line (popular items per category).
struct ReceiptItemEvent {
    std::int64_t eventTimeMs = 0;
    std::uint64_t receiptId = 0;
    std::uint32_t storeId = 0;
    std::uint32_t itemId = 0;      //!< ReceiptDictionary id of the item name
    std::uint16_t categoryId = 0;  //!< ReceiptDictionary id of the category name
    std::uint16_t quantity = 0;
    double price = 0.0;  //!< unit price, UAH
};

//! Most lines a receipt may have (the simulator writes at most 16).
inline constexpr std::size_t kMaxReceiptItems = 64;

//! The id of receipt `number` of store `storeId`: storeId × 2^40 + number (stores < 2^24, numbers < 2^40).
inline std::uint64_t receiptIdOf(std::uint32_t storeId, std::uint64_t number) {
    return (static_cast<std::uint64_t>(storeId) << 40) | (number & ((1ull << 40) - 1));
}

//! Item and category names ↔ small dense ids. Categories start with the data set's eight, in the
//! simulator's RetailCategory order (Beverages = 0 ... Patisserie = 7). Ids are assigned in order of
//! first appearance, so a job checkpoints the dictionary with its state to keep ids across restarts.
//! Not thread-safe: owned by one decoder.
class ReceiptDictionary {
public:
    ReceiptDictionary();
    ~ReceiptDictionary();
    ReceiptDictionary(const ReceiptDictionary&) = delete;
    ReceiptDictionary& operator=(const ReceiptDictionary&) = delete;

    static constexpr std::uint32_t kAbsent = 0xffffffffu;

    //! Id of an item name, or kAbsent when the name is not known.
    std::uint32_t findItem(std::string_view name) const;
    std::uint32_t findCategory(std::string_view name) const;
    //! Id of a name, added when new; kAbsent when the dictionary is full (limit given at construction
    //! of the decoder). Adding allocates; looking up a known name does not.
    std::uint32_t internItem(std::string_view name);
    std::uint32_t internCategory(std::string_view name);
    //! The name of an id, for display; empty for an unknown id.
    std::string_view itemName(std::uint32_t itemId) const;
    std::string_view categoryName(std::uint16_t categoryId) const;
    std::size_t itemCount() const;
    std::size_t categoryCount() const;

    void setLimits(std::size_t maxItems, std::size_t maxCategories);
    //! Writes all names in id order; restore() replaces the contents (false if malformed).
    void snapshot(StateWriter& writer) const;
    bool restore(StateReader& reader);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

//! Why a receipt was rejected; each is counted and the payload kept as a dead letter.
enum class ReceiptError : std::uint8_t {
    None,
    Oversize,           //!< payload larger than ReceiptLimits::maxPayloadBytes
    MalformedJson,      //!< not a JSON object
    MissingField,       //!< store_id, cashier_id, receipt_number, timestamp, items or an item's member absent
    WrongType,          //!< e.g. price is a string, quantity fractional, ids out of range
    NonFiniteValue,     //!< a price NaN or ±Inf (also as the strings "NaN", "Infinity")
    InvalidValue,       //!< negative price, zero quantity, empty name or category, no items
    TooManyItems,       //!< more lines than ReceiptLimits::maxItems
    TimestampTooOld,    //!< more than maxPastMs before the reference time
    TimestampInFuture,  //!< more than maxFutureMs after the reference time
    UnknownStore,       //!< store_id >= ReceiptLimits::storeCount (when set)
    DictionaryFull,     //!< a new item or category name beyond the dictionary's limit
};
inline constexpr int kReceiptErrorCount = 12;

//! Stable lower-case name ("too_many_items"), used as the dead-letter reason and metric label.
std::string_view toString(ReceiptError error);

struct ReceiptLimits {
    std::size_t maxPayloadBytes = 16384;
    std::size_t maxItems = kMaxReceiptItems;  //!< at most kMaxReceiptItems
    std::uint32_t storeCount = 0;             //!< 0: any store id is accepted
    std::int64_t maxPastMs = 400LL * 24 * 3600 * 1000;
    std::int64_t maxFutureMs = 3600LL * 1000;
    std::size_t maxDictionaryItems = 1u << 20;
    std::size_t maxDictionaryCategories = 1024;
};

//! A decoded receipt: fixed size, no heap.
struct DecodedReceipt {
    ReceiptEvent receipt;
    std::array<ReceiptItemEvent, kMaxReceiptItems> items{};

    std::span<const ReceiptItemEvent> lines() const { return {items.data(), receipt.itemCount}; }
};

//! Decodes receipt payloads. Reuses one parser and one padded buffer; a valid payload whose names
//! are all known does not allocate. Not thread-safe: one decoder per thread.
class ReceiptDecoder {
public:
    explicit ReceiptDecoder(ReceiptLimits limits = {});
    ~ReceiptDecoder();
    ReceiptDecoder(const ReceiptDecoder&) = delete;
    ReceiptDecoder& operator=(const ReceiptDecoder&) = delete;

    //! Decodes one payload; referenceMs as for ReadingDecoder (INT64_MIN skips the time checks).
    //! A rejected payload adds no names to the dictionary.
    ReceiptError decode(std::span<const std::byte> payload, std::int64_t referenceMs, DecodedReceipt& out);
    //! Rejections so far, indexed by ReceiptError (index 0 counts accepted payloads).
    const std::array<std::uint64_t, kReceiptErrorCount>& counts() const;
    ReceiptDictionary& dictionary();
    const ReceiptDictionary& dictionary() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

//! A receipt line to encode: the simulator's ReceiptLine maps onto it (category as its display name).
struct ReceiptLineView {
    std::string_view name;
    std::string_view category;
    double price = 0.0;
    std::uint16_t quantity = 1;
};

//! A receipt to encode (the simulator's Receipt maps onto it field by field).
struct ReceiptView {
    std::int64_t eventTimeMs = 0;
    std::uint64_t number = 0;
    std::uint32_t storeId = 0;
    std::uint16_t cashierId = 0;
    std::uint16_t districtId = 0;
    std::span<const ReceiptLineView> lines;
};

//! Writes receipt as one JSON object (no newline) into out; returns the bytes written or 0 if out is
//! too small. Never allocates. The timestamp is written as ms since the epoch.
std::size_t encodeReceiptJson(const ReceiptView& receipt, std::span<char> out);

}  // namespace cityops::engine::stream
