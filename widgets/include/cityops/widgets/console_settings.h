#pragma once

#include <QObject>
#include <QString>
#include <QVariant>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cityops/maps/map_layer.h"
#include "cityops/widgets/theme.h"

namespace cityops::widgets {

//! Every user setting of the console in one place: its QSettings key and default (specs()), typed
//! accessors, persistence (each set is written at once) and reset to defaults. A setting equal to
//! its default is not stored, so a reset leaves no keys behind. One instance per window, passed to
//! whoever needs it; no global instance.
//!
//! Language is stored under "ui/language", which app/main.cpp reads before the window exists, so a
//! change takes effect at the next start (the Settings dialog says so).
class ConsoleSettings : public QObject {
    Q_OBJECT

public:
    enum class Key {
        Theme,             //!< "dark" | "light"
        Language,          //!< "en" | "uk" | "ru"
        DefaultSpeed,      //!< simulated seconds per real second
        AlertSound,        //!< beep when new alerts arrive
        FrameRate,         //!< UI frames per second (the drain timer)
        WallCycleSeconds,  //!< seconds per view in wall mode
        LayerDistricts,
        LayerTraffic,
        LayerHeatMap,
        LayerSensors,
        LayerAlerts,
        EscalationMinutes,  //!< a critical alert still New after this long is escalated; 0 = never
        WebhookPolice,      //!< the dispatch webhook of each service ("" = not configured)
        WebhookFire,
        WebhookTraffic,
        WebhookEnergy,
    };
    Q_ENUM(Key)

    //! A setting's description: where it is stored and its default.
    struct Spec {
        Key key;
        QString path;
        QVariant defaultValue;
    };

    static const std::vector<Spec>& specs();
    static const Spec& spec(Key key);
    static Key layerKey(maps::MapLayer layer);
    //! The webhook setting of a service named as AlertWorkflow::services() names it; nullopt for others.
    static std::optional<Key> webhookKey(const QString& service);
    static bool isWebhookKey(Key key);
    //! The languages offered: ISO codes in menu order.
    static QStringList languages();

    explicit ConsoleSettings(QObject* parent = nullptr);

    //! The stored value, or the default when none is stored.
    QVariant value(Key key) const;
    //! Stores value (removes the key when it equals the default) and emits changed(key) if it moved.
    void setValue(Key key, const QVariant& value);
    //! Removes every stored setting; emits changed() for each that moved.
    void resetToDefaults();

    Theme theme() const { return themeFromId(value(Key::Theme).toString()); }
    void setTheme(Theme theme) { setValue(Key::Theme, themeId(theme)); }
    QString language() const { return value(Key::Language).toString(); }
    double defaultSpeed() const { return value(Key::DefaultSpeed).toDouble(); }
    bool alertSound() const { return value(Key::AlertSound).toBool(); }
    int frameRate() const { return value(Key::FrameRate).toInt(); }
    int wallCycleSeconds() const { return value(Key::WallCycleSeconds).toInt(); }
    int escalationMinutes() const { return value(Key::EscalationMinutes).toInt(); }
    //! Service name → webhook URL, configured services only (the dispatch outbox's serviceUrls).
    std::map<std::string, std::string> webhookUrls() const;
    bool layerVisible(maps::MapLayer layer) const { return value(layerKey(layer)).toBool(); }
    void setLayerVisible(maps::MapLayer layer, bool visible) { setValue(layerKey(layer), visible); }

    static constexpr int kMinFrameRate = 5;
    static constexpr int kMaxFrameRate = 60;
    static constexpr int kMaxEscalationMinutes = 240;

signals:
    void changed(cityops::widgets::ConsoleSettings::Key key);
};

}  // namespace cityops::widgets
