#include "cityops/engine/stream/receipt_codec.h"

#include <algorithm>
#include <cstring>

#include "json_support.h"

namespace cityops::engine::stream {
namespace {

using detail::FieldStatus;
using simdjson::dom::element;

//! The data set's categories in the simulator's RetailCategory order, so their ids match it.
constexpr std::string_view kSeedCategories[] = {
    "Beverages", "Food",  "Furniture", "Electric household essentials", "Butchers", "Computers and electric accessories",
    "Milk Products", "Patisserie",
};

//! Names ↔ dense ids: names in id order plus an open-addressing table of ids by name hash.
class NameTable {
public:
    std::uint32_t find(std::string_view name) const {
        if (m_slots.empty()) {
            return ReceiptDictionary::kAbsent;
        }
        for (std::size_t i = detail::fnv1a(name) & m_mask;; i = (i + 1) & m_mask) {
            const std::uint32_t id = m_slots[i];
            if (id == ReceiptDictionary::kAbsent) {
                return id;
            }
            if (m_names[id] == name) {
                return id;
            }
        }
    }
    std::uint32_t add(std::string_view name) {
        if ((m_names.size() + 1) * 2 > m_slots.size()) {
            rehash(std::max<std::size_t>(64, m_slots.size() * 2));
        }
        const auto id = static_cast<std::uint32_t>(m_names.size());
        m_names.emplace_back(name);
        place(id);
        return id;
    }
    std::string_view name(std::uint32_t id) const { return id < m_names.size() ? std::string_view(m_names[id]) : ""; }
    std::size_t size() const { return m_names.size(); }
    const std::vector<std::string>& names() const { return m_names; }
    void clear() {
        m_names.clear();
        std::fill(m_slots.begin(), m_slots.end(), ReceiptDictionary::kAbsent);
    }

private:
    void place(std::uint32_t id) {
        for (std::size_t i = detail::fnv1a(m_names[id]) & m_mask;; i = (i + 1) & m_mask) {
            if (m_slots[i] == ReceiptDictionary::kAbsent) {
                m_slots[i] = id;
                return;
            }
        }
    }
    void rehash(std::size_t capacity) {
        m_slots.assign(capacity, ReceiptDictionary::kAbsent);
        m_mask = capacity - 1;
        for (std::uint32_t id = 0; id < m_names.size(); ++id) {
            place(id);
        }
    }

    std::vector<std::string> m_names;
    std::vector<std::uint32_t> m_slots;
    std::size_t m_mask = 0;
};

ReceiptError errorOf(FieldStatus status) {
    switch (status) {
        case FieldStatus::Ok:
            return ReceiptError::None;
        case FieldStatus::WrongType:
            return ReceiptError::WrongType;
        case FieldStatus::NonFinite:
            return ReceiptError::NonFiniteValue;
    }
    return ReceiptError::WrongType;
}

enum ReceiptField : std::uint8_t { kStore, kCashier, kNumber, kTimestamp, kDistrict, kItems, kOtherField };
constexpr unsigned kRequiredReceipt = (1u << kStore) | (1u << kCashier) | (1u << kNumber) | (1u << kTimestamp) | (1u << kItems);

ReceiptField receiptFieldOf(std::string_view key) {
    if (key == "store_id") {
        return kStore;
    }
    if (key == "cashier_id") {
        return kCashier;
    }
    if (key == "receipt_number") {
        return kNumber;
    }
    if (key == "timestamp") {
        return kTimestamp;
    }
    if (key == "district_id") {
        return kDistrict;
    }
    if (key == "items") {
        return kItems;
    }
    return kOtherField;
}

//! One line as read, before its names are interned.
struct PendingLine {
    std::string_view name;
    std::string_view category;
    double price = 0.0;
    std::uint16_t quantity = 0;
};

ReceiptError readLine(element item, PendingLine& line) {
    simdjson::dom::object object;
    if (item.get_object().get(object) != simdjson::SUCCESS) {
        return ReceiptError::WrongType;
    }
    unsigned seen = 0;
    ReceiptError error = ReceiptError::None;
    const auto note = [&](ReceiptError e) {
        if (error == ReceiptError::None) {
            error = e;
        }
    };
    for (const auto member : object) {
        const std::string_view key = member.key;
        if (key == "name" || key == "category") {
            std::string_view text;
            if (member.value.get_string().get(text) != simdjson::SUCCESS) {
                note(ReceiptError::WrongType);
            } else if (text.empty()) {
                note(ReceiptError::InvalidValue);
            }
            (key == "name" ? line.name : line.category) = text;
            seen |= key == "name" ? 1u : 2u;
        } else if (key == "price") {
            const ReceiptError e = errorOf(detail::readFiniteDouble(member.value, line.price));
            note(e != ReceiptError::None ? e : (line.price < 0.0 ? ReceiptError::InvalidValue : ReceiptError::None));
            seen |= 4u;
        } else if (key == "quantity") {
            std::uint64_t quantity = 0;
            const ReceiptError e = errorOf(detail::readUnsigned(member.value, 0xffff, quantity));
            note(e != ReceiptError::None ? e : (quantity == 0 ? ReceiptError::InvalidValue : ReceiptError::None));
            line.quantity = static_cast<std::uint16_t>(quantity);
            seen |= 8u;
        }
    }
    if (error != ReceiptError::None) {
        return error;
    }
    return seen == 15u ? ReceiptError::None : ReceiptError::MissingField;
}

}  // namespace

std::string_view toString(ReceiptError error) {
    switch (error) {
        case ReceiptError::None:
            return "none";
        case ReceiptError::Oversize:
            return "oversize";
        case ReceiptError::MalformedJson:
            return "malformed_json";
        case ReceiptError::MissingField:
            return "missing_field";
        case ReceiptError::WrongType:
            return "wrong_type";
        case ReceiptError::NonFiniteValue:
            return "non_finite_value";
        case ReceiptError::InvalidValue:
            return "invalid_value";
        case ReceiptError::TooManyItems:
            return "too_many_items";
        case ReceiptError::TimestampTooOld:
            return "timestamp_too_old";
        case ReceiptError::TimestampInFuture:
            return "timestamp_in_future";
        case ReceiptError::UnknownStore:
            return "unknown_store";
        case ReceiptError::DictionaryFull:
            return "dictionary_full";
    }
    return "unknown_error";
}

struct ReceiptDictionary::Impl {
    NameTable items;
    NameTable categories;
    std::size_t maxItems = ReceiptLimits{}.maxDictionaryItems;
    std::size_t maxCategories = ReceiptLimits{}.maxDictionaryCategories;

    void seed() {
        for (const std::string_view name : kSeedCategories) {
            categories.add(name);
        }
    }
};

ReceiptDictionary::ReceiptDictionary() : m_impl(std::make_unique<Impl>()) { m_impl->seed(); }
ReceiptDictionary::~ReceiptDictionary() = default;

std::uint32_t ReceiptDictionary::findItem(std::string_view name) const { return m_impl->items.find(name); }
std::uint32_t ReceiptDictionary::findCategory(std::string_view name) const { return m_impl->categories.find(name); }

std::uint32_t ReceiptDictionary::internItem(std::string_view name) {
    const std::uint32_t id = m_impl->items.find(name);
    if (id != kAbsent || m_impl->items.size() >= m_impl->maxItems) {
        return id;
    }
    return m_impl->items.add(name);
}

std::uint32_t ReceiptDictionary::internCategory(std::string_view name) {
    const std::uint32_t id = m_impl->categories.find(name);
    if (id != kAbsent || m_impl->categories.size() >= m_impl->maxCategories) {
        return id;
    }
    return m_impl->categories.add(name);
}

std::string_view ReceiptDictionary::itemName(std::uint32_t itemId) const { return m_impl->items.name(itemId); }
std::string_view ReceiptDictionary::categoryName(std::uint16_t categoryId) const {
    return m_impl->categories.name(categoryId);
}
std::size_t ReceiptDictionary::itemCount() const { return m_impl->items.size(); }
std::size_t ReceiptDictionary::categoryCount() const { return m_impl->categories.size(); }

void ReceiptDictionary::setLimits(std::size_t maxItems, std::size_t maxCategories) {
    m_impl->maxItems = std::min<std::size_t>(maxItems, 0xfffffffeu);
    m_impl->maxCategories = std::min<std::size_t>(maxCategories, 0xffffu);
}

void ReceiptDictionary::snapshot(StateWriter& writer) const {
    for (const NameTable* table : {&m_impl->items, &m_impl->categories}) {
        writer.put<std::uint64_t>(table->size());
        for (const std::string& name : table->names()) {
            writer.putString(name);
        }
    }
}

bool ReceiptDictionary::restore(StateReader& reader) {
    NameTable items;
    NameTable categories;
    for (NameTable* table : {&items, &categories}) {
        const auto count = reader.get<std::uint64_t>();
        for (std::uint64_t i = 0; i < count && !reader.failed(); ++i) {
            const std::string name = reader.getString();
            if (reader.failed() || table->find(name) != kAbsent) {
                reader.fail();  // a repeated name cannot come from snapshot()
                break;
            }
            table->add(name);
        }
    }
    if (reader.failed()) {
        return false;
    }
    m_impl->items = std::move(items);
    m_impl->categories = std::move(categories);
    return true;
}

struct ReceiptDecoder::Impl {
    ReceiptLimits limits;
    simdjson::dom::parser parser;
    std::vector<char> buffer;
    std::array<std::uint64_t, kReceiptErrorCount> counts{};
    ReceiptDictionary dictionary;
    std::array<PendingLine, kMaxReceiptItems> pending{};
    bool ready = false;

    ReceiptError decode(std::span<const std::byte> payload, std::int64_t referenceMs, DecodedReceipt& out);
    ReceiptError readItems(element items, std::size_t& count);
};

ReceiptDecoder::ReceiptDecoder(ReceiptLimits limits) : m_impl(std::make_unique<Impl>()) {
    limits.maxItems = std::min(limits.maxItems, kMaxReceiptItems);
    m_impl->limits = limits;
    m_impl->dictionary.setLimits(limits.maxDictionaryItems, limits.maxDictionaryCategories);
    m_impl->ready = detail::preallocate(m_impl->parser, m_impl->buffer, limits.maxPayloadBytes);
}

ReceiptDecoder::~ReceiptDecoder() = default;

const std::array<std::uint64_t, kReceiptErrorCount>& ReceiptDecoder::counts() const { return m_impl->counts; }
ReceiptDictionary& ReceiptDecoder::dictionary() { return m_impl->dictionary; }
const ReceiptDictionary& ReceiptDecoder::dictionary() const { return m_impl->dictionary; }

ReceiptError ReceiptDecoder::decode(std::span<const std::byte> payload, std::int64_t referenceMs, DecodedReceipt& out) {
    const ReceiptError error = m_impl->decode(payload, referenceMs, out);
    ++m_impl->counts[static_cast<std::size_t>(error)];
    return error;
}

ReceiptError ReceiptDecoder::Impl::readItems(element items, std::size_t& count) {
    simdjson::dom::array array;
    if (items.get_array().get(array) != simdjson::SUCCESS) {
        return ReceiptError::WrongType;
    }
    if (array.size() > limits.maxItems) {
        return ReceiptError::TooManyItems;
    }
    if (array.size() == 0) {
        return ReceiptError::InvalidValue;
    }
    count = 0;
    for (const element item : array) {
        PendingLine& line = pending[count++];
        line = PendingLine{};
        if (const ReceiptError error = readLine(item, line); error != ReceiptError::None) {
            return error;
        }
    }
    return ReceiptError::None;
}

ReceiptError ReceiptDecoder::Impl::decode(std::span<const std::byte> payload, std::int64_t referenceMs,
                                          DecodedReceipt& out) {
    if (payload.size() > limits.maxPayloadBytes) {
        return ReceiptError::Oversize;
    }
    if (!ready) {
        return ReceiptError::MalformedJson;
    }
    std::memcpy(buffer.data(), payload.data(), payload.size());
    std::memset(buffer.data() + payload.size(), 0, simdjson::SIMDJSON_PADDING);
    element root;
    if (parser.parse(buffer.data(), payload.size(), false).get(root) != simdjson::SUCCESS) {
        return detail::hasBareNonFiniteToken(std::string_view(buffer.data(), payload.size()))
                   ? ReceiptError::NonFiniteValue
                   : ReceiptError::MalformedJson;
    }
    simdjson::dom::object object;
    if (root.get_object().get(object) != simdjson::SUCCESS) {
        return ReceiptError::MalformedJson;
    }
    ReceiptEvent receipt;
    std::uint64_t number = 0;
    std::size_t lineCount = 0;
    unsigned seen = 0;
    ReceiptError fieldError = ReceiptError::None;
    for (const auto member : object) {
        const ReceiptField id = receiptFieldOf(member.key);
        ReceiptError error = ReceiptError::None;
        std::uint64_t value = 0;
        switch (id) {
            case kStore:
                error = errorOf(detail::readUnsigned(member.value, (1u << 24) - 1, value));
                receipt.storeId = static_cast<std::uint32_t>(value);
                break;
            case kCashier:
                error = errorOf(detail::readUnsigned(member.value, 0xffff, value));
                receipt.cashierId = static_cast<std::uint16_t>(value);
                break;
            case kNumber:
                error = errorOf(detail::readUnsigned(member.value, (1ull << 40) - 1, number));
                break;
            case kTimestamp:
                error = errorOf(detail::readTimestamp(member.value, receipt.eventTimeMs));
                break;
            case kDistrict:
                error = errorOf(detail::readUnsigned(member.value, 0xffff, value));
                receipt.districtId = static_cast<std::uint16_t>(value);
                break;
            case kItems:
                error = readItems(member.value, lineCount);
                break;
            case kOtherField:
                break;
        }
        if (error != ReceiptError::None && fieldError == ReceiptError::None) {
            fieldError = error;
        }
        if (id != kOtherField) {
            seen |= 1u << id;
        }
    }
    if (fieldError != ReceiptError::None) {
        return fieldError;
    }
    if ((seen & kRequiredReceipt) != kRequiredReceipt) {
        return ReceiptError::MissingField;
    }
    if (limits.storeCount != 0 && receipt.storeId >= limits.storeCount) {
        return ReceiptError::UnknownStore;
    }
    const int window = detail::timestampWindowCheck(receipt.eventTimeMs, referenceMs, limits.maxPastMs, limits.maxFutureMs);
    if (window != 0) {
        return window < 0 ? ReceiptError::TimestampTooOld : ReceiptError::TimestampInFuture;
    }
    // Intern names only once the receipt is known good, and all or none of them.
    std::size_t newItems = 0;
    std::size_t newCategories = 0;
    for (std::size_t i = 0; i < lineCount; ++i) {
        newItems += dictionary.findItem(pending[i].name) == ReceiptDictionary::kAbsent ? 1 : 0;
        newCategories += dictionary.findCategory(pending[i].category) == ReceiptDictionary::kAbsent ? 1 : 0;
    }
    if (dictionary.itemCount() + newItems > limits.maxDictionaryItems ||
        dictionary.categoryCount() + newCategories > std::min<std::size_t>(limits.maxDictionaryCategories, 0xffff)) {
        return ReceiptError::DictionaryFull;
    }
    receipt.receiptId = receiptIdOf(receipt.storeId, number);
    receipt.itemCount = static_cast<std::uint32_t>(lineCount);
    for (std::size_t i = 0; i < lineCount; ++i) {
        const PendingLine& line = pending[i];
        ReceiptItemEvent& item = out.items[i];
        item.eventTimeMs = receipt.eventTimeMs;
        item.receiptId = receipt.receiptId;
        item.storeId = receipt.storeId;
        item.itemId = dictionary.internItem(line.name);
        item.categoryId = static_cast<std::uint16_t>(dictionary.internCategory(line.category));
        item.quantity = line.quantity;
        item.price = line.price;
        receipt.total += line.price * line.quantity;
        receipt.units += line.quantity;
    }
    out.receipt = receipt;
    return ReceiptError::None;
}

std::size_t encodeReceiptJson(const ReceiptView& receipt, std::span<char> out) {
    char* const end = out.data() + out.size();
    char* p = detail::appendRaw(out.data(), end, "{\"store_id\":");
    p = detail::appendUnsigned(p, end, receipt.storeId);
    p = detail::appendRaw(p, end, ",\"cashier_id\":");
    p = detail::appendUnsigned(p, end, receipt.cashierId);
    p = detail::appendRaw(p, end, ",\"receipt_number\":");
    p = detail::appendUnsigned(p, end, receipt.number);
    p = detail::appendRaw(p, end, ",\"timestamp\":");
    p = detail::appendInt(p, end, receipt.eventTimeMs);
    p = detail::appendRaw(p, end, ",\"district_id\":");
    p = detail::appendUnsigned(p, end, receipt.districtId);
    p = detail::appendRaw(p, end, ",\"items\":[");
    bool first = true;
    for (const ReceiptLineView& line : receipt.lines) {
        p = detail::appendRaw(p, end, first ? "{\"name\":" : ",{\"name\":");
        first = false;
        p = detail::appendJsonString(p, end, line.name);
        p = detail::appendRaw(p, end, ",\"category\":");
        p = detail::appendJsonString(p, end, line.category);
        p = detail::appendRaw(p, end, ",\"price\":");
        p = detail::appendDouble(p, end, line.price);
        p = detail::appendRaw(p, end, ",\"quantity\":");
        p = detail::appendUnsigned(p, end, line.quantity);
        p = detail::appendRaw(p, end, "}");
    }
    p = detail::appendRaw(p, end, "]}");
    return p == nullptr ? 0 : static_cast<std::size_t>(p - out.data());
}

}  // namespace cityops::engine::stream
