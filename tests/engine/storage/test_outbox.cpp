// The dispatch outbox: filled atomically by the Dispatched transition, drained by the sender state
// machine with retries, backoff and rejection; nothing delivered is ever sent again (fake transport,
// injected clock). The HTTP transport and a real receiver are tested in tests/connectors/dispatch.
#include <QTemporaryDir>
#include <QTest>
#include <map>

#include "cityops/engine/storage/outbox.h"
#include "storage_test_support.h"

using namespace storage_test;

namespace {

//! Answers each post from a scripted list of statuses (then 200), recording what was sent.
class ScriptedTransport : public WebhookTransport {
public:
    DeliveryAttempt post(const std::string& url, const OutboxMessage& message) override {
        sent.emplace_back(url, message.alertId);
        if (!script.empty()) {
            const DeliveryAttempt next = script.front();
            script.erase(script.begin());
            return next;
        }
        return {200, {}};
    }
    std::vector<DeliveryAttempt> script;
    std::vector<std::pair<std::string, std::uint64_t>> sent;
};

struct Fixture {
    QTemporaryDir dir;
    std::filesystem::path path = dbPath(dir.path());
    std::unique_ptr<Storage> storage;
    std::unique_ptr<OutboxStore> outbox;
    std::int64_t now = 1'000'000;

    Fixture() {
        StorageOptions options;
        options.path = path;
        if (auto opened = Storage::open(options)) storage = std::move(*opened);
        reopenOutbox();
    }
    void reopenOutbox() {
        outbox.reset();
        if (auto opened = OutboxStore::open(path)) outbox = std::move(*opened);
    }
    std::uint64_t addAlert(std::uint64_t key) {
        WriteBatch batch;
        batch.alerts.push_back(alertRecord(key, 1000 + static_cast<std::int64_t>(key), "Podil", "CO2 \"high\""));
        const auto id = batch.alerts.front().alert.id;
        if (!storage->write(std::move(batch))) return 0;
        return id;
    }
    Result<void> step(std::uint64_t id, AlertState target, std::string actor = {}) {
        return storage->applyAlertAction(AlertAction{id, target, now, std::move(actor), {}});
    }
    bool dispatch(std::uint64_t id, const std::string& service) {
        return step(id, AlertState::Acknowledged, "op") && step(id, AlertState::Assigned, service) &&
               step(id, AlertState::Dispatched);
    }
    OutboxSenderOptions options() const {
        OutboxSenderOptions o;
        o.serviceUrls = {{"Police", "http://police/hook"}, {"Fire Department", "http://fire/hook"}};
        o.initialBackoffMs = 1000;
        o.maxBackoffMs = 8000;
        return o;
    }
};

}  // namespace

class TestOutbox : public QObject {
    Q_OBJECT

private slots:
    void dispatchEnqueuesOneMessageInTheSameTransaction() {
        Fixture f;
        QVERIFY(f.storage && f.outbox);
        const auto id = f.addAlert(1);
        QVERIFY(id != 0);
        QVERIFY(f.step(id, AlertState::Acknowledged, "op"));
        QVERIFY(f.step(id, AlertState::Assigned, "Police"));
        QCOMPARE(f.outbox->counts()->pending, 0u);  // assigning alone sends nothing
        QVERIFY(f.step(id, AlertState::Dispatched));
        auto message = f.outbox->message(id);
        QVERIFY(message && message->has_value());
        const OutboxMessage& m = **message;
        QCOMPARE(m.service, std::string("Police"));
        QCOMPARE(m.status, OutboxStatus::Pending);
        QCOMPARE(m.createdMs, f.now);
        QVERIFY2(m.payload.find("\"alertId\":\"" + std::to_string(id) + "\"") != std::string::npos, m.payload.c_str());
        QVERIFY(m.payload.find("CO2 \\\"high\\\"") != std::string::npos);  // JSON-escaped title
        QVERIFY(f.step(id, AlertState::Dispatched));                       // a repeated command: still one
        QVERIFY(f.step(id, AlertState::Resolved));
        QCOMPARE(f.outbox->counts()->pending, 1u);
    }

    void refusedTransitionEnqueuesNothing() {
        Fixture f;
        const auto id = f.addAlert(2);
        const auto refused = f.step(id, AlertState::Dispatched);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, StorageErrc::InvalidTransition);
        QVERIFY(f.outbox->message(id)->has_value() == false);
    }

    void retriesWithBackoffThenDeliversOnce() {
        Fixture f;
        const auto id = f.addAlert(3);
        QVERIFY(f.dispatch(id, "Police"));
        ScriptedTransport transport;
        transport.script = {{0, "connection refused"}, {503, {}}, {429, {}}};
        OutboxSender sender(*f.outbox, transport, f.options(), [&] { return f.now; });
        QCOMPARE(sender.backoffMs(1), 1000);
        QCOMPARE(sender.backoffMs(3), 4000);
        QCOMPARE(sender.backoffMs(10), 8000);

        const std::int64_t waits[] = {1000, 2000, 4000};
        for (std::int64_t wait : waits) {
            QCOMPARE(sender.runOnce()->retried, 1u);
            auto m = **f.outbox->message(id);
            QCOMPARE(m.nextAttemptMs, f.now + wait);
            QVERIFY(!m.lastError.empty());
            f.now += wait - 1;
            QCOMPARE(sender.runOnce()->retried, 0u);  // not due yet
            f.now += 1;
        }
        QCOMPARE(sender.runOnce()->delivered, 1u);
        QCOMPARE(transport.sent.size(), 4u);
        QCOMPARE(transport.sent.back().first, std::string("http://police/hook"));
        const auto m = **f.outbox->message(id);
        QCOMPARE(m.status, OutboxStatus::Delivered);
        QCOMPARE(m.attempts, 4);
        QCOMPARE(m.httpStatus, 200);
        f.now += 1'000'000;
        QCOMPARE(sender.runOnce()->delivered, 0u);
        QCOMPARE(transport.sent.size(), 4u);
    }

    void missingUrlRetriesAndClientErrorIsRejected() {
        Fixture f;
        const auto a = f.addAlert(4);
        const auto b = f.addAlert(5);
        QVERIFY(f.dispatch(a, "Energy Company"));  // no URL configured
        QVERIFY(f.dispatch(b, "Fire Department"));
        ScriptedTransport transport;
        transport.script = {{400, {}}};
        OutboxSender sender(*f.outbox, transport, f.options(), [&] { return f.now; });
        const auto pass = sender.runOnce();
        QVERIFY(pass);
        QCOMPARE(pass->retried, 1u);
        QCOMPARE(pass->rejected, 1u);
        QCOMPARE((*f.outbox->message(a))->lastError, std::string("no webhook URL configured for service 'Energy Company'"));
        QCOMPARE((*f.outbox->message(b))->status, OutboxStatus::Rejected);
        f.now += 10'000;
        QCOMPARE(sender.runOnce()->rejected, 0u);
        QCOMPARE(transport.sent.size(), 1u);  // the rejected one is not retried, the URL-less one never posted
    }

    void restartNeverResendsDeliveredButResendsUnacknowledged() {
        Fixture f;
        std::vector<std::uint64_t> ids;
        for (std::uint64_t k = 10; k < 20; ++k) {
            ids.push_back(f.addAlert(k));
            QVERIFY(f.dispatch(ids.back(), k % 2 ? "Police" : "Fire Department"));
        }
        ScriptedTransport first;
        // The 4th post reaches the receiver but its answer is lost (the process dies before the ack).
        first.script = {{200, {}}, {200, {}}, {200, {}}, {0, "connection reset before the response"}};
        {
            auto options = f.options();
            options.batchSize = 4;
            OutboxSender sender(*f.outbox, first, options, [&] { return f.now; });
            QVERIFY(sender.runOnce());
        }
        f.storage.reset();
        f.reopenOutbox();  // a new process
        StorageOptions options;
        options.path = f.path;
        auto reopened = Storage::open(options);
        QVERIFY(reopened);
        f.storage = std::move(*reopened);
        ScriptedTransport second;
        OutboxSender sender(*f.outbox, second, f.options(), [&] { return f.now + 60'000; });
        QCOMPARE(sender.runOnce()->delivered, 7u);
        std::map<std::uint64_t, int> posts;
        for (const auto& [url, id] : first.sent) ++posts[id];
        for (const auto& [url, id] : second.sent) ++posts[id];
        QCOMPARE(posts.size(), ids.size());
        int repeated = 0;
        for (const auto& [id, n] : posts) {
            QVERIFY(n == 1 || n == 2);
            repeated += n - 1;
        }
        QCOMPARE(repeated, 1);  // only the unacknowledged one went again (same Idempotency-Key)
        QCOMPARE(f.outbox->counts()->delivered, 10u);
    }
};

QTEST_GUILESS_MAIN(TestOutbox)
#include "test_outbox.moc"
