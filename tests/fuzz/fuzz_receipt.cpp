// Fuzz target: the retail receipt decoder (engine::stream::ReceiptDecoder). A payload is rejected
// with a reason or decodes to lines whose totals add up; rejected payloads add no dictionary names.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>

#include "cityops/engine/stream/receipt_codec.h"
#include "fuzz_check.h"

using namespace cityops::engine::stream;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static ReceiptDecoder decoder([] {
        ReceiptLimits limits;
        limits.maxDictionaryItems = 4096;  // keep the fuzzer's memory bounded; DictionaryFull is reachable
        limits.maxDictionaryCategories = 64;
        return limits;
    }());
    static DecodedReceipt out;
    const std::size_t items = decoder.dictionary().itemCount();
    const ReceiptError error =
        decoder.decode(std::as_bytes(std::span(data, size)), std::numeric_limits<std::int64_t>::min(), out);
    if (error != ReceiptError::None) {
        FUZZ_CHECK(decoder.dictionary().itemCount() == items);
        FUZZ_CHECK(!toString(error).empty());
        return 0;
    }
    const ReceiptEvent& r = out.receipt;
    FUZZ_CHECK(r.itemCount >= 1 && r.itemCount <= kMaxReceiptItems);
    FUZZ_CHECK(std::isfinite(r.total) && r.total >= 0.0);
    std::uint64_t units = 0;
    for (const ReceiptItemEvent& line : out.lines()) {
        FUZZ_CHECK(std::isfinite(line.price) && line.price >= 0.0);
        FUZZ_CHECK(line.quantity > 0);
        FUZZ_CHECK(line.receiptId == r.receiptId);
        FUZZ_CHECK(!decoder.dictionary().itemName(line.itemId).empty());
        units += line.quantity;
    }
    FUZZ_CHECK(units == r.units);
    return 0;
}
