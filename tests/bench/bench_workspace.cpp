// Retail workspace timings: loads the shared retail CSV and a generated CSV of N rows (default 1 M)
// through WorkspaceLoader (CSV read + parse with progress, then the workflow) and writes the PDF report.
// Prints JSON. Usage: bench_workspace [rows] [shared.csv] (QT_QPA_PLATFORM=offscreen is set when unset).
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "cityops/widgets/workspace/pdf_report.h"
#include "cityops/widgets/workspace/workspace_loader.h"

using cityops::widgets::workspace::LoadOutcome;
using cityops::widgets::workspace::WorkspaceLoader;

namespace {

std::shared_ptr<const LoadOutcome> load(const QString& path) {
    WorkspaceLoader loader;
    std::shared_ptr<const LoadOutcome> result;
    QEventLoop loop;
    QObject::connect(&loader, &WorkspaceLoader::loaded, &loop, [&](std::shared_ptr<const LoadOutcome> outcome) {
        result = std::move(outcome);
        loop.quit();
    });
    QObject::connect(&loader, &WorkspaceLoader::failed, &loop, [&] { loop.quit(); });
    loader.start(path);
    loop.exec();
    return result;
}

void writeCsv(const QString& path, long rows) {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) return;
    file.write("Transaction ID,Customer ID,Category,Item,Price Per Unit,Quantity,Total Spent,Payment Method,"
               "Location,Transaction Date,Discount Applied\n");
    const char* categories[] = {"Food", "Furniture", "Beverages", "Patisserie", "Milk Products", "Butchers"};
    const char* payments[] = {"Cash", "Credit Card", "Digital Wallet"};
    for (long i = 0; i < rows; ++i) {
        const long price = 5 + i % 30;
        const long quantity = 1 + i % 10;
        QByteArray line = "TXN_" + QByteArray::number(static_cast<qlonglong>(i)) + ",CUST_" +
                          QByteArray::number(static_cast<qlonglong>(i % 25)) + "," + categories[i % 6] + ",";
        if (i % 17 != 0) line += "Item_" + QByteArray::number(static_cast<qlonglong>(price)) + "_" + categories[i % 6];
        line += "," + QByteArray::number(static_cast<qlonglong>(price)) + ".5,";
        if (i % 23 != 0) line += QByteArray::number(static_cast<qlonglong>(quantity));
        line += ",";
        if (i % 19 != 0) line += QByteArray::number((static_cast<double>(price) + 0.5) * static_cast<double>(quantity));
        line += QByteArray(",") + payments[i % 3] + (i % 2 == 0 ? ",Online" : ",In-store") + ",2023-" +
                (i % 12 < 9 ? "0" : "") + QByteArray::number(static_cast<qlonglong>(1 + i % 12)) + "-1" +
                QByteArray::number(static_cast<qlonglong>(i % 10)) + (i % 3 == 0 ? ",True\n" : ",False\n");
        file.write(line);
    }
}

void measure(const char* name, const QString& path, const QString& pdf) {
    QElapsedTimer total;
    total.start();
    const auto outcome = load(path);
    const double loadTotal = static_cast<double>(total.nsecsElapsed()) / 1e9;
    if (!outcome) {
        std::printf("  \"%s\": {\"error\": \"load failed\"}", name);
        return;
    }
    QElapsedTimer pdfTimer;
    pdfTimer.start();
    const QString error = cityops::widgets::workspace::writeRetailPdf(outcome->report, pdf, path);
    const double pdfSeconds = static_cast<double>(pdfTimer.nsecsElapsed()) / 1e9;
    std::printf("  \"%s\": {\"rows\": %zu, \"csv_load_s\": %.3f, \"workflow_s\": %.3f, \"open_total_s\": %.3f, "
                "\"pdf_s\": %.3f, \"pdf_bytes\": %lld, \"pdf_ok\": %s}",
                name, outcome->load.rowsLoaded, outcome->loadSeconds, outcome->workflowSeconds, loadTotal, pdfSeconds,
                static_cast<long long>(QFile(pdf).size()), error.isEmpty() ? "true" : "false");
}

}  // namespace

int main(int argc, char** argv) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const long rows = argc > 1 ? std::atol(argv[1]) : 1'000'000;
    QTemporaryDir dir;
    const QString generated = dir.filePath(QStringLiteral("generated.csv"));
    writeCsv(generated, rows);
    std::printf("{\n");
    if (argc > 2) {
        measure("shared_csv", QString::fromLocal8Bit(argv[2]), dir.filePath(QStringLiteral("shared.pdf")));
        std::printf(",\n");
    }
    measure("generated_csv", generated, dir.filePath(QStringLiteral("generated.pdf")));
    std::printf("\n}\n");
    return 0;
}
