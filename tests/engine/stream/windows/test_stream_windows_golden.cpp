// Golden, data-driven window cases: tests/engine/stream/golden/windows/<case>.input is replayed
// through a WindowOperator and its output must equal <case>.expected line for line.
//
// Input lines:   c tumbling <size> [offset] | c sliding <size> <slide> | c session <gap>
//                c lateness <ms> | c fn stats|list          (configuration, before any event)
//                e <key> <eventTimeMs> <value>               (an element)
//                w <watermarkMs> | w end                     (a watermark; end = kEndOfTime)
//                # comment
// Output lines, in emission order:
//   r <key> [<start>,<end>) #<fireCount> count=<n> sum=<s> min=<m> max=<M>      (fn stats)
//   r <key> [<start>,<end>) #<fireCount> values=<v1>,<v2>,...                    (fn list, arrival order)
//   late <key> <eventTimeMs> <value>                                             (side output)
//   counters in=<n> out=<n> lateDropped=<n> lateAccepted=<n>                     (last line)

#include <QtTest>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cityops/engine/stream/aggregates.h"
#include "cityops/engine/stream/windows.h"

using namespace cityops::engine::stream;

namespace {

const std::string kGoldenDir = std::string(CITYOPS_SOURCE_DIR) + "/tests/engine/stream/golden/windows/";

std::string num(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string windowText(Key key, TimeMs start, TimeMs end, std::uint32_t fireCount) {
    return "r " + std::to_string(key) + " [" + std::to_string(start) + "," + std::to_string(end) + ") #" +
           std::to_string(fireCount);
}

//! Writes every emission (results and late elements) into one ordered log.
template <class Out>
class LogCollector final : public Collector<WindowResult<Out>> {
public:
    explicit LogCollector(std::vector<std::string>& log) : m_log(log) {}
    void collect(Key key, const WindowResult<Out>& r, TimeMs eventTime) override {
        QCOMPARE(eventTime, r.windowEnd - 1);
        QCOMPARE(key, r.key);
        std::string line = windowText(r.key, r.windowStart, r.windowEnd, r.fireCount);
        if constexpr (std::is_same_v<Out, Stats>) {
            line += " count=" + std::to_string(r.value.count) + " sum=" + num(r.value.sum) + " min=" + num(r.value.min) +
                    " max=" + num(r.value.max);
        } else {
            line += " values=" + r.value;
        }
        m_log.push_back(line);
    }

private:
    std::vector<std::string>& m_log;
};

class LateLog final : public Collector<double> {
public:
    explicit LateLog(std::vector<std::string>& log) : m_log(log) {}
    void collect(Key key, const double& value, TimeMs eventTime) override {
        m_log.push_back("late " + std::to_string(key) + " " + std::to_string(eventTime) + " " + num(value));
    }

private:
    std::vector<std::string>& m_log;
};

struct Command {
    char kind = 'e';
    Key key = 0;
    TimeMs time = 0;
    double value = 0.0;
};

struct Case {
    std::string assigner = "tumbling";
    TimeMs a = 0;
    TimeMs b = 0;
    TimeMs lateness = 0;
    std::string fn = "stats";
    std::vector<Command> commands;
};

bool parseCase(const std::string& path, Case& out, std::string& error) {
    std::ifstream in(path);
    if (!in) {
        error = "cannot open " + path;
        return false;
    }
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        std::istringstream ss(line);
        std::string tag;
        if (!(ss >> tag) || tag[0] == '#') {
            continue;
        }
        bool ok = true;
        if (tag == "c") {
            std::string what;
            ss >> what;
            if (what == "tumbling" || what == "sliding" || what == "session") {
                out.assigner = what;
                ss >> out.a;
                if (!(ss >> out.b)) {
                    out.b = 0;
                }
            } else if (what == "lateness") {
                ok = static_cast<bool>(ss >> out.lateness);
            } else if (what == "fn") {
                ok = static_cast<bool>(ss >> out.fn);
            } else {
                ok = false;
            }
        } else if (tag == "e") {
            Command c;
            ok = static_cast<bool>(ss >> c.key >> c.time >> c.value);
            out.commands.push_back(c);
        } else if (tag == "w") {
            std::string t;
            ss >> t;
            Command c;
            c.kind = 'w';
            c.time = t == "end" ? kEndOfTime : std::stoll(t);
            out.commands.push_back(c);
        } else {
            ok = false;
        }
        if (!ok) {
            error = path + ":" + std::to_string(lineNo) + ": cannot parse '" + line + "'";
            return false;
        }
    }
    return true;
}

WindowAssigner assignerOf(const Case& c) {
    if (c.assigner == "sliding") {
        return WindowAssigner::sliding(c.a, c.b);
    }
    if (c.assigner == "session") {
        return WindowAssigner::session(c.a);
    }
    return WindowAssigner::tumbling(c.a, c.b);
}

template <class Op, class Out>
std::vector<std::string> replay(const Case& c, Op& op) {
    std::vector<std::string> log;
    LogCollector<Out> out(log);
    LateLog late(log);
    op.setLateOutput(&late);
    for (const Command& cmd : c.commands) {
        if (cmd.kind == 'e') {
            op.processElement(cmd.key, cmd.value, cmd.time, out);
        } else {
            op.onWatermark(cmd.time, out);
        }
    }
    const OperatorCounters k = op.counters();
    log.push_back("counters in=" + std::to_string(k.recordsIn) + " out=" + std::to_string(k.recordsOut) +
                  " lateDropped=" + std::to_string(k.lateDropped) + " lateAccepted=" + std::to_string(k.lateAccepted));
    return log;
}

std::vector<std::string> run(const Case& c) {
    WindowOptions options;
    options.allowedLatenessMs = c.lateness;
    if (c.fn == "list") {
        auto fn = processWindow<double>([](Key, const TimeWindow&, std::span<const double> values) {
            std::string s;
            for (double v : values) {
                s += (s.empty() ? "" : ",") + num(v);
            }
            return s;
        });
        WindowOperator<double, decltype(fn)> op(assignerOf(c), fn, options);
        return replay<decltype(op), std::string>(c, op);
    }
    WindowOperator<double, StatsAggregate> op(assignerOf(c), StatsAggregate{}, options);
    return replay<decltype(op), Stats>(c, op);
}

std::vector<std::string> readLines(const std::string& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] != '#') {
            lines.push_back(line);
        }
    }
    return lines;
}

}  // namespace

//! Replays every golden case and compares with its expected output.
class TestStreamWindowsGolden : public QObject {
    Q_OBJECT

private slots:
    void golden_data();
    void golden();
};

void TestStreamWindowsGolden::golden_data() {
    QTest::addColumn<QString>("name");
    const QDir dir(QString::fromStdString(kGoldenDir));
    const auto inputs = dir.entryList({QStringLiteral("*.input")}, QDir::Files, QDir::Name);
    QVERIFY2(inputs.size() >= 6, "golden cases missing");
    for (const QString& file : inputs) {
        const QString name = file.chopped(6);
        QTest::newRow(name.toUtf8().constData()) << name;
    }
}

void TestStreamWindowsGolden::golden() {
    QFETCH(QString, name);
    const std::string base = kGoldenDir + name.toStdString();
    Case c;
    std::string error;
    QVERIFY2(parseCase(base + ".input", c, error), error.c_str());
    const auto actual = run(c);
    const auto expected = readLines(base + ".expected");
    std::string dump;
    for (const auto& l : actual) {
        dump += l + "\n";
    }
    if (actual != expected) {
        qWarning("actual output of %s:\n%s", name.toUtf8().constData(), dump.c_str());
    }
    QCOMPARE(actual.size(), expected.size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
        QCOMPARE(QString::fromStdString(actual[i]), QString::fromStdString(expected[i]));
    }
}

QTEST_GUILESS_MAIN(TestStreamWindowsGolden)
#include "test_stream_windows_golden.moc"
