#pragma once

#include <QStringList>

namespace cityops::app {

//! `cityops batch <hourly|daily|noise|quality|forecast|reconcile|all> --data-dir DIR [--month YYYY-MM]
//! [--json] [--window-minutes N] [--no-correct]`: runs the batch jobs over the city's stored history
//! (engine/include/cityops/engine/history/history_jobs.h) and prints text or one JSON document.
//! Returns the exit code: 0 ok, 2 bad arguments, 3 a job failed.
int runBatchCommand(const QStringList& arguments);

}  // namespace cityops::app
