#pragma once

// What the CEP operator hands to a select function: all events of one match, by stage name.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/stream/operator.h"

namespace cityops::engine::stream {

//! One event of a match with its event time and the index of the stage that took it.
template <class T>
struct MatchedEvent {
    T value;
    TimeMs eventTime = 0;
    std::uint16_t stage = 0;
};

//! A complete (or, on the timeout output, timed-out partial) match: every matched event in event-time
//! order. Stages advance monotonically, so the events of one stage are contiguous and get() is a span.
template <class T>
class Match {
public:
    Match() = default;
    Match(Key key, std::shared_ptr<const std::vector<std::string>> names, std::vector<MatchedEvent<T>> events)
        : m_key(key), m_names(std::move(names)), m_events(std::move(events)) {}

    Key key() const { return m_key; }
    //! All events, oldest first.
    std::span<const MatchedEvent<T>> events() const { return m_events; }
    std::size_t size() const { return m_events.size(); }
    bool empty() const { return m_events.empty(); }

    //! The events matched as stage `name` (empty if none, or the name is unknown).
    std::span<const MatchedEvent<T>> get(std::string_view name) const {
        const int stage = stageIndex(name);
        std::size_t begin = 0;
        while (begin < m_events.size() && m_events[begin].stage != stage) {
            ++begin;
        }
        std::size_t end = begin;
        while (end < m_events.size() && m_events[end].stage == stage) {
            ++end;
        }
        return std::span<const MatchedEvent<T>>(m_events).subspan(begin, end - begin);
    }
    //! The first / last event matched as `name`, or nullptr.
    const T* first(std::string_view name) const {
        auto s = get(name);
        return s.empty() ? nullptr : &s.front().value;
    }
    const T* last(std::string_view name) const {
        auto s = get(name);
        return s.empty() ? nullptr : &s.back().value;
    }
    TimeMs firstEventTime() const { return m_events.empty() ? 0 : m_events.front().eventTime; }
    TimeMs lastEventTime() const { return m_events.empty() ? 0 : m_events.back().eventTime; }
    //! Stage name of an event's `stage` index.
    std::string_view stageName(std::uint16_t stage) const {
        return m_names && stage < m_names->size() ? std::string_view((*m_names)[stage]) : std::string_view();
    }
    //! Index of stage `name`, or -1.
    int stageIndex(std::string_view name) const {
        if (!m_names) {
            return -1;
        }
        for (std::size_t i = 0; i < m_names->size(); ++i) {
            if ((*m_names)[i] == name) {
                return static_cast<int>(i);
            }
        }
        return -1;
    }

private:
    Key m_key = 0;
    std::shared_ptr<const std::vector<std::string>> m_names;
    std::vector<MatchedEvent<T>> m_events;
};

}  // namespace cityops::engine::stream
