#pragma once

#include <QStringList>

namespace cityops::app {

//! `cityops analyze <csv> [--report F.pdf] [--xlsx F] [--html F] [--csv F] [--jsonl F] [--quiet]`: runs
//! the retail cleaning workflow headless, prints every step and writes the requested exports (the PDF
//! on the offscreen platform). Returns the exit code:
//! 0 ok, 2 bad arguments or unreadable CSV, 4 an export failed.
int runAnalyzeCommand(const QStringList& arguments);

}  // namespace cityops::app
