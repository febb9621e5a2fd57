// Golden, data-driven CEP cases: every tests/engine/stream/golden/cep/<case>.input is run and its
// output compared with <case>.expected. The format is described in that folder's README.md.

#include <QtTest>
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "cep_test_support.h"

using namespace cityops::engine::stream;
using namespace cityops::engine::stream::cep_test;

namespace {

const std::filesystem::path kDir = std::filesystem::path(CITYOPS_SOURCE_DIR) / "tests/engine/stream/golden/cep";

std::vector<std::string> readLines(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::vector<std::string> lines;
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') {
            continue;
        }
        lines.push_back(line.substr(first));
    }
    return lines;
}

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    std::string w;
    while (in >> w) {
        out.push_back(w);
    }
    return out;
}

struct Case {
    std::vector<Step> steps;
    std::vector<std::string> expected;
};

//! Parses a case; throws std::runtime_error naming the line on bad input.
Pattern<Ev> parse(const std::filesystem::path& file, std::vector<Step>& steps) {
    AfterMatchSkipStrategy skip = AfterMatchSkipStrategy::noSkip();
    TimeMs within = 0;
    std::optional<Pattern<Ev>> pattern;
    bool inEvents = false;
    for (const std::string& line : readLines(file)) {
        const auto w = words(line);
        auto fail = [&](const std::string& why) { throw std::runtime_error(file.string() + ": " + why + ": " + line); };
        if (inEvents) {
            if (w[0] == "watermark" && w.size() == 2) {
                steps.push_back(watermark(std::stoll(w[1])));
            } else if (w.size() >= 2) {
                steps.push_back(at(std::stoll(w[0]), w[1], w.size() > 2 ? std::stoull(w[2]) : 1,
                                   w.size() > 3 ? std::stod(w[3]) : 0.0));
            } else {
                fail("bad event");
            }
            continue;
        }
        if (w[0] == "events") {
            inEvents = true;
        } else if (w[0] == "within" && w.size() == 2) {
            within = std::stoll(w[1]);
        } else if (w[0] == "skip" && w.size() >= 2) {
            const std::string& s = w[1];
            if (s == "no_skip") {
                skip = AfterMatchSkipStrategy::noSkip();
            } else if (s == "skip_to_next") {
                skip = AfterMatchSkipStrategy::skipToNext();
            } else if (s == "skip_past_last_event") {
                skip = AfterMatchSkipStrategy::skipPastLastEvent();
            } else if (s == "skip_to_first" && w.size() == 3) {
                skip = AfterMatchSkipStrategy::skipToFirst(w[2]);
            } else if (s == "skip_to_last" && w.size() == 3) {
                skip = AfterMatchSkipStrategy::skipToLast(w[2]);
            } else {
                fail("unknown skip strategy");
            }
        } else if (w[0] == "stage" && w.size() >= 4) {
            const std::string& name = w[1];
            const std::string& how = w[2];
            if (how == "begin") {
                pattern = Pattern<Ev>::begin(name, skip);
            } else if (!pattern) {
                fail("the first stage must be 'begin'");
            } else if (how == "next") {
                pattern = pattern->next(name);
            } else if (how == "followedBy") {
                pattern = pattern->followedBy(name);
            } else if (how == "followedByAny") {
                pattern = pattern->followedByAny(name);
            } else {
                fail("unknown contiguity");
            }
            pattern = pattern->where(kindIs(w[3]));
            for (std::size_t i = 4; i < w.size(); ++i) {
                const std::string& q = w[i];
                if (q == "oneOrMore") {
                    pattern = pattern->oneOrMore();
                } else if (q == "timesOrMore") {
                    pattern = pattern->timesOrMore(std::stoi(w.at(++i)));
                } else if (q == "times") {
                    const int from = std::stoi(w.at(++i));
                    if (i + 1 < w.size() && std::isdigit(static_cast<unsigned char>(w[i + 1][0]))) {
                        pattern = pattern->times(from, std::stoi(w[++i]));
                    } else {
                        pattern = pattern->times(from);
                    }
                } else if (q == "optional") {
                    pattern = pattern->optional();
                } else if (q == "consecutive") {
                    pattern = pattern->consecutive();
                } else if (q == "allowCombinations") {
                    pattern = pattern->allowCombinations();
                } else if (q == "rising") {
                    const std::string stage = name;
                    pattern = pattern->where([stage](const Ev& e, const MatchContext<Ev>& ctx) {
                        const Ev* prev = ctx.last(stage);
                        return prev == nullptr || e.value > prev->value;
                    });
                } else {
                    fail("unknown quantifier '" + q + "'");
                }
            }
        } else {
            fail("unknown directive");
        }
    }
    if (!pattern) {
        throw std::runtime_error(file.string() + ": no stage");
    }
    Pattern<Ev> result = pattern->skip(skip);
    return within > 0 ? result.within(within) : result;
}

std::vector<std::string> runCase(const std::filesystem::path& input) {
    std::vector<Step> steps;
    Pattern<Ev> pattern = parse(input, steps);
    auto op = makeCepOperator(pattern);
    VectorCollector<Ev> late;
    VectorCollector<Match<Ev>> timeouts;
    op->setLateOutput(&late);
    op->setTimeoutOutput(&timeouts);
    VectorCollector<Match<Ev>> out;
    for (const Step& s : steps) {
        if (s.watermark) {
            op->onWatermark(s.time, out);
        } else {
            op->processElement(s.key, s.event, s.time, out);
        }
    }
    op->onWatermark(kEndOfTime, out);
    std::vector<std::string> lines;
    for (const auto& item : out.items) {
        lines.push_back(std::to_string(item.key) + ": " + text(item.value));
    }
    for (const auto& item : late.items) {
        lines.push_back("late " + std::to_string(item.key) + ": " + item.value.name());
    }
    for (const auto& item : timeouts.items) {
        lines.push_back("timeout " + std::to_string(item.key) + ": " + text(item.value));
    }
    std::sort(lines.begin(), lines.end());
    return lines;
}

}  // namespace

class TestCepGolden : public QObject {
    Q_OBJECT

private slots:
    void cases_data();
    void cases();
};

void TestCepGolden::cases_data() {
    QTest::addColumn<QString>("input");
    std::vector<std::filesystem::path> inputs;
    for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
        if (entry.path().extension() == ".input") {
            inputs.push_back(entry.path());
        }
    }
    std::sort(inputs.begin(), inputs.end());
    QVERIFY(inputs.size() >= 10);
    for (const auto& p : inputs) {
        QTest::newRow(p.stem().string().c_str()) << QString::fromStdString(p.string());
    }
}

void TestCepGolden::cases() {
    QFETCH(QString, input);
    const std::filesystem::path in(input.toStdString());
    std::filesystem::path expectedFile = in;
    expectedFile.replace_extension(".expected");
    QVERIFY2(std::filesystem::exists(expectedFile), qPrintable(QString::fromStdString(expectedFile.string())));
    auto expected = readLines(expectedFile);
    std::sort(expected.begin(), expected.end());
    const auto got = runCase(in);
    QStringList g;
    QStringList e;
    for (const auto& s : got) {
        g << QString::fromStdString(s);
    }
    for (const auto& s : expected) {
        e << QString::fromStdString(s);
    }
    QCOMPARE(g, e);
}

QTEST_GUILESS_MAIN(TestCepGolden)
#include "test_cep_golden.moc"
