#include "sql_command.h"

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cityops/engine/sql/sql.h"
#include "cityops/engine/sql/stream.h"

namespace cityops::app {

namespace {

namespace sql = cityops::engine::sql;

constexpr const char* kUsage =
    "Usage: cityops sql [--data-dir DIR] [--csv name=path ...] [--param name=value ...]\n"
    "                   [--format table|csv|json] [--explain] (\"<query>\" | -f file.sql)\n"
    "Runs one SQL query (docs/SQL.md) on the batch engine. Tables: every --csv (loaded on first use) and,\n"
    "with --data-dir, the stored sensor history DIR/cityops.db as\n"
    "  readings(sensor_id, kind, metric, district, ts, value).\n"
    "--param gives :name parameters as SQL text, e.g. --param \"month_start=TIMESTAMP '2026-11-01'\".\n"
    "A streaming script (CREATE TABLE ... WITH, INSERT INTO, docs/SQL.md) reads DIR/log to its end and prints\n"
    "its alerts and rows. Ctrl+C cancels a running query. Exit code 0 ok, 2 bad arguments, 3 the query failed.\n";

std::atomic<bool> g_interrupted{false};

void onInterrupt(int) { g_interrupted.store(true); }

bool splitPair(const std::string& text, std::string& name, std::string& value) {
    const std::size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    name = text.substr(0, eq);
    value = text.substr(eq + 1);
    return true;
}

}  // namespace

int runSqlCommand(const std::vector<std::string>& args, std::FILE* out, std::FILE* err) {
    sql::Catalog catalog;
    sql::QueryOptions options;
    sql::ResultFormat format = sql::ResultFormat::Table;
    std::string query;
    bool haveQuery = false;
    bool explain = false;
    std::filesystem::path dataDir;
    auto bad = [&](const std::string& message) {
        std::fprintf(err, "cityops sql: %s\n%s", message.c_str(), kUsage);
        return 2;
    };
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const bool takesValue = arg == "--data-dir" || arg == "--csv" || arg == "--format" || arg == "-f" || arg == "--param";
        if (takesValue && i + 1 >= args.size()) return bad(arg + " needs a value");
        if (arg == "--help" || arg == "-h") {
            std::fputs(kUsage, out);
            return 0;
        }
        if (arg == "--data-dir") {
            dataDir = args[++i];
            const std::filesystem::path db = dataDir / "cityops.db";
            if (std::filesystem::exists(db)) {
                catalog.registerStoredReadings(db);
            } else if (!std::filesystem::exists(dataDir / "log")) {
                return bad("no " + db.string() + " (run cityops --headless --data-dir first)");
            }
        } else if (arg == "--csv") {
            std::string name, path;
            if (!splitPair(args[++i], name, path)) return bad("--csv wants name=path, got '" + args[i] + "'");
            if (!std::filesystem::exists(path)) return bad("no such file: " + path);
            catalog.registerCsv(name, path);
        } else if (arg == "--param") {
            std::string name, value;
            if (!splitPair(args[++i], name, value)) return bad("--param wants name=value, got '" + args[i] + "'");
            options.parameters[name] = value;
        } else if (arg == "--format") {
            const std::string& f = args[++i];
            if (f == "table") {
                format = sql::ResultFormat::Table;
            } else if (f == "csv") {
                format = sql::ResultFormat::Csv;
            } else if (f == "json") {
                format = sql::ResultFormat::Json;
            } else {
                return bad("--format must be table, csv or json");
            }
        } else if (arg == "--explain") {
            explain = true;
        } else if (arg == "-f") {
            std::ifstream in(args[++i], std::ios::binary);
            if (!in) return bad("cannot read " + args[i]);
            std::ostringstream text;
            text << in.rdbuf();
            if (haveQuery) return bad("give one query");
            query = text.str();
            haveQuery = true;
        } else if (!arg.empty() && arg[0] == '-' && arg.size() > 1) {
            return bad("unknown option " + arg);
        } else {
            if (haveQuery) return bad("give one query (quote it)");
            query = arg;
            haveQuery = true;
        }
    }
    if (!haveQuery) return bad("no query given");
    g_interrupted.store(false);
    auto previous = std::signal(SIGINT, onInterrupt);
    options.progress = [](double) { return !g_interrupted.load(); };
    std::string text;  // streaming scripts: the engine runs and formats them (engine/src/sql/stream_*)
    sql::SqlResult<sql::QueryResult> result = sql::QueryResult{};
    if (sql::isStreamScript(query)) {
        sql::StreamEnvironment env;
        env.logDirectory = dataDir / "log";
        if (explain) {
            auto plan = sql::explainStreamScript(query, env);
            if (plan) {
                text = *plan + "\n";
            } else {
                result = plan.error();
            }
        } else {
            auto streamed = sql::runStreamScript(query, env, {true, &g_interrupted});
            if (streamed) {
                text = sql::formatStreamResult(*streamed, format);
            } else {
                result = streamed.error();
            }
        }
    } else {
        result = sql::runQuery(catalog, query, options);
    }
    std::signal(SIGINT, previous);
    if (!result) {
        std::fprintf(err, "cityops sql: error at %s\n", result.error().toText().c_str());
        // show the offending line with a caret
        std::istringstream lines(query);
        std::string line;
        for (int n = 1; std::getline(lines, line); ++n) {
            if (n == result.error().pos.line) {
                std::fprintf(err, "  %s\n  %s^\n", line.c_str(),
                             std::string(static_cast<std::size_t>(std::max(0, result.error().pos.column - 1)), ' ').c_str());
                break;
            }
        }
        return 3;
    }
    if (sql::isStreamScript(query)) {
        std::fputs(text.c_str(), out);
        return 0;
    }
    if (explain) std::fprintf(out, "%s\n", result->plan.c_str());
    std::fputs(sql::formatResult(*result, format).c_str(), out);
    return 0;
}

int runSqlCommand(const QStringList& arguments) {
    std::vector<std::string> args;
    for (qsizetype i = 2; i < arguments.size(); ++i) args.push_back(arguments[i].toStdString());
    return runSqlCommand(args, stdout, stderr);
}

}  // namespace cityops::app
