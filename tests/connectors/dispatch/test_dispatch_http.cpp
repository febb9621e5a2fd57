// Exactly-once dispatch over real HTTP: the outbox, the Beast transport and a loopback receiver that
// deduplicates by Idempotency-Key. Receiver down → retries with backoff → up → one delivery per alert;
// an acknowledgement lost in a "crash" (sender and store destroyed, reopened) → the receiver still
// records one delivery per alert id and delivered messages are never sent again.
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

#include "cityops/connectors/dispatch/http_webhook.h"
#include "cityops/engine/storage/storage.h"
#include "webhook_receiver.h"

using namespace cityops::engine;
using namespace cityops::engine::storage;
using cityops::connectors::dispatch::HttpWebhookTransport;
using cityops::connectors::dispatch::parseWebhookUrl;
using dispatch_test::WebhookReceiver;

namespace {

struct Fixture {
    QTemporaryDir dir;
    std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / "cityops.db";
    std::unique_ptr<Storage> storage;
    std::unique_ptr<OutboxStore> outbox;
    std::int64_t now = 5'000'000;

    Fixture() {
        StorageOptions options;
        options.path = path;
        if (auto s = Storage::open(options)) storage = std::move(*s);
        reopenOutbox();
    }
    void reopenOutbox() {
        outbox.reset();
        if (auto o = OutboxStore::open(path)) outbox = std::move(*o);
    }
    //! Adds n alerts and dispatches them to services in turn; returns their ids.
    std::vector<std::uint64_t> dispatchAlerts(int n) {
        static const char* kServices[] = {"Police", "Fire Department", "Traffic Control", "Energy Company"};
        std::vector<std::uint64_t> ids;
        WriteBatch batch;
        for (int i = 0; i < n; ++i) {
            AlertRecord rec;
            rec.alert.id = makeAlertId(AlertRule::EmergencyConfirmed, static_cast<std::uint64_t>(i), 1000 + i);
            rec.alert.eventTimeMs = 1000 + i;
            rec.alert.severity = Severity::Critical;
            rec.district = "Podil";
            rec.title = "Emergency " + std::to_string(i);
            ids.push_back(rec.alert.id);
            batch.alerts.push_back(rec);
        }
        if (!storage->write(std::move(batch))) return {};
        for (int i = 0; i < n; ++i) {
            const auto id = ids[static_cast<std::size_t>(i)];
            const bool ok = storage->applyAlertAction({id, AlertState::Acknowledged, now, "op", {}}) &&
                            storage->applyAlertAction({id, AlertState::Assigned, now, kServices[i % 4], {}}) &&
                            storage->applyAlertAction({id, AlertState::Dispatched, now, {}, "sent"});
            if (!ok) return {};
        }
        return ids;
    }
    OutboxSenderOptions options(const std::string& base) const {
        OutboxSenderOptions o;
        for (const char* s : {"Police", "Fire Department", "Traffic Control", "Energy Company"}) {
            std::string route = s;
            std::replace(route.begin(), route.end(), ' ', '-');
            o.serviceUrls[s] = base + "/" + route;
        }
        o.initialBackoffMs = 500;
        o.maxBackoffMs = 4000;
        return o;
    }
};

//! Delivers through HTTP, then reports the first `lose` answers as lost (a crash before the ack).
class LosingTransport : public WebhookTransport {
public:
    explicit LosingTransport(int lose) : m_lose(lose) {}
    DeliveryAttempt post(const std::string& url, const OutboxMessage& message) override {
        DeliveryAttempt attempt = m_http.post(url, message);
        if (m_lose > 0 && attempt.error.empty()) {
            --m_lose;
            return {0, "connection reset before the response"};
        }
        return attempt;
    }

private:
    HttpWebhookTransport m_http{std::chrono::seconds(5)};
    int m_lose;
};

}  // namespace

class TestDispatchHttp : public QObject {
    Q_OBJECT

private slots:
    void parsesUrls() {
        const auto u = parseWebhookUrl("http://police.local:8080/hooks/alerts");
        QCOMPARE(u.host, std::string("police.local"));
        QCOMPARE(u.port, std::string("8080"));
        QCOMPARE(u.target, std::string("/hooks/alerts"));
        QVERIFY(u.error.empty());
        QCOMPARE(parseWebhookUrl("http://fire").target, std::string("/"));
        QCOMPARE(parseWebhookUrl("http://fire").port, std::string("80"));
        QVERIFY(!parseWebhookUrl("https://x/").error.empty());
        QVERIFY(!parseWebhookUrl("ftp://x/").error.empty());
        QVERIFY(!parseWebhookUrl("http://x:abc/").error.empty());
    }

    void receiverDownThenUpDeliversEachAlertOnce() {
        Fixture f;
        QVERIFY(f.storage && f.outbox);
        const auto ids = f.dispatchAlerts(8);
        QCOMPARE(ids.size(), 8u);
        const unsigned short port = dispatch_test::freePort();
        HttpWebhookTransport transport(std::chrono::seconds(5));
        OutboxSender sender(*f.outbox, transport, f.options("http://127.0.0.1:" + std::to_string(port)),
                            [&] { return f.now; });
        // Down: every attempt fails with "connection refused" and is rescheduled with backoff.
        for (int round = 0; round < 3; ++round) {
            const auto pass = sender.runOnce();
            QVERIFY(pass);
            QCOMPARE(pass->retried, 8u);
            const auto m = **f.outbox->message(ids[0]);
            QCOMPARE(m.nextAttemptMs, f.now + sender.backoffMs(round + 1));
            QVERIFY2(m.lastError.find("cannot connect") != std::string::npos, m.lastError.c_str());
            f.now += sender.backoffMs(round + 1);
        }
        // Up on the same port.
        WebhookReceiver receiver(port);
        const auto pass = sender.runOnce();
        QVERIFY(pass);
        QCOMPARE(pass->delivered, 8u);
        QCOMPARE(receiver.requests(), 8);
        const auto deliveries = receiver.deliveries();
        QCOMPARE(deliveries.size(), 8u);
        for (const auto id : ids) {
            const auto it = deliveries.find(std::to_string(id));
            QVERIFY(it != deliveries.end());
            QVERIFY(it->second.find("\"alertId\":\"" + std::to_string(id) + "\"") != std::string::npos);
        }
        QVERIFY(deliveries.at(std::to_string(ids[1])).rfind("/Fire-Department ", 0) == 0);
        f.now += 3'600'000;
        QCOMPARE(sender.runOnce()->delivered, 0u);
        QCOMPARE(receiver.requests(), 8);
        QCOMPARE(f.outbox->counts()->delivered, 8u);
        QCOMPARE(f.outbox->counts()->pending, 0u);
    }

    void lostAcknowledgementAcrossRestartStillOneDeliveryPerAlert() {
        Fixture f;
        WebhookReceiver receiver;
        const auto ids = f.dispatchAlerts(12);
        QCOMPARE(ids.size(), 12u);
        {
            LosingTransport transport(5);  // 5 requests arrive, but the sender never learns it
            OutboxSender sender(*f.outbox, transport, f.options(receiver.url("")), [&] { return f.now; });
            const auto pass = sender.runOnce();
            QVERIFY(pass);
            QCOMPARE(pass->delivered, 7u);
            QCOMPARE(pass->retried, 5u);
        }
        QCOMPARE(receiver.requests(), 12);
        // "Restart": every object of the sending side is destroyed and reopened from the file.
        f.storage.reset();
        f.reopenOutbox();
        QVERIFY(f.outbox);
        QCOMPARE(f.outbox->counts()->pending, 5u);
        HttpWebhookTransport transport;
        OutboxSender sender(*f.outbox, transport, f.options(receiver.url("")), [&] { return f.now + 60'000; });
        QCOMPARE(sender.runOnce()->delivered, 5u);
        QCOMPARE(sender.runOnce()->delivered, 0u);
        QCOMPARE(receiver.requests(), 17);            // the 5 unacknowledged went twice...
        QCOMPARE(receiver.deliveries().size(), 12u);  // ...and the receiver kept one of each
        int repeats = 0;
        for (const auto& [key, n] : receiver.attemptsByKey()) {
            QVERIFY(n == 1 || n == 2);
            repeats += n - 1;
        }
        QCOMPARE(repeats, 5);
        QCOMPARE(f.outbox->counts()->delivered, 12u);
    }

    void workerThreadDeliversWhenWoken() {
        Fixture f;
        WebhookReceiver receiver;
        const auto ids = f.dispatchAlerts(4);
        QCOMPARE(ids.size(), 4u);
        cityops::connectors::dispatch::DispatchWorker worker(f.path, f.options(receiver.url("/svc")),
                                                             std::chrono::milliseconds(50));
        worker.wake();
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(receiver.deliveries().size()), 4, 15000);
        QTRY_COMPARE_WITH_TIMEOUT(static_cast<int>(f.outbox->counts()->delivered), 4, 15000);
        QVERIFY(worker.lastError().empty());
    }
};

QTEST_GUILESS_MAIN(TestDispatchHttp)
#include "test_dispatch_http.moc"
