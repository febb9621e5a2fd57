#include <stdexcept>
#include <string>

#include "cityops/engine/stream/windows.h"

namespace cityops::engine::stream {

WindowAssigner::WindowAssigner(Kind kind, Domain domain, TimeMs size, TimeMs slide, TimeMs offset)
    : m_kind(kind), m_domain(domain), m_size(size), m_slide(slide), m_offset(offset) {
    if (size <= 0) {
        throw std::invalid_argument(kind == Kind::Session ? "window: session gap must be > 0"
                                                          : "window: size must be > 0");
    }
    if (slide <= 0) {
        throw std::invalid_argument("window: slide must be > 0");
    }
}

WindowAssigner WindowAssigner::tumbling(TimeMs size, TimeMs offset) {
    return WindowAssigner(Kind::Tumbling, Domain::EventTime, size, size, offset);
}

WindowAssigner WindowAssigner::sliding(TimeMs size, TimeMs slide, TimeMs offset) {
    return WindowAssigner(Kind::Sliding, Domain::EventTime, size, slide, offset);
}

WindowAssigner WindowAssigner::session(TimeMs gap) {
    return WindowAssigner(Kind::Session, Domain::EventTime, gap, gap, 0);
}

WindowAssigner WindowAssigner::tumblingProcessingTime(TimeMs size, TimeMs offset) {
    return WindowAssigner(Kind::Tumbling, Domain::ProcessingTime, size, size, offset);
}

std::string formatDuration(TimeMs ms) {
    if (ms != 0 && ms % 3'600'000 == 0) {
        return std::to_string(ms / 3'600'000) + "h";
    }
    if (ms != 0 && ms % 60'000 == 0) {
        return std::to_string(ms / 60'000) + "m";
    }
    if (ms != 0 && ms % 1000 == 0) {
        return std::to_string(ms / 1000) + "s";
    }
    return std::to_string(ms) + "ms";
}

std::string WindowAssigner::describe() const {
    std::string text;
    switch (m_kind) {
        case Kind::Tumbling:
            text = "tumbling " + formatDuration(m_size);
            break;
        case Kind::Sliding:
            text = "sliding " + formatDuration(m_size) + "/" + formatDuration(m_slide);
            break;
        case Kind::Session:
            text = "session " + formatDuration(m_size);
            break;
    }
    if (m_offset != 0) {
        text += " +" + formatDuration(m_offset);
    }
    if (m_domain == Domain::ProcessingTime) {
        text += " processing-time";
    }
    return text;
}

}  // namespace cityops::engine::stream
