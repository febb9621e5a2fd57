#include "cityops/widgets/console_settings.h"

#include <QSettings>
#include <algorithm>
#include <iterator>

namespace cityops::widgets {

namespace {

//! Values are compared as text so 60 and 60.0, or true and "true" read back from an INI, match.
bool sameValue(const QVariant& a, const QVariant& b) {
    return a.toString() == b.toString();
}

}  // namespace

const std::vector<ConsoleSettings::Spec>& ConsoleSettings::specs() {
    static const std::vector<Spec> kSpecs{
        {Key::Theme, QStringLiteral("ui/theme"), QStringLiteral("dark")},
        {Key::Language, QStringLiteral("ui/language"), QStringLiteral("en")},
        {Key::DefaultSpeed, QStringLiteral("simulation/defaultSpeed"), 60.0},
        {Key::AlertSound, QStringLiteral("alerts/sound"), false},
        {Key::FrameRate, QStringLiteral("ui/frameRate"), 30},
        {Key::WallCycleSeconds, QStringLiteral("wall/cycleSeconds"), 15},
        {Key::LayerDistricts, QStringLiteral("map/layers/districts"), true},
        {Key::LayerTraffic, QStringLiteral("map/layers/traffic"), true},
        {Key::LayerHeatMap, QStringLiteral("map/layers/heatMap"), true},
        {Key::LayerSensors, QStringLiteral("map/layers/sensors"), true},
        {Key::LayerAlerts, QStringLiteral("map/layers/alerts"), true},
        {Key::EscalationMinutes, QStringLiteral("alerts/escalationMinutes"), 2},
        {Key::WebhookPolice, QStringLiteral("dispatch/webhooks/police"), QString()},
        {Key::WebhookFire, QStringLiteral("dispatch/webhooks/fire"), QString()},
        {Key::WebhookTraffic, QStringLiteral("dispatch/webhooks/traffic"), QString()},
        {Key::WebhookEnergy, QStringLiteral("dispatch/webhooks/energy"), QString()},
    };
    return kSpecs;
}

const ConsoleSettings::Spec& ConsoleSettings::spec(Key key) {
    const auto& all = specs();
    return *std::find_if(all.begin(), all.end(), [key](const Spec& s) { return s.key == key; });
}

ConsoleSettings::Key ConsoleSettings::layerKey(maps::MapLayer layer) {
    switch (layer) {
        case maps::MapLayer::Districts:
            return Key::LayerDistricts;
        case maps::MapLayer::Traffic:
            return Key::LayerTraffic;
        case maps::MapLayer::HeatMap:
            return Key::LayerHeatMap;
        case maps::MapLayer::Sensors:
            return Key::LayerSensors;
        case maps::MapLayer::Alerts:
            return Key::LayerAlerts;
    }
    return Key::LayerSensors;
}

namespace {

//! The services in AlertWorkflow::services() order with their webhook settings.
struct ServiceWebhook {
    const char* service;
    ConsoleSettings::Key key;
};
constexpr ServiceWebhook kServiceWebhooks[] = {
    {"Police", ConsoleSettings::Key::WebhookPolice},
    {"Fire Department", ConsoleSettings::Key::WebhookFire},
    {"Traffic Control", ConsoleSettings::Key::WebhookTraffic},
    {"Energy Company", ConsoleSettings::Key::WebhookEnergy},
};

}  // namespace

std::optional<ConsoleSettings::Key> ConsoleSettings::webhookKey(const QString& service) {
    for (const ServiceWebhook& entry : kServiceWebhooks) {
        if (service == QLatin1String(entry.service)) return entry.key;
    }
    return std::nullopt;
}

bool ConsoleSettings::isWebhookKey(Key key) {
    return std::any_of(std::begin(kServiceWebhooks), std::end(kServiceWebhooks),
                       [key](const ServiceWebhook& entry) { return entry.key == key; });
}

std::map<std::string, std::string> ConsoleSettings::webhookUrls() const {
    std::map<std::string, std::string> urls;
    for (const ServiceWebhook& entry : kServiceWebhooks) {
        const QString url = value(entry.key).toString().trimmed();
        if (!url.isEmpty()) urls.emplace(entry.service, url.toStdString());
    }
    return urls;
}

QStringList ConsoleSettings::languages() {
    return {QStringLiteral("en"), QStringLiteral("uk"), QStringLiteral("ru")};
}

ConsoleSettings::ConsoleSettings(QObject* parent) : QObject(parent) {}

QVariant ConsoleSettings::value(Key key) const {
    const Spec& s = spec(key);
    const QVariant stored = QSettings().value(s.path);
    if (!stored.isValid()) return s.defaultValue;
    QVariant converted = stored;
    if (!converted.convert(s.defaultValue.metaType())) return s.defaultValue;
    if (key == Key::FrameRate) return std::clamp(converted.toInt(), kMinFrameRate, kMaxFrameRate);
    if (key == Key::Language && !languages().contains(converted.toString())) return s.defaultValue;
    return converted;
}

void ConsoleSettings::setValue(Key key, const QVariant& newValue) {
    const Spec& s = spec(key);
    const QVariant before = value(key);
    QSettings settings;
    if (sameValue(newValue, s.defaultValue))
        settings.remove(s.path);
    else
        settings.setValue(s.path, newValue);
    if (!sameValue(before, value(key))) emit changed(key);
}

void ConsoleSettings::resetToDefaults() {
    std::vector<std::pair<Key, QVariant>> before;
    for (const Spec& s : specs()) before.emplace_back(s.key, value(s.key));
    QSettings settings;
    for (const Spec& s : specs()) settings.remove(s.path);
    for (const auto& [key, old] : before) {
        if (!sameValue(old, value(key))) emit changed(key);
    }
}

}  // namespace cityops::widgets
