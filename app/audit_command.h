#pragma once

#include <QStringList>

namespace cityops::app {

//! `cityops audit verify --data-dir DIR [--quiet]`: checks the hash-chained audit log of DIR and names
//! the first record that was edited, deleted or reordered. Returns the exit code: 0 intact, 1 tampered,
//! 2 bad arguments or an unreadable log.
int runAuditCommand(const QStringList& arguments);

}  // namespace cityops::app
