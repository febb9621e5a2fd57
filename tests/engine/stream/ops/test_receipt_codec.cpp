#include <QtTest>
#include <bit>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "cityops/engine/stream/receipt_codec.h"
#include "ops_test_support.h"

using namespace cityops::engine;
using namespace cityops::engine::stream;
using cityops::engine::test::bytesOf;
using cityops::engine::test::qs;

namespace {

constexpr std::int64_t kNoReference = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kNow = 1'795'426'800'000;

#define QCOMPARE_ERR(actual, expected) QCOMPARE(qs(toString(actual)), qs(toString(expected)))

const char* const kValid =
    R"({"store_id":3,"cashier_id":2,"receipt_number":1042,"timestamp":"2026-11-23T10:00:00.123Z","district_id":4,)"
    R"("items":[{"name":"Cola 0.5 l","category":"Beverages","price":31.5,"quantity":2},)"
    R"({"name":"Kyiv cake","category":"Patisserie","price":389,"quantity":1}]})";

ReceiptError decodeText(std::string_view text, ReceiptLimits limits = {}, std::int64_t reference = kNoReference) {
    ReceiptDecoder decoder(limits);
    DecodedReceipt out;
    return decoder.decode(bytesOf(text), reference, out);
}

std::string replaced(std::string text, std::string_view from, std::string_view to) {
    const auto at = text.find(from);
    if (at == std::string::npos) {
        qFatal("test payload does not contain the text to replace");
    }
    text.replace(at, from.size(), to);
    return text;
}

}  // namespace

//! The receipt JSON codec: round trips, dictionary ids, rejections.
class TestReceiptCodec : public QObject {
    Q_OBJECT

private slots:
    void decodesTheDocumentedExample();
    void roundTripOfRandomReceipts();
    void dictionaryIdsAreStableAndRestorable();
    void namesNeedEscaping();
    void rejections();
    void rejections_data();
    void limits();
    void rejectedReceiptAddsNoNames();
    void randomBytesNeverCrash();
};

void TestReceiptCodec::decodesTheDocumentedExample() {
    ReceiptDecoder decoder;
    DecodedReceipt out;
    QCOMPARE_ERR(decoder.decode(bytesOf(kValid), kNow, out), ReceiptError::None);
    const ReceiptEvent& r = out.receipt;
    QCOMPARE(r.eventTimeMs, 1795428000123);
    QCOMPARE(r.storeId, 3u);
    QCOMPARE(r.cashierId, std::uint16_t{2});
    QCOMPARE(r.districtId, std::uint16_t{4});
    QCOMPARE(r.receiptId, receiptIdOf(3, 1042));
    QCOMPARE(r.itemCount, 2u);
    QCOMPARE(r.units, 3u);
    QCOMPARE(r.total, 31.5 * 2 + 389.0);
    QCOMPARE(out.lines().size(), std::size_t{2});
    const ReceiptItemEvent& cola = out.lines()[0];
    QCOMPARE(cola.eventTimeMs, r.eventTimeMs);
    QCOMPARE(cola.receiptId, r.receiptId);
    QCOMPARE(cola.storeId, 3u);
    QCOMPARE(cola.quantity, std::uint16_t{2});
    QCOMPARE(cola.price, 31.5);
    QCOMPARE(qs(decoder.dictionary().itemName(cola.itemId)), QStringLiteral("Cola 0.5 l"));
    QCOMPARE(cola.categoryId, std::uint16_t{0});  // Beverages: the simulator's RetailCategory order
    QCOMPARE(out.lines()[1].categoryId, std::uint16_t{7});  // Patisserie
    QCOMPARE(qs(decoder.dictionary().categoryName(7)), QStringLiteral("Patisserie"));
    QCOMPARE(qs(decoder.dictionary().categoryName(6)), QStringLiteral("Milk Products"));
    QVERIFY(decoder.dictionary().itemName(999).empty());
    // district_id is optional; unknown members are ignored.
    const std::string noDistrict = replaced(kValid, R"("district_id":4,)", R"("extra":[1,{"x":null}],)");
    QCOMPARE_ERR(decoder.decode(bytesOf(noDistrict), kNow, out), ReceiptError::None);
    QCOMPARE(out.receipt.districtId, std::uint16_t{0});
    QCOMPARE(out.lines()[0].itemId, cola.itemId);  // a known name keeps its id
}

void TestReceiptCodec::roundTripOfRandomReceipts() {
    // Names as in the simulator's catalogue, categories by their display names.
    const std::vector<std::pair<std::string, std::string>> catalogue = {
        {"Mineral water 1.5 l", "Beverages"}, {"Eggs, 10", "Food"}, {"Folding chair", "Furniture"},
        {"AA batteries, 4", "Electric household essentials"}, {"Pork neck 1 kg", "Butchers"},
        {"USB-C cable", "Computers and electric accessories"}, {"Milk 2.5 % 900 g", "Milk Products"},
        {"Croissant", "Patisserie"}, {"Новий товар \"Київ\"", "Сезонне"}};
    std::mt19937_64 rng(42);
    ReceiptDecoder decoder;
    std::vector<char> buffer(16384);
    for (int i = 0; i < 3000; ++i) {
        std::vector<ReceiptLineView> lines(1 + rng() % 16);
        for (ReceiptLineView& line : lines) {
            const auto& [name, category] = catalogue[rng() % catalogue.size()];
            line.name = name;
            line.category = category;
            line.price = std::round(std::uniform_real_distribution<double>(0, 3000)(rng) * 100) / 100;
            if (rng() % 10 == 0) {
                line.price = std::bit_cast<double>(rng() >> 2);  // any finite non-negative value
            }
            line.quantity = static_cast<std::uint16_t>(1 + rng() % 65535);
        }
        ReceiptView view;
        view.eventTimeMs = static_cast<std::int64_t>(rng());
        view.number = rng() % (1ull << 40);
        view.storeId = static_cast<std::uint32_t>(rng() % (1u << 24));
        view.cashierId = static_cast<std::uint16_t>(rng());
        view.districtId = static_cast<std::uint16_t>(rng());
        view.lines = lines;
        const std::size_t n = encodeReceiptJson(view, buffer);
        QVERIFY(n > 0);
        DecodedReceipt out;
        const ReceiptError error = decoder.decode(bytesOf(std::string_view(buffer.data(), n)), kNoReference, out);
        if (error != ReceiptError::None) {
            QFAIL(qPrintable(qs(toString(error)) + QStringLiteral(": ") + qs(std::string_view(buffer.data(), n))));
        }
        QCOMPARE(out.receipt.eventTimeMs, view.eventTimeMs);
        QCOMPARE(out.receipt.receiptId, receiptIdOf(view.storeId, view.number));
        QCOMPARE(out.receipt.storeId, view.storeId);
        QCOMPARE(out.receipt.cashierId, view.cashierId);
        QCOMPARE(out.receipt.districtId, view.districtId);
        QCOMPARE(out.receipt.itemCount, static_cast<std::uint32_t>(lines.size()));
        double total = 0.0;
        std::uint32_t units = 0;
        for (std::size_t k = 0; k < lines.size(); ++k) {
            const ReceiptItemEvent& item = out.lines()[k];
            QCOMPARE(std::bit_cast<std::uint64_t>(item.price), std::bit_cast<std::uint64_t>(lines[k].price));
            QCOMPARE(item.quantity, lines[k].quantity);
            QCOMPARE(qs(decoder.dictionary().itemName(item.itemId)), qs(lines[k].name));
            QCOMPARE(qs(decoder.dictionary().categoryName(item.categoryId)), qs(lines[k].category));
            total += lines[k].price * lines[k].quantity;
            units += lines[k].quantity;
        }
        QCOMPARE(out.receipt.total, total);
        QCOMPARE(out.receipt.units, units);
    }
    QCOMPARE(decoder.dictionary().itemCount(), catalogue.size());
    QCOMPARE(decoder.dictionary().categoryCount(), std::size_t{9});  // the eight seeds + "Сезонне"
    // Too small a buffer gives 0, never a cut object.
    const ReceiptLineView line{"Cola", "Beverages", 31.5, 1};
    ReceiptView view;
    view.lines = std::span(&line, 1);
    const std::size_t full = encodeReceiptJson(view, buffer);
    for (std::size_t size = 0; size < full; ++size) {
        QCOMPARE(encodeReceiptJson(view, std::span(buffer.data(), size)), std::size_t{0});
    }
}

void TestReceiptCodec::dictionaryIdsAreStableAndRestorable() {
    ReceiptDecoder first;
    DecodedReceipt out;
    QCOMPARE_ERR(first.decode(bytesOf(kValid), kNoReference, out), ReceiptError::None);
    const std::uint32_t colaId = out.lines()[0].itemId;
    const std::string other = replaced(replaced(kValid, "Cola 0.5 l", "Eclair"), "Beverages", "Seasonal");
    QCOMPARE_ERR(first.decode(bytesOf(other), kNoReference, out), ReceiptError::None);
    const std::uint32_t eclairId = out.lines()[0].itemId;
    const std::uint16_t seasonalId = out.lines()[0].categoryId;
    QCOMPARE(seasonalId, std::uint16_t{8});
    StateWriter writer;
    first.dictionary().snapshot(writer);

    // A restarted decoder restores the dictionary before replaying: the same names keep their ids.
    ReceiptDecoder second;
    StateReader reader(writer.bytes());
    QVERIFY(second.dictionary().restore(reader));
    QVERIFY(reader.atEnd());
    QCOMPARE_ERR(second.decode(bytesOf(other), kNoReference, out), ReceiptError::None);
    QCOMPARE(out.lines()[0].itemId, eclairId);
    QCOMPARE(out.lines()[0].categoryId, seasonalId);
    QCOMPARE(second.dictionary().findItem("Cola 0.5 l"), colaId);
    // A cut snapshot is refused and leaves the dictionary as it was.
    ReceiptDecoder third;
    StateReader cut(std::span(writer.bytes()).first(writer.bytes().size() - 3));
    QVERIFY(!third.dictionary().restore(cut));
    QCOMPARE(third.dictionary().itemCount(), std::size_t{0});
    QCOMPARE(third.dictionary().categoryCount(), std::size_t{8});
}

void TestReceiptCodec::namesNeedEscaping() {
    const std::string name = "Quote \" backslash \\ newline \n tab \t ctrl \x01 end";
    const ReceiptLineView line{name, "Food", 1.25, 3};
    ReceiptView view;
    view.lines = std::span(&line, 1);
    char buffer[512];
    const std::size_t n = encodeReceiptJson(view, buffer);
    QVERIFY(n > 0);
    ReceiptDecoder decoder;
    DecodedReceipt out;
    QCOMPARE_ERR(decoder.decode(bytesOf(std::string_view(buffer, n)), kNoReference, out), ReceiptError::None);
    QCOMPARE(qs(decoder.dictionary().itemName(out.lines()[0].itemId)), qs(name));
    QCOMPARE(out.lines()[0].categoryId, std::uint16_t{1});
}

void TestReceiptCodec::rejections_data() {
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("expected");
    const auto row = [](const char* name, const std::string& payload, ReceiptError error) {
        QTest::newRow(name) << QByteArray(payload.data(), static_cast<qsizetype>(payload.size()))
                            << static_cast<int>(error);
    };
    const std::string valid = kValid;
    row("not json", "receipt", ReceiptError::MalformedJson);
    row("array root", "[]", ReceiptError::MalformedJson);
    row("truncated", valid.substr(0, valid.size() / 2), ReceiptError::MalformedJson);
    row("no store", replaced(valid, R"("store_id":3,)", ""), ReceiptError::MissingField);
    row("no cashier", replaced(valid, R"("cashier_id":2,)", ""), ReceiptError::MissingField);
    row("no number", replaced(valid, R"("receipt_number":1042,)", ""), ReceiptError::MissingField);
    row("no timestamp", replaced(valid, R"("timestamp":"2026-11-23T10:00:00.123Z",)", ""), ReceiptError::MissingField);
    row("no items", replaced(valid, valid.substr(valid.find(R"(,"items")"), valid.size() - 1 - valid.find(R"(,"items")")), ""),
        ReceiptError::MissingField);
    row("item without price", replaced(valid, R"("price":31.5,)", ""), ReceiptError::MissingField);
    row("item without name", replaced(valid, R"("name":"Cola 0.5 l",)", ""), ReceiptError::MissingField);
    row("price string", replaced(valid, R"("price":31.5)", R"("price":"31.5")"), ReceiptError::WrongType);
    row("quantity fractional", replaced(valid, R"("quantity":2)", R"("quantity":1.5)"), ReceiptError::WrongType);
    row("quantity beyond 16 bits", replaced(valid, R"("quantity":2)", R"("quantity":65536)"), ReceiptError::WrongType);
    row("store beyond 24 bits", replaced(valid, R"("store_id":3)", R"("store_id":16777216)"), ReceiptError::WrongType);
    row("number beyond 40 bits", replaced(valid, R"("receipt_number":1042)", R"("receipt_number":1099511627776)"),
        ReceiptError::WrongType);
    row("items not an array", replaced(valid, R"("items":[)", R"("items":{"a":[)") + "}", ReceiptError::WrongType);
    row("item not an object", replaced(valid, R"("items":[)", R"("items":[7,)"), ReceiptError::WrongType);
    row("name number", replaced(valid, R"("name":"Cola 0.5 l")", R"("name":5)"), ReceiptError::WrongType);
    row("price NaN string", replaced(valid, R"("price":31.5)", R"("price":"NaN")"), ReceiptError::NonFiniteValue);
    row("price bare Infinity", replaced(valid, R"("price":31.5)", R"("price":Infinity)"), ReceiptError::NonFiniteValue);
    row("negative price", replaced(valid, R"("price":31.5)", R"("price":-31.5)"), ReceiptError::InvalidValue);
    row("zero quantity", replaced(valid, R"("quantity":2)", R"("quantity":0)"), ReceiptError::InvalidValue);
    row("empty name", replaced(valid, R"("name":"Cola 0.5 l")", R"("name":"")"), ReceiptError::InvalidValue);
    row("empty category", replaced(valid, R"("category":"Beverages")", R"("category":"")"), ReceiptError::InvalidValue);
    row("no lines", replaced(valid, valid.substr(valid.find(R"("items":[)")), R"("items":[]})"), ReceiptError::InvalidValue);
}

void TestReceiptCodec::rejections() {
    QFETCH(QByteArray, payload);
    QFETCH(int, expected);
    QCOMPARE_ERR(decodeText(std::string_view(payload.constData(), static_cast<std::size_t>(payload.size()))),
                 static_cast<ReceiptError>(expected));
}

void TestReceiptCodec::limits() {
    ReceiptLimits limits;
    limits.storeCount = 4;
    QCOMPARE_ERR(decodeText(kValid, limits), ReceiptError::None);
    limits.storeCount = 3;
    QCOMPARE_ERR(decodeText(kValid, limits), ReceiptError::UnknownStore);

    limits = ReceiptLimits{};
    limits.maxPastMs = 1000;
    limits.maxFutureMs = 1000;
    QCOMPARE_ERR(decodeText(kValid, limits, 1795428000123 + 1000), ReceiptError::None);
    QCOMPARE_ERR(decodeText(kValid, limits, 1795428000123 + 1001), ReceiptError::TimestampTooOld);
    QCOMPARE_ERR(decodeText(kValid, limits, 1795428000123 - 1001), ReceiptError::TimestampInFuture);

    limits = ReceiptLimits{};
    limits.maxItems = 1;
    QCOMPARE_ERR(decodeText(kValid, limits), ReceiptError::TooManyItems);
    std::string many = R"({"store_id":1,"cashier_id":1,"receipt_number":1,"timestamp":0,"items":[)";
    for (std::size_t i = 0; i <= kMaxReceiptItems; ++i) {
        many += std::string(i == 0 ? "" : ",") + R"({"name":"x","category":"Food","price":1,"quantity":1})";
    }
    many += "]}";
    QCOMPARE_ERR(decodeText(many), ReceiptError::TooManyItems);
    limits = ReceiptLimits{};
    limits.maxItems = 1000;  // clamped to kMaxReceiptItems
    QCOMPARE_ERR(decodeText(many, limits), ReceiptError::TooManyItems);

    limits = ReceiptLimits{};
    limits.maxPayloadBytes = std::string_view(kValid).size() - 1;
    QCOMPARE_ERR(decodeText(kValid, limits), ReceiptError::Oversize);

    limits = ReceiptLimits{};
    limits.maxDictionaryItems = 1;  // two new names: refused as a whole
    ReceiptDecoder decoder(limits);
    DecodedReceipt out;
    QCOMPARE_ERR(decoder.decode(bytesOf(kValid), kNoReference, out), ReceiptError::DictionaryFull);
    QCOMPARE(decoder.dictionary().itemCount(), std::size_t{0});
    QCOMPARE(decoder.counts()[static_cast<std::size_t>(ReceiptError::DictionaryFull)], 1u);
}

void TestReceiptCodec::rejectedReceiptAddsNoNames() {
    ReceiptDecoder decoder;
    DecodedReceipt out;
    const std::string bad = replaced(replaced(kValid, "Kyiv cake", "New item"), R"("quantity":2)", R"("quantity":0)");
    QCOMPARE_ERR(decoder.decode(bytesOf(bad), kNoReference, out), ReceiptError::InvalidValue);
    QCOMPARE(decoder.dictionary().itemCount(), std::size_t{0});
    QCOMPARE(decoder.dictionary().findItem("New item"), ReceiptDictionary::kAbsent);
    QCOMPARE(decoder.counts()[0], 0u);
    QCOMPARE(decoder.counts()[static_cast<std::size_t>(ReceiptError::InvalidValue)], 1u);
}

void TestReceiptCodec::randomBytesNeverCrash() {
    std::mt19937_64 rng(99);
    ReceiptDecoder decoder;
    DecodedReceipt out;
    const std::string valid = kValid;
    const std::string alphabet = "{}[]\":,0123456789.-eE truefalsnl\\\"abc";
    for (int i = 0; i < 20000; ++i) {
        std::string text = valid;
        const std::size_t at = rng() % text.size();
        switch (rng() % 4) {
            case 0:
                text[at] = static_cast<char>(rng());
                break;
            case 1:
                text.erase(at, 1 + rng() % 8);
                break;
            case 2:
                text.insert(at, 1, alphabet[rng() % alphabet.size()]);
                break;
            default:
                text.resize(rng() % 200);
                for (char& c : text) {
                    c = alphabet[rng() % alphabet.size()];
                }
                break;
        }
        (void)decoder.decode(bytesOf(text), kNow, out);
    }
    std::uint64_t total = 0;
    for (const auto c : decoder.counts()) {
        total += c;
    }
    QCOMPARE(total, 20000u);
    QCOMPARE_ERR(decoder.decode(bytesOf(kValid), kNoReference, out), ReceiptError::None);
}

QTEST_GUILESS_MAIN(TestReceiptCodec)
#include "test_receipt_codec.moc"
