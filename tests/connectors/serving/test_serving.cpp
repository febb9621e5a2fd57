// The local serving layer with real clients: Beast HTTP and WebSocket clients against a Server on an
// ephemeral loopback port over a real Storage in a temporary directory.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

#include <map>
#include <set>

#include "cityops/connectors/audit/audit_log.h"
#include "cityops/connectors/serving/api_routes.h"
#include "cityops/connectors/serving/server.h"
#include "cityops/connectors/serving/serving_token.h"
#include "cityops/engine/storage/storage.h"
#include "serving_client.h"

using namespace cityops;
using namespace cityops::connectors::serving;
namespace es = cityops::engine::storage;
namespace http = boost::beast::http;

namespace {

constexpr const char* kToken = "test-token-0123456789abcdef";
constexpr std::uint32_t kSensors = 30;
constexpr int kAlerts = 25;
constexpr std::int64_t kT0 = 1'700'000'000'000;
const char* const kDistricts[] = {"Podil", "Obolon", "Pechersk"};

engine::SensorKind kindOf(std::uint32_t id) {
    return static_cast<engine::SensorKind>(id % engine::kSensorKindCount);
}

QJsonObject object(const serving_test::Reply& reply) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(reply.body)).object();
}

engine::Alert makeAlert(int i) {
    engine::Alert a;
    a.rule = static_cast<engine::AlertRule>(i % 3);
    a.sensorId = static_cast<std::uint32_t>(i) % kSensors;
    a.locationId = static_cast<std::uint16_t>(a.sensorId % 3);
    a.firstEventMs = kT0 + i * 60'000;
    a.eventTimeMs = a.firstEventMs + 1000;
    a.value = 800.0 + i;
    a.severity = i % 2 ? engine::Severity::Critical : engine::Severity::Warning;
    a.id = engine::makeAlertId(a.rule, a.sensorId, a.firstEventMs);
    return a;
}

}  // namespace

class TestServing : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void sensorsAreFilteredAndPaged();
    void latestValueOfASensor();
    void seriesIsDownsampled();
    void districtAggregates();
    void alertsAreFilteredAndPaged();
    void oneAlert();
    void requestsWithoutTheTokenGet401();
    void unknownRoutesAndMethods();
    void oversizedBodiesAreRefused();
    void alertActionsFollowTheLifecycle();
    void openApiDescribesEveryRoute();
    void metricsAreValidPrometheusText();
    void grafanaDashboardUsesExportedMetrics();
    void webSocketPushesAlertsAndLiveValues();
    void webSocketNeedsTheToken();
    void slowClientDoesNotStallThePublisher();
    void tokenFileIsPrivate();

private:
    serving_test::HttpClient client() { return serving_test::HttpClient(m_server->port(), kToken); }
    //! Reads stream messages until one satisfies `found`, at most `messages` of them.
    static bool receiveUntil(serving_test::WsClient& ws, const std::function<bool(const QJsonObject&)>& found,
                             int messages = 200);

    QTemporaryDir m_dir;
    std::unique_ptr<es::Storage> m_storage;
    std::unique_ptr<connectors::audit::AuditLog> m_audit;
    std::unique_ptr<engine::LatestValues> m_latest;
    std::unique_ptr<Server> m_server;
    std::vector<engine::Alert> m_alerts;
    std::atomic<int> m_metricsCalls{0};
};

void TestServing::initTestCase() {
    QVERIFY(m_dir.isValid());
    es::StorageOptions options;
    options.path = std::filesystem::path(m_dir.path().toStdString()) / "cityops.db";
    auto storage = es::Storage::open(options);
    QVERIFY2(storage, storage ? "" : storage.error().message.c_str());
    m_storage = std::move(*storage);

    es::WriteBatch batch;
    for (std::uint16_t d = 0; d < 3; ++d) batch.districts.emplace_back(d, kDistricts[d]);
    for (std::uint32_t id = 0; id < kSensors; ++id) {
        es::SensorInfo s;
        s.sensorId = id;
        s.locationId = static_cast<std::uint16_t>(id % 3);
        s.kind = kindOf(id);
        s.lat = 50.45 + id * 0.001;
        s.lon = 30.52;
        s.name = "sensor-" + std::to_string(id);
        batch.sensors.push_back(s);
    }
    // Sensor 1 (air quality): one CO2 reading a minute for an hour, value = minute.
    for (int minute = 0; minute < 60; ++minute) {
        engine::Reading r;
        r.sensorId = 1;
        r.locationId = 1;
        r.kind = engine::SensorKind::AirQuality;
        r.metric = engine::Metric::Co2;
        r.eventTimeMs = kT0 + minute * 60'000;
        r.value = minute;
        r.seq = static_cast<std::uint64_t>(minute);
        batch.readings.push_back(r);
    }
    // 5-minute CO2 aggregates: one per district.
    for (std::uint16_t d = 0; d < 3; ++d) {
        engine::WindowAggregate a;
        a.windowStartMs = kT0;
        a.windowEndMs = kT0 + 300'000;
        a.sensorId = d;
        a.locationId = d;
        a.metric = engine::Metric::Co2;
        a.count = 10;
        a.sum = 10.0 * (500 + d);
        a.min = 400 + d;
        a.max = 600 + d;
        batch.aggregates.push_back(a);
    }
    for (int i = 0; i < kAlerts; ++i) {
        es::AlertRecord record;
        record.alert = makeAlert(i);
        record.district = kDistricts[record.alert.locationId];
        record.title = "alert " + std::to_string(i);
        batch.alerts.push_back(record);
        m_alerts.push_back(record.alert);
    }
    auto written = m_storage->write(std::move(batch));
    QVERIFY2(written, written ? "" : written.error().message.c_str());

    auto audit = connectors::audit::AuditLog::open(m_dir.path().toStdString());
    QVERIFY(audit);
    m_audit = std::move(*audit);

    m_latest = std::make_unique<engine::LatestValues>(kSensors);
    m_latest->store(3, 21.5, kT0 + 5000);
    m_latest->publish();

    ServerOptions serverOptions;
    serverOptions.port = 0;
    serverOptions.token = kToken;
    serverOptions.storagePath = options.path;
    serverOptions.streamInterval = std::chrono::milliseconds(20);
    serverOptions.streamQueueLimit = 2;
    serverOptions.maxBodyBytes = 4096;
    ServingHooks hooks;
    hooks.latest = m_latest.get();
    hooks.jobMetrics = [this]() -> std::optional<engine::stream::JobMetrics> {
        engine::stream::JobMetrics m;
        m.jobId = "city-jobs";
        m.eventsIn = 1000;
        m.recordsOut = 900;
        m.eventsPerSecond = 250.5;
        m.deadLetters = 2;
        m.deadLettersByReason = {{"bad \"json\"", 2}};
        m.operators.push_back({0, false, "window", {1000, 10, 0, 0, 0, 0}, 4096});
        m.latency = {1000, 1.5, 12.0, 40.0};
        m.checkpoints.completed = static_cast<std::uint64_t>(++m_metricsCalls);
        m.checkpoints.lastId = m.checkpoints.completed;
        m.checkpoints.lastDurationMs = 12.5;
        return m;
    };
    StorageAlertActionsOptions actionOptions;
    actionOptions.services = {"Police", "Fire Department"};
    actionOptions.dispositions = {"Handled", "False alarm"};
    hooks.alertActions = makeStorageAlertActions(*m_storage, options.path, m_audit.get(), actionOptions);
    auto server = Server::start(serverOptions, hooks);
    QVERIFY2(server, server ? "" : server.error().c_str());
    m_server = std::move(*server);
    QVERIFY(m_server->port() != 0);
}

void TestServing::cleanupTestCase() {
    m_server.reset();
    m_audit.reset();
    m_storage.reset();
}

void TestServing::sensorsAreFilteredAndPaged() {
    auto c = client();
    auto reply = c.get("/api/v1/sensors?limit=10");
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.contentType.starts_with("application/json"));
    auto body = object(reply);
    QCOMPARE(body["total"].toInt(), static_cast<int>(kSensors));
    QCOMPARE(body["sensors"].toArray().size(), 10);
    QCOMPARE(body["sensors"].toArray()[0].toObject()["name"].toString(), QStringLiteral("sensor-0"));

    body = object(c.get("/api/v1/sensors?offset=25&limit=10"));
    QCOMPARE(body["sensors"].toArray().size(), 5);
    QCOMPARE(body["sensors"].toArray()[0].toObject()["id"].toInt(), 25);

    body = object(c.get("/api/v1/sensors?kind=air_quality&limit=1000"));
    int expected = 0;
    for (std::uint32_t id = 0; id < kSensors; ++id) expected += kindOf(id) == engine::SensorKind::AirQuality;
    QCOMPARE(body["total"].toInt(), expected);
    for (const auto& s : body["sensors"].toArray()) QCOMPARE(s.toObject()["kind"].toString(), QStringLiteral("air_quality"));

    body = object(c.get("/api/v1/sensors?district=obolon&limit=1000"));
    QCOMPARE(body["total"].toInt(), 10);
    for (const auto& s : body["sensors"].toArray()) QCOMPARE(s.toObject()["district"].toString(), QStringLiteral("Obolon"));
    QCOMPARE(object(c.get("/api/v1/sensors?district=2"))["total"].toInt(), 10);

    reply = c.get("/api/v1/sensors?kind=submarine");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("kind"));
    QVERIFY(object(reply)["error"].toString().contains(QStringLiteral("submarine")));
    reply = c.get("/api/v1/sensors?limit=0");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("limit"));
    reply = c.get("/api/v1/sensors?district=Atlantis");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("district"));
}

void TestServing::latestValueOfASensor() {
    auto c = client();
    auto reply = c.get("/api/v1/sensors/3/latest");
    QCOMPARE(reply.status, 200);
    auto body = object(reply);
    QCOMPARE(body["value"].toDouble(), 21.5);
    QCOMPARE(body["eventTimeMs"].toInteger(), kT0 + 5000);
    QCOMPARE(body["metric"].toString(), QString::fromLatin1(engine::toString(engine::primaryMetric(kindOf(3)))));
    QVERIFY(object(c.get("/api/v1/sensors/4/latest"))["value"].isNull());  // not reported yet

    reply = c.get("/api/v1/sensors/999/latest");
    QCOMPARE(reply.status, 404);
    QVERIFY(object(reply)["error"].toString().contains(QStringLiteral("999")));
    reply = c.get("/api/v1/sensors/abc/latest");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("sensor id"));
}

void TestServing::seriesIsDownsampled() {
    auto c = client();
    const auto to = kT0 + 60 * 60'000;
    auto reply = c.get("/api/v1/sensors/1/series?from=" + std::to_string(kT0) + "&to=" + std::to_string(to) + "&buckets=6");
    QCOMPARE(reply.status, 200);
    const auto buckets = object(reply)["buckets"].toArray();
    QCOMPARE(buckets.size(), 6);
    // Ten one-minute readings per bucket, values = minute: bucket k holds 10k .. 10k+9.
    for (int k = 0; k < 6; ++k) {
        const auto b = buckets[k].toObject();
        QCOMPARE(b["min"].toDouble(), 10.0 * k);
        QCOMPARE(b["max"].toDouble(), 10.0 * k + 9);
        QCOMPARE(b["avg"].toDouble(), 10.0 * k + 4.5);
        QCOMPARE(b["count"].toInt(), 10);
    }
    reply = c.get("/api/v1/sensors/1/series?to=" + std::to_string(to));
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("from"));
    reply = c.get("/api/v1/sensors/1/series?from=10&to=5");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("to"));
    reply = c.get("/api/v1/sensors/1/series?from=1&to=5&metric=flux");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("metric"));
    QCOMPARE(c.get("/api/v1/sensors/77/series?from=1&to=5").status, 404);
}

void TestServing::districtAggregates() {
    auto c = client();
    const std::string range = "from=" + std::to_string(kT0) + "&to=" + std::to_string(kT0 + 1);
    auto reply = c.get("/api/v1/aggregates?metric=co2&" + range);
    QCOMPARE(reply.status, 200);
    const auto rows = object(reply)["aggregates"].toArray();
    QCOMPARE(rows.size(), 3);
    std::map<QString, double> avgByDistrict;
    for (const auto& r : rows) avgByDistrict[r.toObject()["district"].toString()] = r.toObject()["avg"].toDouble();
    QCOMPARE(avgByDistrict[QStringLiteral("Pechersk")], 502.0);
    const auto one = object(c.get("/api/v1/aggregates?district=Podil&" + range))["aggregates"].toArray();
    QCOMPARE(one.size(), 1);
    QCOMPARE(one[0].toObject()["min"].toDouble(), 400.0);
    QCOMPARE(c.get("/api/v1/aggregates?from=1").status, 400);
}

void TestServing::alertsAreFilteredAndPaged() {
    auto c = client();
    // Follow the cursor: every alert exactly once, newest first.
    std::vector<QString> seen;
    std::string target = "/api/v1/alerts?limit=7";
    int pages = 0;
    for (;;) {
        const auto reply = c.get(target);
        QCOMPARE(reply.status, 200);
        const auto body = object(reply);
        for (const auto& a : body["alerts"].toArray()) seen.push_back(a.toObject()["id"].toString());
        ++pages;
        if (body["nextCursor"].isNull()) break;
        target = "/api/v1/alerts?limit=7&cursor=" + body["nextCursor"].toString().toStdString();
        QVERIFY(pages < 10);
    }
    QCOMPARE(pages, 4);
    QCOMPARE(static_cast<int>(seen.size()), kAlerts);
    QCOMPARE(static_cast<int>(std::set<QString>(seen.begin(), seen.end()).size()), kAlerts);
    QCOMPARE(seen.front(), QString::number(m_alerts.back().id));  // newest first

    // Rule filter (applied across store pages), with paging.
    int co2 = 0;
    for (const auto& a : m_alerts) co2 += a.rule == engine::AlertRule::Co2High;
    std::set<QString> co2Seen;
    target = "/api/v1/alerts?kind=co2_high&limit=3";
    for (int guard = 0; guard < 20; ++guard) {
        const auto body = object(c.get(target));
        for (const auto& a : body["alerts"].toArray()) {
            QCOMPARE(a.toObject()["rule"].toString(), QStringLiteral("co2_high"));
            co2Seen.insert(a.toObject()["id"].toString());
        }
        if (body["nextCursor"].isNull()) break;
        target = "/api/v1/alerts?kind=co2_high&limit=3&cursor=" + body["nextCursor"].toString().toStdString();
    }
    QCOMPARE(static_cast<int>(co2Seen.size()), co2);

    const auto podil = object(c.get("/api/v1/alerts?district=Podil&limit=100"))["alerts"].toArray();
    QVERIFY(!podil.isEmpty());
    for (const auto& a : podil) QCOMPARE(a.toObject()["district"].toString(), QStringLiteral("Podil"));
    const auto ranged = object(c.get("/api/v1/alerts?limit=100&from=" + std::to_string(kT0 + 10 * 60'000)))["alerts"].toArray();
    QCOMPARE(ranged.size(), kAlerts - 10);
    QCOMPARE(object(c.get("/api/v1/alerts?state=resolved,dispatched"))["alerts"].toArray().size(), 0);

    auto reply = c.get("/api/v1/alerts?state=sleeping");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("state"));
    reply = c.get("/api/v1/alerts?cursor=garbage");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("cursor"));
    reply = c.get("/api/v1/alerts?kind=volcano");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("kind"));
}

void TestServing::oneAlert() {
    auto c = client();
    const auto& a = m_alerts[4];
    auto reply = c.get("/api/v1/alerts/" + std::to_string(a.id));
    QCOMPARE(reply.status, 200);
    const auto body = object(reply);
    QCOMPARE(body["id"].toString(), QString::number(a.id));
    QCOMPARE(body["value"].toDouble(), a.value);
    QCOMPARE(body["title"].toString(), QStringLiteral("alert 4"));
    QCOMPARE(c.get("/api/v1/alerts/12345").status, 404);
}

void TestServing::requestsWithoutTheTokenGet401() {
    serving_test::HttpClient anonymous(m_server->port(), "");
    auto reply = anonymous.get("/api/v1/alerts");
    QCOMPARE(reply.status, 401);
    QVERIFY(object(reply)["error"].toString().contains(QStringLiteral("token")));
    QVERIFY(reply.wwwAuthenticate.starts_with("Bearer"));
    serving_test::HttpClient wrong(m_server->port(), std::string(kToken).replace(0, 1, "X"));
    QCOMPARE(wrong.get("/api/v1/sensors").status, 401);
    serving_test::HttpClient shorter(m_server->port(), std::string(kToken).substr(0, 10));
    QCOMPARE(shorter.get("/api/v1/openapi.json").status, 401);
    // Metrics are open unless configured otherwise (Prometheus scrapes loopback).
    QCOMPARE(anonymous.get("/metrics").status, 200);
}

void TestServing::unknownRoutesAndMethods() {
    auto c = client();
    auto reply = c.get("/api/v1/nothing");
    QCOMPARE(reply.status, 404);
    QVERIFY(object(reply)["error"].toString().contains(QStringLiteral("/api/v1/nothing")));
    reply = c.request(http::verb::delete_, "/api/v1/alerts");
    QCOMPARE(reply.status, 405);
    QVERIFY(object(reply)["error"].toString().contains(QStringLiteral("GET")));
    reply = c.get("/api/v1/alerts/1/actions");
    QCOMPARE(reply.status, 405);
    reply = c.get("/api/v1/stream");
    QCOMPARE(reply.status, 400);
    reply = c.get("/api/v1/alerts?district=%zz");
    QCOMPARE(reply.status, 400);
}

void TestServing::oversizedBodiesAreRefused() {
    auto c = client();
    const std::string big = R"({"action":"acknowledge","operator":"x","note":")" + std::string(8000, 'a') + R"("})";
    const auto reply = c.post("/api/v1/alerts/" + std::to_string(m_alerts[0].id) + "/actions", big);
    QCOMPARE(reply.status, 413);
    QVERIFY(object(reply)["error"].toString().contains(QStringLiteral("4096")));
    QCOMPARE(object(client().get("/api/v1/alerts/" + std::to_string(m_alerts[0].id)))["state"].toString(),
             QStringLiteral("new"));
}

void TestServing::alertActionsFollowTheLifecycle() {
    auto c = client();
    const auto id = m_alerts[2].id;
    const std::string target = "/api/v1/alerts/" + std::to_string(id) + "/actions";
    const auto auditBefore = m_audit->lastSeq();

    auto reply = c.post(target, R"({"action":"dispatch","operator":"olena"})");
    QCOMPARE(reply.status, 409);  // new → dispatched skips steps
    QVERIFY(object(reply)["error"].toString().contains(QStringLiteral("new")));

    reply = c.post(target, R"({"action":"acknowledge","operator":"olena","note":"on it"})");
    QCOMPARE(reply.status, 200);
    auto body = object(reply);
    QCOMPARE(body["changed"].toBool(), true);
    QCOMPARE(body["alert"].toObject()["state"].toString(), QStringLiteral("acknowledged"));
    QCOMPARE(body["alert"].toObject()["acknowledgedBy"].toString(), QStringLiteral("olena"));
    reply = c.post(target, R"({"action":"acknowledge","operator":"olena"})");
    QCOMPARE(reply.status, 200);
    QCOMPARE(object(reply)["changed"].toBool(), false);  // a repeated command changes nothing

    reply = c.post(target, R"({"action":"assign","operator":"olena"})");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("service"));
    reply = c.post(target, R"({"action":"assign","operator":"olena","service":"Navy"})");
    QCOMPARE(reply.status, 400);
    QVERIFY(object(reply)["error"].toString().contains(QStringLiteral("Police")));
    reply = c.post(target, R"({"action":"assign","operator":"olena","service":"Police"})");
    QCOMPARE(reply.status, 200);
    QCOMPARE(object(reply)["alert"].toObject()["assignedService"].toString(), QStringLiteral("Police"));

    reply = c.post(target, R"({"action":"resolve","operator":"olena"})");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("disposition"));
    reply = c.post(target, R"({"action":"resolve","operator":"olena","disposition":"Handled"})");
    QCOMPARE(reply.status, 200);
    QCOMPARE(object(reply)["alert"].toObject()["state"].toString(), QStringLiteral("resolved"));
    QVERIFY(object(reply)["alert"].toObject()["notes"].toString().contains(QStringLiteral("Disposition: Handled")));
    reply = c.post(target, R"({"action":"acknowledge","operator":"olena"})");
    QCOMPARE(reply.status, 409);  // closed

    QCOMPARE(object(c.get("/api/v1/alerts?state=resolved"))["alerts"].toArray().size(), 1);
    QCOMPARE(m_audit->lastSeq(), auditBefore + 3);
    const auto records = m_audit->records(auditBefore + 1, 10);
    QVERIFY(records);
    QCOMPARE(records->front().entry.action, std::string("acknowledge"));
    QCOMPARE(records->front().entry.actor, std::string("olena"));
    QCOMPARE(records->front().entry.subject, "alert:" + std::to_string(id));

    // Bad requests name the field.
    QCOMPARE(c.post("/api/v1/alerts/42/actions", R"({"action":"acknowledge","operator":"x"})").status, 404);
    reply = c.post(target, "{not json");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("body"));
    reply = c.post(target, R"({"action":"acknowledge"})");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("operator"));
    reply = c.post(target, R"({"action":"explode","operator":"x"})");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("action"));
    reply = c.post(target, R"({"action":7,"operator":"x"})");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("action"));
    reply = c.request(http::verb::post, target, R"({"action":"acknowledge","operator":"x"})", "text/plain");
    QCOMPARE(reply.status, 400);
    QCOMPARE(object(reply)["field"].toString(), QStringLiteral("Content-Type"));
}

void TestServing::openApiDescribesEveryRoute() {
    auto reply = client().get("/api/v1/openapi.json");
    QCOMPARE(reply.status, 200);
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(reply.body), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QVERIFY(doc.object()["openapi"].toString().startsWith(QStringLiteral("3.")));
    const auto paths = doc.object()["paths"].toObject();
    int described = 0;
    for (const auto& route : routeTable()) {
        const QString path = QString::fromLatin1(route.path.data(), static_cast<qsizetype>(route.path.size()));
        const QString method = QString::fromLatin1(route.method.data(), static_cast<qsizetype>(route.method.size())).toLower();
        QVERIFY2(paths.contains(path), qPrintable(QStringLiteral("route %1 is not in openapi.json").arg(path)));
        QVERIFY2(paths[path].toObject().contains(method),
                 qPrintable(QStringLiteral("%1 %2 is not in openapi.json").arg(method, path)));
        ++described;
    }
    QCOMPARE(described, static_cast<int>(routeTable().size()));
    // And nothing described that the router does not know.
    int operations = 0;
    for (const auto& path : paths.keys()) operations += static_cast<int>(paths[path].toObject().size());
    QCOMPARE(operations, static_cast<int>(routeTable().size()));
    // Every $ref points at a component that exists.
    static const QRegularExpression ref(QStringLiteral("\"\\$ref\": *\"#/components/(\\w+)/(\\w+)\""));
    const QString text = QString::fromStdString(reply.body);
    auto it = ref.globalMatch(text);
    while (it.hasNext()) {
        const auto m = it.next();
        QVERIFY2(doc.object()["components"].toObject()[m.captured(1)].toObject().contains(m.captured(2)),
                 qPrintable(m.captured(0)));
    }
}

void TestServing::metricsAreValidPrometheusText() {
    auto c = client();
    c.get("/api/v1/alerts?limit=1");
    const auto reply = c.get("/metrics");
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.contentType.starts_with("text/plain; version=0.0.4"));
    static const QRegularExpression help(QString::fromUtf8(R"(^# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .+$)"));
    static const QRegularExpression type(
        QString::fromUtf8(R"(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)"));
    static const QRegularExpression sample(QString::fromUtf8(
        R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")(,[a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*")*\})? (-?[0-9.eE+-]+|NaN|\+Inf|-Inf)$)"));
    static const QRegularExpression le(QString::fromUtf8(R"re(le="([^"]+)")re"));
    const QSet<QString> exported = [] {
        QSet<QString> names;
        for (const auto n : exportedMetricNames()) names.insert(QString::fromLatin1(n.data(), static_cast<qsizetype>(n.size())));
        return names;
    }();

    std::map<QString, QString> types;
    QString family;
    // Histogram state: buckets must be cumulative, end in +Inf, and +Inf must equal _count.
    std::map<QString, double> lastBucket;
    std::map<QString, double> infBucket;
    std::map<QString, double> counts;
    const QStringList lines = QString::fromStdString(reply.body).split(QLatin1Char('\n'));
    QVERIFY(lines.last().isEmpty());  // ends with a newline
    int samples = 0;
    for (const QString& line : lines.mid(0, lines.size() - 1)) {
        if (line.startsWith(QStringLiteral("# HELP"))) {
            const auto m = help.match(line);
            QVERIFY2(m.hasMatch(), qPrintable(line));
            family = m.captured(1);
            QVERIFY2(exported.contains(family), qPrintable(QStringLiteral("not in exportedMetricNames: ") + family));
            QVERIFY2(!types.count(family), qPrintable(QStringLiteral("family twice: ") + family));
            continue;
        }
        if (line.startsWith(QStringLiteral("# TYPE"))) {
            const auto m = type.match(line);
            QVERIFY2(m.hasMatch(), qPrintable(line));
            QCOMPARE(m.captured(1), family);
            types[family] = m.captured(2);
            continue;
        }
        const auto m = sample.match(line);
        QVERIFY2(m.hasMatch(), qPrintable(QStringLiteral("bad sample line: ") + line));
        ++samples;
        const QString name = m.captured(1);
        const QString t = types[family];
        if (t == QLatin1String("histogram")) {
            const QString labels = m.captured(2);
            QString series = labels;
            series.remove(le);
            series.replace(QStringLiteral(",}"), QStringLiteral("}")).replace(QStringLiteral("{,"), QStringLiteral("{"));
            if (series == QLatin1String("{}")) series.clear();
            const double value = m.captured(7).toDouble();
            const QString key = family + series;
            if (name == family + QStringLiteral("_bucket")) {
                QVERIFY2(value >= lastBucket[key], qPrintable(QStringLiteral("buckets not cumulative: ") + line));
                lastBucket[key] = value;
                if (le.match(labels).captured(1) == QLatin1String("+Inf")) infBucket[key] = value;
            } else if (name == family + QStringLiteral("_count")) {
                counts[key] = value;
            } else {
                QCOMPARE(name, family + QStringLiteral("_sum"));
            }
        } else {
            QCOMPARE(name, family);
            if (t == QLatin1String("counter")) QVERIFY2(name.endsWith(QStringLiteral("_total")), qPrintable(name));
        }
    }
    QVERIFY(samples > 20);
    QVERIFY(!counts.empty());
    for (const auto& [key, count] : counts) {
        QVERIFY2(infBucket.count(key), qPrintable(QStringLiteral("no +Inf bucket for ") + key));
        QCOMPARE(infBucket[key], count);
    }
    for (const char* expected : {"cityops_events_in_total", "cityops_pipeline_latency_seconds",
                                 "cityops_watermark_lag_seconds", "cityops_checkpoint_duration_seconds",
                                 "cityops_queue_depth_batches", "cityops_dead_letters_total", "cityops_alerts",
                                 "cityops_http_requests_total", "cityops_http_request_duration_seconds",
                                 "cityops_operator_records_in_total"}) {
        QVERIFY2(types.count(QString::fromLatin1(expected)), expected);
    }
    const QString text = QString::fromStdString(reply.body);
    QVERIFY(text.contains(QString::fromUtf8(R"(cityops_alerts{state="new"} )")));
    QVERIFY(text.contains(QString::fromUtf8(R"(reason="bad \"json\"")")));  // label values escaped
    QVERIFY(text.contains(QString::fromUtf8(R"(cityops_http_requests_total{route="/api/v1/alerts",method="GET",code="200"})")));

    // UI stall figures appear once the app feeds them.
    UiSample ui;
    ui.stallP99Ms = 35.0;
    ui.heartbeats = 10;
    m_server->setUiSample(ui);
    QVERIFY(QString::fromStdString(c.get("/metrics").body).contains(QString::fromUtf8(R"(cityops_ui_stall_seconds{quantile="0.99"} 0.035)")));
}

void TestServing::grafanaDashboardUsesExportedMetrics() {
    QFile file(QStringLiteral(CITYOPS_SOURCE_DIR "/resources/grafana/cityops-dashboard.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const auto doc = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QSet<QString> exported;
    for (const auto n : exportedMetricNames()) exported.insert(QString::fromLatin1(n.data(), static_cast<qsizetype>(n.size())));
    static const QRegularExpression metric(QString::fromUtf8(R"(\bcityops_[a-z0-9_]+)"));
    int exprs = 0;
    std::function<void(const QJsonValue&)> visit = [&](const QJsonValue& v) {
        if (v.isArray()) {
            for (const auto& item : v.toArray()) visit(item);
        } else if (v.isObject()) {
            const auto o = v.toObject();
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (it.key() == QLatin1String("expr")) {
                    ++exprs;
                    auto names = metric.globalMatch(it.value().toString());
                    QVERIFY2(names.hasNext(), qPrintable(QStringLiteral("expr without a cityops metric: ") + it.value().toString()));
                    while (names.hasNext()) {
                        QString name = names.next().captured(0);
                        for (const char* suffix : {"_bucket", "_sum", "_count"}) {
                            if (!exported.contains(name) && name.endsWith(QLatin1String(suffix))) {
                                name.chop(static_cast<qsizetype>(std::strlen(suffix)));
                            }
                        }
                        QVERIFY2(exported.contains(name), qPrintable(QStringLiteral("dashboard uses unknown metric ") + name));
                    }
                } else {
                    visit(it.value());
                }
            }
        }
    };
    visit(doc.object());
    QVERIFY(exprs >= 8);
}

bool TestServing::receiveUntil(serving_test::WsClient& ws, const std::function<bool(const QJsonObject&)>& found,
                               int messages) {
    for (int i = 0; i < messages; ++i) {
        // A generous guard, not a timing assertion: slow sanitizer/valgrind runs need it.
        const auto text = ws.receive(std::chrono::seconds(60));
        if (!text) return false;
        if (found(QJsonDocument::fromJson(QByteArray::fromStdString(*text)).object())) return true;
    }
    return false;
}

void TestServing::webSocketPushesAlertsAndLiveValues() {
    serving_test::WsClient ws(m_server->port(), "/api/v1/stream", kToken);
    QVERIFY2(!ws.handshakeError, ws.handshakeError.message().c_str());
    ws.send(R"({"type":"subscribe","kinds":["bogus"]})");
    auto reply = ws.receive();
    QVERIFY(reply);
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(*reply)).object()["field"].toString(), QStringLiteral("kinds"));
    // Alerts of air-quality sensors and the live values of sensors 3 and 8.
    ws.send(R"({"type":"subscribe","alerts":true,"values":true,"sensors":[1,3,8]})");
    QVERIFY(receiveUntil(ws, [](const QJsonObject& m) { return m["type"].toString() == QLatin1String("subscribed"); }));

    engine::Alert alert = makeAlert(100);
    alert.sensorId = 1;
    engine::Alert other = makeAlert(101);
    other.sensorId = 2;  // not subscribed
    const std::vector<engine::Alert> published{other, alert};
    m_server->publishAlerts(published);
    bool sawOther = false;
    QVERIFY(receiveUntil(ws, [&](const QJsonObject& m) {
        for (const auto& a : m["alerts"].toArray()) {
            if (a.toObject()["id"].toString() == QString::number(other.id)) sawOther = true;
            if (a.toObject()["id"].toString() == QString::number(alert.id)) {
                return a.toObject()["rule"].toString() == QString::fromLatin1(engine::toString(alert.rule));
            }
        }
        return false;
    }));
    QVERIFY(!sawOther);

    m_latest->store(8, 42.25, kT0 + 99'000);
    m_latest->store(9, 1.0, kT0 + 99'000);  // not subscribed
    m_latest->publish();
    bool sawNine = false;
    QVERIFY(receiveUntil(ws, [&](const QJsonObject& m) {
        for (const auto& v : m["values"].toArray()) {
            if (v.toObject()["sensor"].toInt() == 9) sawNine = true;
            if (v.toObject()["sensor"].toInt() == 8) return v.toObject()["value"].toDouble() == 42.25;
        }
        return false;
    }));
    QVERIFY(!sawNine);
}

void TestServing::webSocketNeedsTheToken() {
    serving_test::WsClient anonymous(m_server->port(), "/api/v1/stream", "");
    QVERIFY(anonymous.handshakeError == boost::beast::websocket::error::upgrade_declined);
    serving_test::WsClient byQuery(m_server->port(), std::string("/api/v1/stream?token=") + kToken, "");
    QVERIFY2(!byQuery.handshakeError, byQuery.handshakeError.message().c_str());
}

void TestServing::slowClientDoesNotStallThePublisher() {
    // The slow client subscribes and then never reads, with a tiny receive buffer.
    serving_test::WsClient slow(m_server->port(), "/api/v1/stream", kToken, 4096);
    QVERIFY(!slow.handshakeError);
    slow.send(R"({"type":"subscribe","values":false})");
    QVERIFY(receiveUntil(slow, [](const QJsonObject& m) { return m["type"].toString() == QLatin1String("subscribed"); }));
    serving_test::WsClient fast(m_server->port(), "/api/v1/stream", kToken);
    fast.send(R"({"type":"subscribe","values":false})");
    QVERIFY(receiveUntil(fast, [](const QJsonObject& m) { return m["type"].toString() == QLatin1String("subscribed"); }));

    const auto before = m_server->stats();
    // 40 rounds of 1,500 alerts (~300 kB per batch): far more than socket buffers hold for the slow client.
    for (int round = 0; round < 40; ++round) {
        std::vector<engine::Alert> alerts;
        for (int i = 0; i < 1500; ++i) alerts.push_back(makeAlert(1000 + round * 1500 + i));
        m_server->publishAlerts(alerts);
        const QString last = QString::number(alerts.back().id);
        // The fast client gets every round's alerts although the slow one reads nothing.
        QVERIFY2(receiveUntil(fast,
                              [&](const QJsonObject& m) {
                                  const auto list = m["alerts"].toArray();
                                  return !list.isEmpty() && list.last().toObject()["id"].toString() == last;
                              }),
                 qPrintable(QStringLiteral("fast client missed round %1").arg(round)));
    }
    const auto after = m_server->stats();
    QVERIFY2(after.streamMessagesDropped > before.streamMessagesDropped,
             qPrintable(QStringLiteral("dropped %1").arg(after.streamMessagesDropped)));
    QCOMPARE(after.alertsDropped, before.alertsDropped);
    const auto metrics = client().get("/metrics");
    static const QRegularExpression dropped(QString::fromUtf8(R"(cityops_ws_messages_dropped_total ([0-9.e+]+))"));
    QVERIFY(dropped.match(QString::fromStdString(metrics.body)).captured(1).toDouble() > 0.0);
}

void TestServing::tokenFileIsPrivate() {
    QTemporaryDir dir;
    const std::filesystem::path path = dir.path().toStdString();
    const auto token = loadOrCreateToken(path);
    QVERIFY(token);
    QCOMPARE(token->size(), std::size_t{64});
    struct stat info {};
    QCOMPARE(::stat((path / kTokenFileName).c_str(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0600u);
    const auto again = loadOrCreateToken(path);
    QVERIFY(again);
    QCOMPARE(*again, *token);
    ::chmod((path / kTokenFileName).c_str(), 0644);
    const auto refused = loadOrCreateToken(path);
    QVERIFY(!refused);
    QVERIFY(refused.error().message.find("chmod 600") != std::string::npos);
    QVERIFY(!readTokenFile(path / "missing"));
    QVERIFY(constantTimeEquals("abc", "abc"));
    QVERIFY(!constantTimeEquals("abc", "abd"));
    QVERIFY(!constantTimeEquals("abc", "abcd"));
    QVERIFY(!constantTimeEquals("", "a"));

    ServerOptions options;
    options.token = "short";
    QVERIFY(!Server::start(options, {}));
}

QTEST_GUILESS_MAIN(TestServing)
#include "test_serving.moc"
