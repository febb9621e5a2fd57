#pragma once

#include <QString>

#include "cityops/engine/batch/retail_workflow.h"

namespace cityops::widgets::workspace {

//! Writes the retail report as an A4 PDF with Qt's PDF writer: counts, every step (summary, rows
//! before/after and fixed, demonstration rows or schema), the result tables and bar charts for 3.1,
//! 3.2 and the time features. The step titles are also listed in the document's XMP metadata.
//! Needs a QGuiApplication (the offscreen platform is enough). Writes through QSaveFile, so a failure
//! never leaves a partial file or damages an existing one. Returns an empty string on success, else one
//! message naming the file and the reason.
QString writeRetailPdf(const engine::batch::RetailReport& report, const QString& path,
                       const QString& sourceName = {});

}  // namespace cityops::widgets::workspace
