#pragma once

// Private helpers shared by the job sources of this folder.

#include <memory>

#include "cityops/engine/stream/sinks.h"

namespace cityops::engine::stream::jobs_detail {

//! The sink the caller set, or a new QueueSink stored back into it (outputs are created on demand).
template <class T>
std::shared_ptr<QueueSink<T>> ensure(std::shared_ptr<QueueSink<T>>& sink) {
    if (!sink) {
        sink = std::make_shared<QueueSink<T>>();
    }
    return sink;
}

}  // namespace cityops::engine::stream::jobs_detail
