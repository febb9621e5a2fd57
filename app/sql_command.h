#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include <QStringList>

namespace cityops::app {

//! `cityops sql [--data-dir D] [--csv name=path ...] [--param name=value ...] [--format table|csv|json]
//! [--explain] ("<query>" | -f file.sql)`: runs one SQL query (docs/SQL.md) over CSV files and the stored
//! sensor history of D (table `readings`). Returns 0 ok, 2 bad arguments, 3 the query failed.
int runSqlCommand(const QStringList& arguments);

//! The same without Qt types: args are the words after "sql"; output goes to out, messages to err.
int runSqlCommand(const std::vector<std::string>& args, std::FILE* out, std::FILE* err);

}  // namespace cityops::app
