#pragma once

// The state blob of a stream-job checkpoint (CheckpointRecord::stateBlob): the source's watermark
// state, one snapshot per worker and the global stages' snapshot. Offsets travel next to it in
// CheckpointRecord::offsets and commit in the same transaction.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cityops/engine/expected.h"
#include "cityops/engine/log/event_source.h"
#include "cityops/engine/storage/records.h"

namespace cityops::engine::stream {

//! A decoded checkpoint state blob.
//!
//! Layout (little-endian): magic "COCP" u32 | version u32 | workers u32 | source bytes |
//! per worker: bytes | global bytes, where bytes = u64 length + data. A worker's (and the global
//! stage's) bytes are frames, one per operator in graph order: node id u32 | name string | state bytes.
struct CheckpointImage {
    static constexpr std::uint32_t kMagic = 0x50434f43;  // "COCP"
    static constexpr std::uint32_t kVersion = 1;

    std::vector<std::byte> source;
    std::vector<std::vector<std::byte>> workers;  //!< one per worker of the run that wrote it
    std::vector<std::byte> global;

    std::string encode() const;
    //! Parses a blob; the error names what is wrong (bad magic, newer version, truncated).
    static Expected<CheckpointImage, std::string> decode(std::string_view blob);
};

//! A committed checkpoint, reported to JobConfig::onCheckpoint and kept in the metrics.
struct CheckpointInfo {
    std::uint64_t id = 0;
    std::int64_t createdMs = 0;  //!< processing time of the barrier
    double durationMs = 0.0;
    std::size_t stateBytes = 0;
    std::size_t rows = 0;  //!< sink rows committed with it
};

//! Where a job resumed: the checkpoint it restored and the source offsets to continue from.
struct RestoreInfo {
    std::uint64_t checkpointId = 0;
    std::vector<log::PartitionOffset> positions;
    int workersBefore = 0;  //!< worker count of the run that wrote the checkpoint
};

//! Conversions between the log's and the store's offset types.
std::vector<storage::CheckpointOffset> toCheckpointOffsets(const std::vector<log::PartitionOffset>& positions);
std::vector<log::PartitionOffset> toPartitionOffsets(const std::vector<storage::CheckpointOffset>& offsets);

}  // namespace cityops::engine::stream
