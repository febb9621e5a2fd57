#include "cityops/widgets/settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>
#include <algorithm>

#include "cityops/connectors/dispatch/http_webhook.h"
#include "cityops/widgets/alert_workflow.h"
#include "cityops/widgets/console_settings.h"

namespace cityops::widgets {

namespace {

QString languageName(const QString& code) {
    if (code == QLatin1String("uk")) return QStringLiteral("Українська");
    if (code == QLatin1String("ru")) return QStringLiteral("Русский");
    return QStringLiteral("English");
}

}  // namespace

SettingsDialog::SettingsDialog(ConsoleSettings& settings, QWidget* parent)
    : QDialog(parent),
      m_settings(settings),
      m_theme(new QComboBox),
      m_language(new QComboBox),
      m_speed(new QDoubleSpinBox),
      m_sound(new QCheckBox(tr("Beep when new alerts arrive"))),
      m_frameRate(new QSpinBox),
      m_wallCycle(new QSpinBox),
      m_escalation(new QSpinBox),
      m_webhookError(new QLabel) {
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    m_theme->setObjectName(QStringLiteral("themeCombo"));
    m_theme->addItem(tr("Dark (control room)"), themeId(Theme::Dark));
    m_theme->addItem(tr("Light"), themeId(Theme::Light));
    m_language->setObjectName(QStringLiteral("languageCombo"));
    for (const QString& code : ConsoleSettings::languages()) m_language->addItem(languageName(code), code);
    auto* languageNote = new QLabel(tr("A language change takes effect when the console is restarted."));
    languageNote->setObjectName(QStringLiteral("languageNote"));
    languageNote->setWordWrap(true);
    m_speed->setObjectName(QStringLiteral("speedSpin"));
    m_speed->setRange(0.1, 3600.0);
    m_speed->setDecimals(1);
    m_speed->setSuffix(tr(" × real time"));
    m_sound->setObjectName(QStringLiteral("soundCheck"));
    m_frameRate->setObjectName(QStringLiteral("frameRateSpin"));
    m_frameRate->setRange(ConsoleSettings::kMinFrameRate, ConsoleSettings::kMaxFrameRate);
    m_frameRate->setSuffix(tr(" frames/s"));
    m_wallCycle->setObjectName(QStringLiteral("wallCycleSpin"));
    m_wallCycle->setRange(3, 600);
    m_wallCycle->setSuffix(tr(" s"));

    auto* general = new QFormLayout;
    general->addRow(tr("&Theme:"), m_theme);
    general->addRow(tr("&Language:"), m_language);
    general->addRow(QString(), languageNote);
    general->addRow(tr("Simulation &speed:"), m_speed);
    general->addRow(tr("Alert &sound:"), m_sound);
    general->addRow(tr("&Frame rate:"), m_frameRate);
    general->addRow(tr("&Wall mode, seconds per view:"), m_wallCycle);

    auto* layerBox = new QGroupBox(tr("Map layers"));
    auto* layerLayout = new QVBoxLayout(layerBox);
    for (maps::MapLayer layer : maps::kAllMapLayers) {
        auto* check = new QCheckBox(maps::layerTitle(layer));
        check->setObjectName(QStringLiteral("layerCheck_%1").arg(maps::layerId(layer)));
        m_layers[static_cast<std::size_t>(layer)] = check;
        layerLayout->addWidget(check);
    }

    auto* serviceBox = new QGroupBox(tr("Alert service"));
    serviceBox->setObjectName(QStringLiteral("alertServiceBox"));
    auto* serviceForm = new QFormLayout(serviceBox);
    m_escalation->setObjectName(QStringLiteral("escalationSpin"));
    m_escalation->setRange(0, ConsoleSettings::kMaxEscalationMinutes);
    m_escalation->setSuffix(tr(" min"));
    m_escalation->setSpecialValueText(tr("never"));
    serviceForm->addRow(tr("&Escalate unacknowledged critical alerts after:"), m_escalation);
    const QStringList services = AlertWorkflow::services();
    for (std::size_t i = 0; i < m_webhooks.size(); ++i) {
        auto* edit = new QLineEdit;
        edit->setObjectName(QStringLiteral("webhookEdit%1").arg(i));
        edit->setPlaceholderText(tr("http://host:port/path (empty: not dispatched)"));
        edit->setClearButtonEnabled(true);
        m_webhooks[i] = edit;
        serviceForm->addRow(tr("%1 webhook:").arg(AlertWorkflow::serviceText(services.value(static_cast<int>(i)))), edit);
    }
    m_webhookError->setObjectName(QStringLiteral("webhookError"));
    m_webhookError->setWordWrap(true);
    m_webhookError->setStyleSheet(QStringLiteral("color: #d9534f"));
    m_webhookError->hide();
    serviceForm->addRow(QString(), m_webhookError);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply |
                                         QDialogButtonBox::RestoreDefaults);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (apply()) accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::Apply), &QPushButton::clicked, this, &SettingsDialog::apply);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        m_settings.resetToDefaults();
        load();
    });

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(general);
    layout->addWidget(layerBox);
    layout->addWidget(serviceBox);
    layout->addWidget(buttons);
    load();
}

void SettingsDialog::load() {
    m_theme->setCurrentIndex(m_theme->findData(themeId(m_settings.theme())));
    m_language->setCurrentIndex(std::max(0, m_language->findData(m_settings.language())));
    m_speed->setValue(m_settings.defaultSpeed());
    m_sound->setChecked(m_settings.alertSound());
    m_frameRate->setValue(m_settings.frameRate());
    m_wallCycle->setValue(m_settings.wallCycleSeconds());
    for (maps::MapLayer layer : maps::kAllMapLayers)
        m_layers[static_cast<std::size_t>(layer)]->setChecked(m_settings.layerVisible(layer));
    m_escalation->setValue(m_settings.escalationMinutes());
    const QStringList services = AlertWorkflow::services();
    for (std::size_t i = 0; i < m_webhooks.size(); ++i) {
        const auto key = ConsoleSettings::webhookKey(services.value(static_cast<int>(i)));
        m_webhooks[i]->setText(key ? m_settings.value(*key).toString() : QString());
    }
    m_webhookError->hide();
}

bool SettingsDialog::apply() {
    using Key = ConsoleSettings::Key;
    const QStringList services = AlertWorkflow::services();
    for (std::size_t i = 0; i < m_webhooks.size(); ++i) {
        const QString url = m_webhooks[i]->text().trimmed();
        if (url.isEmpty()) continue;
        const auto parsed = connectors::dispatch::parseWebhookUrl(url.toStdString());
        if (parsed.error.empty()) continue;
        m_webhookError->setText(tr("%1 webhook: %2").arg(AlertWorkflow::serviceText(services.value(static_cast<int>(i))),
                                                       QString::fromStdString(parsed.error)));
        m_webhookError->show();
        m_webhooks[i]->setFocus();
        return false;
    }
    m_webhookError->hide();
    m_settings.setValue(Key::Theme, m_theme->currentData());
    m_settings.setValue(Key::Language, m_language->currentData());
    m_settings.setValue(Key::DefaultSpeed, m_speed->value());
    m_settings.setValue(Key::AlertSound, m_sound->isChecked());
    m_settings.setValue(Key::FrameRate, m_frameRate->value());
    m_settings.setValue(Key::WallCycleSeconds, m_wallCycle->value());
    for (maps::MapLayer layer : maps::kAllMapLayers)
        m_settings.setLayerVisible(layer, m_layers[static_cast<std::size_t>(layer)]->isChecked());
    m_settings.setValue(Key::EscalationMinutes, m_escalation->value());
    for (std::size_t i = 0; i < m_webhooks.size(); ++i) {
        if (const auto key = ConsoleSettings::webhookKey(services.value(static_cast<int>(i))))
            m_settings.setValue(*key, m_webhooks[i]->text().trimmed());
    }
    return true;
}

}  // namespace cityops::widgets
