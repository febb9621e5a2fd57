// cityops_render_icon: build-time tool that renders the SVG application icon to the PNG sizes of the
// freedesktop hicolor theme (<out>/<n>x<n>/apps/<name>.png), so the package needs no image tools.
//
//   cityops_render_icon <icon.svg> <out-dir> <name> <size>...
//   cityops_render_icon --ico <icon.svg> <out.ico>      (256 x 256, for the Windows installers)
#include <QDir>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

namespace {

QImage render(QSvgRenderer& svg, int size) {
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    svg.render(&painter);
    return image;
}

}  // namespace

int main(int argc, char** argv) {
    const bool ico = argc == 4 && qstrcmp(argv[1], "--ico") == 0;
    if (argc < 5 && !ico) {
        std::fputs("usage: cityops_render_icon <icon.svg> <out-dir> <name> <size>...\n", stderr);
        return 2;
    }
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    const char* svgPath = ico ? argv[2] : argv[1];
    QSvgRenderer svg(QString::fromLocal8Bit(svgPath));
    if (!svg.isValid()) {
        std::fprintf(stderr, "cityops_render_icon: %s is not a valid SVG\n", svgPath);
        return 1;
    }
    if (ico) {
        if (!render(svg, 256).save(QString::fromLocal8Bit(argv[3]), "ICO")) {
            std::fprintf(stderr, "cityops_render_icon: cannot write %s (Qt's ico image plugin missing?)\n", argv[3]);
            return 1;
        }
        return 0;
    }
    const QString outDir = QString::fromLocal8Bit(argv[2]);
    const QString name = QString::fromLocal8Bit(argv[3]);
    for (int i = 4; i < argc; ++i) {
        bool ok = false;
        const int size = QString::fromLocal8Bit(argv[i]).toInt(&ok);
        if (!ok || size < 8 || size > 1024) {
            std::fprintf(stderr, "cityops_render_icon: bad size '%s'\n", argv[i]);
            return 2;
        }
        const QImage image = render(svg, size);
        const QString dir = QStringLiteral("%1/%2x%2/apps").arg(outDir).arg(size);
        const QString file = QStringLiteral("%1/%2.png").arg(dir, name);
        if (!QDir().mkpath(dir) || !image.save(file, "PNG")) {
            std::fprintf(stderr, "cityops_render_icon: cannot write %s\n", file.toLocal8Bit().constData());
            return 1;
        }
    }
    return 0;
}
