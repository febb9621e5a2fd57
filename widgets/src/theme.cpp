#include "cityops/widgets/theme.h"

namespace cityops::widgets {

QString themeId(Theme theme) {
    return theme == Theme::Light ? QStringLiteral("light") : QStringLiteral("dark");
}

Theme themeFromId(const QString& id) {
    return id == QLatin1String("light") ? Theme::Light : Theme::Dark;
}

QPalette themePalette(Theme theme) {
    QPalette palette;
    if (theme == Theme::Dark) {
        const QColor window(0x1b, 0x20, 0x28);
        const QColor base(0x12, 0x16, 0x1d);
        const QColor text(0xdc, 0xe2, 0xea);
        const QColor button(0x25, 0x2b, 0x35);
        palette.setColor(QPalette::Window, window);
        palette.setColor(QPalette::WindowText, text);
        palette.setColor(QPalette::Base, base);
        palette.setColor(QPalette::AlternateBase, QColor(0x1a, 0x1f, 0x27));
        palette.setColor(QPalette::ToolTipBase, QColor(0x2a, 0x31, 0x3c));
        palette.setColor(QPalette::ToolTipText, text);
        palette.setColor(QPalette::PlaceholderText, QColor(0x7d, 0x87, 0x94));
        palette.setColor(QPalette::Text, text);
        palette.setColor(QPalette::Button, button);
        palette.setColor(QPalette::ButtonText, text);
        palette.setColor(QPalette::BrightText, QColor(0xff, 0x4d, 0x4d));
        palette.setColor(QPalette::Light, QColor(0x3a, 0x42, 0x4f));
        palette.setColor(QPalette::Midlight, QColor(0x2f, 0x36, 0x41));
        palette.setColor(QPalette::Mid, QColor(0x3a, 0x42, 0x4f));
        palette.setColor(QPalette::Dark, QColor(0x0c, 0x0f, 0x14));
        palette.setColor(QPalette::Shadow, Qt::black);
        palette.setColor(QPalette::Highlight, QColor(0x2d, 0x7d, 0xd2));
        palette.setColor(QPalette::HighlightedText, Qt::white);
        palette.setColor(QPalette::Link, QColor(0x5a, 0xb4, 0xff));
        palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0x6a, 0x72, 0x7e));
        palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x6a, 0x72, 0x7e));
        palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x6a, 0x72, 0x7e));
    } else {
        const QColor text(0x1d, 0x23, 0x2c);
        palette.setColor(QPalette::Window, QColor(0xee, 0xef, 0xf1));
        palette.setColor(QPalette::WindowText, text);
        palette.setColor(QPalette::Base, Qt::white);
        palette.setColor(QPalette::AlternateBase, QColor(0xf5, 0xf6, 0xf8));
        palette.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe8));
        palette.setColor(QPalette::ToolTipText, text);
        palette.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x99));
        palette.setColor(QPalette::Text, text);
        palette.setColor(QPalette::Button, QColor(0xe4, 0xe6, 0xea));
        palette.setColor(QPalette::ButtonText, text);
        palette.setColor(QPalette::BrightText, QColor(0xc0, 0x00, 0x00));
        palette.setColor(QPalette::Light, Qt::white);
        palette.setColor(QPalette::Midlight, QColor(0xf0, 0xf1, 0xf3));
        palette.setColor(QPalette::Mid, QColor(0xb8, 0xbd, 0xc5));
        palette.setColor(QPalette::Dark, QColor(0x9a, 0xa0, 0xa8));
        palette.setColor(QPalette::Shadow, QColor(0x60, 0x66, 0x70));
        palette.setColor(QPalette::Highlight, QColor(0x2d, 0x7d, 0xd2));
        palette.setColor(QPalette::HighlightedText, Qt::white);
        palette.setColor(QPalette::Link, QColor(0x1a, 0x5f, 0xb4));
        palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9a, 0xa0, 0xa8));
        palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9a, 0xa0, 0xa8));
        palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9a, 0xa0, 0xa8));
    }
    return palette;
}

maps::MapTheme mapTheme(Theme theme) {
    return theme == Theme::Light ? maps::MapTheme::light() : maps::MapTheme::dark();
}

}  // namespace cityops::widgets
