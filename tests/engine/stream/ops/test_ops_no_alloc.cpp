// Proves the hot paths of stream/ops allocate nothing per event: a replaced global operator new
// counts allocations made while the counter is armed.

#include <QtTest>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "cityops/engine/stream/dedup.h"
#include "cityops/engine/stream/enrichment.h"
#include "cityops/engine/stream/json_codec.h"
#include "cityops/engine/stream/receipt_codec.h"

namespace {
// Per thread: only the test's own thread is counted (QtTest runs a watchdog thread).
thread_local bool g_armed = false;
thread_local std::uint64_t g_allocations = 0;

void* countedAlloc(std::size_t size) {
    if (g_armed) {
        ++g_allocations;
    }
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}

//! Counts the allocations made by fn.
template <class Fn>
std::uint64_t allocationsOf(Fn&& fn) {
    g_allocations = 0;
    g_armed = true;
    fn();
    g_armed = false;
    return g_allocations;
}
}  // namespace

// Every replaceable form, so all of them pair malloc with free (ASan checks the pairing).
void* operator new(std::size_t size) { return countedAlloc(size); }
void* operator new[](std::size_t size) { return countedAlloc(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    try {
        return countedAlloc(size);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept { return operator new(size, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace cityops::engine;
using namespace cityops::engine::stream;

//! No allocation per event in the codecs, deduplication and enrichment once warmed up.
class TestOpsNoAlloc : public QObject {
    Q_OBJECT

private slots:
    void countingWorks();
    void readingCodec();
    void receiptCodec();
    void dedupAndEnrich();
};

void TestOpsNoAlloc::countingWorks() {
    QVERIFY(allocationsOf([] { std::vector<int> v(100); }) >= 1);
}

void TestOpsNoAlloc::readingCodec() {
    ReadingDecoder decoder;
    std::vector<std::string> payloads;
    for (std::uint32_t i = 0; i < 100; ++i) {
        Reading r;
        r.sensorId = i;
        r.seq = i * 7;
        r.value = 812.4 + i;
        r.eventTimeMs = 1'795'426'800'000 + i;
        r.kind = SensorKind::AirQuality;
        r.metric = i % 2 ? Metric::Co2 : Metric::Pm25;
        char buffer[kMaxReadingJsonBytes];
        payloads.emplace_back(buffer, encodeReadingJson(r, buffer));
    }
    payloads.push_back(R"({"sensor_id":1,"type":"traffic","metric":"traffic_speed","value":1,"timestamp":"2026-11-23T10:00:00Z"})");
    payloads.push_back(R"({"sensor_id":1,"type":"traffic","metric":"traffic_speed","value":"NaN","timestamp":0})");
    payloads.push_back("{\"truncated\":");
    DecodedReading out;
    for (const std::string& p : payloads) {
        const auto single = allocationsOf([&] {
            (void)decoder.decode(std::as_bytes(std::span(p.data(), p.size())), 1'795'426'800'000, out);
        });
        QCOMPARE(single, 0u);  // from the first payload on: the parser is sized up front
    }
    std::uint64_t accepted = 0;
    const auto n = allocationsOf([&] {
        for (int round = 0; round < 10; ++round) {
            for (const std::string& p : payloads) {
                accepted += decoder.decode(std::as_bytes(std::span(p.data(), p.size())), 1'795'426'800'000, out) ==
                                    DecodeError::None
                                ? 1
                                : 0;
                char buffer[kMaxReadingJsonBytes];
                (void)encodeReadingJson(out.reading, buffer);
            }
        }
    });
    QCOMPARE(accepted, 1010u);
    QCOMPARE(n, 0u);
}

void TestOpsNoAlloc::receiptCodec() {
    ReceiptDecoder decoder;
    const std::string payload =
        R"({"store_id":3,"cashier_id":2,"receipt_number":1042,"timestamp":1795426800123,"items":[)"
        R"({"name":"Cola 0.5 l","category":"Beverages","price":31.5,"quantity":2},)"
        R"({"name":"Kyiv cake","category":"Patisserie","price":389,"quantity":1}]})";
    DecodedReceipt out;
    QCOMPARE(int(decoder.decode(std::as_bytes(std::span(payload.data(), payload.size())), 1'795'426'800'000, out)), 0);  // learns names
    const auto n = allocationsOf([&] {
        for (int i = 0; i < 100; ++i) {
            (void)decoder.decode(std::as_bytes(std::span(payload.data(), payload.size())), 1'795'426'800'000, out);
            const ReceiptLineView line{"Cola 0.5 l", "Beverages", 31.5, 2};
            ReceiptView view;
            view.lines = std::span(&line, 1);
            char buffer[512];
            (void)encodeReceiptJson(view, buffer);
        }
    });
    QCOMPARE(decoder.counts()[0], 101u);
    QCOMPARE(n, 0u);
}

void TestOpsNoAlloc::dedupAndEnrich() {
    DedupOperator<DecodedReading> dedup(DedupConfig{60'000, 32}, &readingDedupId);
    std::vector<storage::SensorInfo> sensors(64);
    for (std::uint32_t i = 0; i < sensors.size(); ++i) {
        sensors[i].sensorId = i;
        sensors[i].locationId = static_cast<std::uint16_t>(i % 8);
    }
    auto registry = std::make_shared<Broadcast<SensorRegistry>>(std::make_shared<const SensorRegistry>(sensors));
    WeatherBoard weather;
    const WeatherUpdate update{1, 4.0, WeatherCondition::Rain, 0};
    weather.apply(std::span(&update, 1));
    VectorCollector<Reading> unknown;
    EnrichOperator enrich(EnrichmentSources{registry, weather.broadcast(), {}}, unknown);
    VectorCollector<DecodedReading> deduped;
    VectorCollector<EnrichedReading> enriched;
    deduped.items.reserve(100'000);
    enriched.items.reserve(100'000);
    unknown.items.reserve(100'000);
    const auto run = [&](TimeMs from, int events) {
        for (int i = 0; i < events; ++i) {
            DecodedReading d;
            d.reading.sensorId = static_cast<std::uint32_t>(i % 70);  // 64 known, 6 unknown
            d.reading.seq = static_cast<std::uint64_t>(i / 70);
            d.reading.eventTimeMs = from + i;
            d.eventId = d.reading.seq * 1000 + d.reading.sensorId;
            dedup.processElement(d.reading.sensorId, d, d.reading.eventTimeMs, deduped);
            dedup.processElement(d.reading.sensorId, d, d.reading.eventTimeMs, deduped);  // a duplicate
            enrich.processElement(d.reading.sensorId, d.reading, d.reading.eventTimeMs, enriched);
            if (i % 1000 == 999) {
                dedup.onWatermark(from + i, deduped);
                enrich.onWatermark(from + i, enriched);
            }
        }
    };
    run(0, 5000);  // warm up: every key seen once
    const auto n = allocationsOf([&] { run(5000, 50'000); });
    QCOMPARE(dedup.counters().duplicates, 55'000u);
    QCOMPARE(n, 0u);
}

QTEST_GUILESS_MAIN(TestOpsNoAlloc)
#include "test_ops_no_alloc.moc"
