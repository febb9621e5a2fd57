#include "cityops/widgets/workspace/pdf_report.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFontMetricsF>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <algorithm>
#include <cmath>

#include "cityops/widgets/workspace/charts_panel.h"
#include "cityops/widgets/workspace/report_figures.h"

namespace cityops::widgets::workspace {

namespace {

using engine::batch::Table;

constexpr double kMargin = 40.0;       //!< points
constexpr std::size_t kMaxColumns = 8;  //!< wider tables show their first columns only
constexpr double kChartHeight = 170.0;

//! Translation context of the PDF report's texts.
class PdfReport {
    Q_DECLARE_TR_FUNCTIONS(PdfReport)
};

QString xmlEscaped(const QString& text) { return text.toHtmlEscaped(); }

//! A top-to-bottom flow of text, tables and charts over A4 pages.
class PdfFlow {
public:
    PdfFlow(QPdfWriter& writer, QPainter& painter)
        : m_writer(writer), m_painter(painter), m_width(painter.viewport().width() - 2 * kMargin),
          m_bottom(painter.viewport().height() - kMargin), m_y(kMargin) {
        m_body = QFont(QStringLiteral("Sans Serif"), 9);
        m_small = QFont(QStringLiteral("Sans Serif"), 6);
        m_mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        m_mono.setPointSizeF(6.5);
    }

    void heading(const QString& text, double size) {
        QFont font = m_body;
        font.setPointSizeF(size);
        font.setBold(true);
        paragraph(text, font, 6.0);
    }
    void paragraph(const QString& text, const QFont& font, double after = 4.0) {
        m_painter.setFont(font);
        const QRectF bounds = m_painter.boundingRect(QRectF(0, 0, m_width, 10000), Qt::TextWordWrap, text);
        ensure(bounds.height());
        m_painter.drawText(QRectF(kMargin, m_y, m_width, bounds.height()), Qt::TextWordWrap, text);
        m_y += bounds.height() + after;
    }
    void body(const QString& text) { paragraph(text, m_body); }
    void mono(const QString& text) {
        for (const QString& line : text.split(QLatin1Char('\n'))) paragraph(line, m_mono, 0.0);
        m_y += 4.0;
    }

    void table(const Table& table, std::size_t rows) {
        if (table.columnCount() == 0) return;
        const std::size_t columns = std::min(table.columnCount(), kMaxColumns);
        rows = std::min(rows, table.rowCount());
        m_painter.setFont(m_small);
        const QFontMetricsF metrics(m_small);
        const double rowHeight = metrics.height() + 3.0;
        const double cellWidth = m_width / static_cast<double>(columns);
        const auto drawRow = [&](auto cellText, bool header) {
            ensure(rowHeight);
            QFont font = m_small;
            font.setBold(header);
            m_painter.setFont(font);
            if (header) m_painter.fillRect(QRectF(kMargin, m_y, m_width, rowHeight), QColor(230, 234, 240));
            for (std::size_t c = 0; c < columns; ++c) {
                const QRectF cell(kMargin + cellWidth * static_cast<double>(c) + 2.0, m_y, cellWidth - 4.0, rowHeight);
                m_painter.drawText(cell, Qt::AlignVCenter | Qt::AlignLeft,
                                   metrics.elidedText(cellText(c), Qt::ElideRight, cell.width()));
            }
            m_painter.setPen(QColor(200, 200, 200));
            m_painter.drawLine(QPointF(kMargin, m_y + rowHeight), QPointF(kMargin + m_width, m_y + rowHeight));
            m_painter.setPen(Qt::black);
            m_y += rowHeight;
        };
        drawRow([&](std::size_t c) { return QString::fromStdString(table.name(c)); }, true);
        for (std::size_t r = 0; r < rows; ++r) {
            drawRow([&](std::size_t c) { return QString::fromStdString(table.column(c).toText(r)); }, false);
        }
        if (table.columnCount() > columns) {
            m_painter.setFont(m_small);
            paragraph(PdfReport::tr("(first %1 of %2 columns)").arg(columns).arg(table.columnCount()), m_small, 0.0);
        }
        m_y += 8.0;
    }

    void chart(const ReportChart& chart) {
        ensure(kChartHeight + 20.0);
        QFont title = m_body;
        title.setBold(true);
        m_painter.setFont(title);
        m_painter.drawText(QRectF(kMargin, m_y, m_width, 14.0), Qt::AlignLeft, chart.title);
        const QRectF area(kMargin + 10.0, m_y + 30.0, m_width - 20.0, kChartHeight - 60.0);
        double maxValue = 0.0;
        for (const auto& bar : chart.bars) maxValue = std::max(maxValue, bar.second);
        if (maxValue <= 0.0) maxValue = 1.0;
        const double slot = chart.bars.empty() ? area.width() : area.width() / static_cast<double>(chart.bars.size());
        m_painter.setFont(m_small);
        const QFontMetricsF metrics(m_small);
        for (std::size_t i = 0; i < chart.bars.size(); ++i) {
            const auto& [label, value] = chart.bars[i];
            const double h = area.height() * value / maxValue;
            const QRectF bar(area.left() + slot * static_cast<double>(i) + slot * 0.15, area.bottom() - h, slot * 0.7, h);
            m_painter.fillRect(bar, QColor(52, 101, 164));
            const QRectF valueBox(bar.left() - 10.0, bar.top() - 12.0, bar.width() + 20.0, 11.0);
            m_painter.drawText(valueBox, Qt::AlignCenter, QString::number(value, 'f', value == std::floor(value) ? 0 : 2));
            const QRectF labelBox(area.left() + slot * static_cast<double>(i), area.bottom() + 2.0, slot, 11.0);
            m_painter.drawText(labelBox, Qt::AlignCenter,
                               metrics.elidedText(QString::fromStdString(label), Qt::ElideRight, slot));
        }
        m_painter.drawLine(area.bottomLeft(), area.bottomRight());
        m_y += kChartHeight;
    }

    void gap(double points) { m_y += points; }

private:
    void ensure(double height) {
        if (m_y + height <= m_bottom || m_y <= kMargin) return;
        m_writer.newPage();
        m_y = kMargin;
    }

    QPdfWriter& m_writer;
    QPainter& m_painter;
    double m_width;
    double m_bottom;
    double m_y;
    QFont m_body;
    QFont m_small;
    QFont m_mono;
};

QByteArray xmpMetadata(const QString& title, const QStringList& steps) {
    QString xmp = QStringLiteral(
        "<?xpacket begin='' id='W5M0MpCehiHzreSzNTczkc9d'?>\n"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>\n"
        "<rdf:Description rdf:about='' xmlns:dc='http://purl.org/dc/elements/1.1/'>\n"
        "<dc:title><rdf:Alt><rdf:li xml:lang='x-default'>%1</rdf:li></rdf:Alt></dc:title>\n"
        "<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>%2</rdf:li></rdf:Alt></dc:description>\n"
        "</rdf:Description></rdf:RDF></x:xmpmeta>\n<?xpacket end='w'?>");
    return xmp.arg(xmlEscaped(title), xmlEscaped(steps.join(QStringLiteral("; ")))).toUtf8();
}

}  // namespace

QString writeRetailPdf(const engine::batch::RetailReport& report, const QString& path, const QString& sourceName) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        const QFileInfo dir(QFileInfo(path).absolutePath());
        const QString reason = !dir.exists() ? PdfReport::tr("directory '%1' does not exist").arg(dir.filePath())
                                             : file.errorString();
        return PdfReport::tr("cannot write '%1': %2").arg(path, reason);
    }
    const QString title = PdfReport::tr("Retail sales report");
    QStringList stepTitles;
    for (const auto& step : report.steps)
        stepTitles << QString::fromStdString(step.id) + QLatin1Char(' ') + QString::fromStdString(step.title);
    {
        QPdfWriter writer(&file);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setPageMargins(QMarginsF(0, 0, 0, 0));
        writer.setResolution(72);
        writer.setTitle(title);
        writer.setCreator(QStringLiteral("CityOps"));
        writer.setDocumentXmpMetadata(xmpMetadata(title, stepTitles));
        QPainter painter;
        if (!painter.begin(&writer)) return PdfReport::tr("cannot write '%1': the PDF writer could not start").arg(path);
        PdfFlow flow(writer, painter);
        flow.heading(title, 16.0);
        if (!sourceName.isEmpty()) flow.body(PdfReport::tr("Source: %1").arg(sourceName));
        flow.body(PdfReport::tr("Generated %1").arg(QDateTime::currentDateTime().toString(Qt::ISODate)));
        flow.body(PdfReport::tr("%1 rows loaded, %2 rows with rejected values, %3 rows dropped in 2.4, %4 rows in the cleaned data.")
                      .arg(report.rowsLoaded)
                      .arg(report.rowsRejected)
                      .arg(report.rowsDropped)
                      .arg(report.finalRows));
        flow.gap(8.0);

        const std::vector<ReportChart> charts = reportCharts(report);
        for (const StepFigures& f : stepFigures(report)) {
            const QString id = QString::fromStdString(f.step->id);
            flow.heading(id + QLatin1Char(' ') + QString::fromStdString(f.step->title), 11.0);
            if (!f.step->summary.empty()) flow.body(QString::fromStdString(f.step->summary));
            flow.body(PdfReport::tr("Rows before: %1, rows after: %2, rows fixed: %3")
                          .arg(f.rowsBefore)
                          .arg(f.rowsAfter)
                          .arg(f.rowsFixed));
            if (id == QLatin1String("1.2") || id == QLatin1String("1.3")) flow.mono(QString::fromStdString(f.step->text));
            if (id == QLatin1String("3.2")) {
                flow.table(report.avgByPayment, report.avgByPayment.rowCount());
                flow.table(report.avgByLocation, report.avgByLocation.rowCount());
            } else if (f.sample != nullptr) {
                flow.table(*f.sample, f.sampleRows);
            }
            if (id == QLatin1String("3.1")) flow.chart(charts[0]);
            if (id == QLatin1String("3.2")) {
                flow.chart(charts[1]);
                flow.chart(charts[2]);
            }
            if (id == QLatin1String("4.1")) {
                flow.chart(charts[3]);
                flow.chart(charts[4]);
            }
            flow.gap(6.0);
        }
        if (report.rejects.rowCount() > 0) {
            flow.heading(PdfReport::tr("Rejected values (first 20)"), 11.0);
            flow.table(report.rejects, 20);
        }
        if (!painter.end()) return PdfReport::tr("cannot write '%1': the PDF could not be completed").arg(path);
    }
    if (!file.commit()) return PdfReport::tr("cannot write '%1': %2").arg(path, file.errorString());
    return {};
}

}  // namespace cityops::widgets::workspace
