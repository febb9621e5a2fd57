#pragma once

// Shared helpers of the CEP tests: a small labelled event type ("a", "b1", "c"), a runner that feeds
// an operator events and watermarks, and a text form of matches ("a b1 c") that is easy to compare.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "cityops/engine/stream/cep.h"

namespace cityops::engine::stream::cep_test {

//! A test event: a label whose leading letters are its kind ("b2" has kind "b"), a value, a seq.
struct Ev {
    char label[12] = {};
    double value = 0.0;
    std::uint64_t seq = 0;

    std::string kind() const {
        std::string k;
        for (const char* p = label; *p != '\0' && (*p < '0' || *p > '9'); ++p) {
            k.push_back(*p);
        }
        return k;
    }
    std::string name() const { return label; }
};

inline Ev ev(const std::string& label, double value = 0.0, std::uint64_t seq = 0) {
    Ev e;
    std::memcpy(e.label, label.data(), std::min(label.size(), sizeof(e.label) - 1));
    e.value = value;
    e.seq = seq;
    return e;
}

//! A condition: the event's kind is one of the given letters-words ("a", or "b|c").
inline auto kindIs(std::string kinds) {
    return [kinds](const Ev& e) {
        const std::string k = e.kind();
        std::size_t start = 0;
        while (start <= kinds.size()) {
            const std::size_t bar = kinds.find('|', start);
            const std::string one = kinds.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
            if (one == k) {
                return true;
            }
            if (bar == std::string::npos) {
                break;
            }
            start = bar + 1;
        }
        return false;
    };
}

//! One input step: an event (key, time) or a watermark.
struct Step {
    bool watermark = false;
    Key key = 1;
    TimeMs time = 0;
    Ev event;
};

inline Step at(TimeMs time, const std::string& label, Key key = 1, double value = 0.0) {
    Step s;
    s.key = key;
    s.time = time;
    s.event = ev(label, value, static_cast<std::uint64_t>(time));
    return s;
}
inline Step watermark(TimeMs time) {
    Step s;
    s.watermark = true;
    s.time = time;
    return s;
}

//! Events at times 0, 1, 2, ... from space-separated labels, for key 1.
inline std::vector<Step> sequence(const std::string& labels) {
    std::vector<Step> steps;
    std::size_t pos = 0;
    TimeMs t = 0;
    while (pos < labels.size()) {
        const std::size_t end = std::min(labels.find(' ', pos), labels.size());
        if (end > pos) {
            steps.push_back(at(t++, labels.substr(pos, end - pos)));
        }
        pos = end + 1;
    }
    return steps;
}

//! "a b1 c": the labels of a match in order.
inline std::string text(const Match<Ev>& m) {
    std::string s;
    for (const auto& e : m.events()) {
        s += (s.empty() ? "" : " ") + e.value.name();
    }
    return s;
}

//! Feeds the steps, then kEndOfTime, and returns the matches as text in emission order.
inline std::vector<std::string> run(CepOperator<Ev, Match<Ev>>& op, const std::vector<Step>& steps,
                                    bool endOfInput = true) {
    VectorCollector<Match<Ev>> out;
    for (const Step& s : steps) {
        if (s.watermark) {
            op.onWatermark(s.time, out);
        } else {
            op.processElement(s.key, s.event, s.time, out);
        }
    }
    if (endOfInput) {
        op.onWatermark(kEndOfTime, out);
    }
    std::vector<std::string> result;
    for (const auto& item : out.items) {
        result.push_back(text(item.value));
    }
    return result;
}

inline std::vector<std::string> run(const Pattern<Ev>& pattern, const std::vector<Step>& steps) {
    auto op = makeCepOperator(pattern);
    return run(*op, steps);
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace cityops::engine::stream::cep_test
